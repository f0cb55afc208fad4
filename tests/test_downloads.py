"""Each example's runnable code per framework as a script, each page's as a notebook per
framework: offered beside the examples in HTML, run as downloaded."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from sphinx.testing.util import SphinxTestApp

from .conftest import MEGENGINE_PYTHON, root_fixture, warnings_of

STORE = {"apidiff_store_path": "_apidiff_store"}
app = root_fixture("downloads", confoverrides={**STORE, "apidiff_store_update": True})

PAGES = {
    "grads": {
        "scripts": ["sequential-example-1", "sigmoid-example-1"],
        "pairs": ["sequential", "sigmoid"],
    },
    "plain": {"scripts": ["exp-example-1", "exp-example-2"], "pairs": ["exp"]},
}
FRAMEWORKS = {"torch": sys.executable, "megengine": MEGENGINE_PYTHON}
_LINK = re.compile(r'<a class="reference download internal" download="" href="([^"]+)"')


def _links(outdir: Path, page: str) -> dict[str, Path]:
    """A page's download links: file name -> the file the link points at."""
    html = (outdir / f"{page}.html").read_text("utf-8")
    return {Path(href).name: outdir / href for href in _LINK.findall(html)}


def _compared(app, pair_ids: list[str]) -> list[list[str]]:
    """Per example of the pairs, in order: the names of its compared values and gradients."""
    report = json.loads((app.outdir / "apidiff.json").read_text("utf-8"))
    pairs = {p["id"]: p for p in report["pairs"]}
    return [list(ex["results"]) for pid in pair_ids for ex in pairs[pid]["examples"]]


def _run(python: str, code: str) -> str:
    proc = subprocess.run(
        [python, "-c", code], capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout


def _printed(stdout: str) -> list[str]:
    """The names of the values a script printed (``name: value`` lines)."""
    return [m.group(1) for m in re.finditer(r"^([\w.]+): ", stdout, re.MULTILINE)]


def test_each_example_has_a_script_per_framework_and_each_page_notebooks(app):
    assert warnings_of(app) == []
    for page, what in PAGES.items():
        links = _links(app.outdir, page)
        scripts = [f"{name}-{fw}.py" for name in what["scripts"] for fw in FRAMEWORKS]
        notebooks = [f"{page}-{fw}.ipynb" for fw in FRAMEWORKS]
        assert sorted(links) == sorted(scripts + notebooks), page
        for name, path in links.items():
            assert path.is_file(), f"{page}: the link to {name} resolves to no file"
        html = (app.outdir / f"{page}.html").read_text("utf-8")
        # two pairs on the page: its notebooks are offered once, with the first pair
        assert html.count("Download this page's examples as a notebook:") == 1
        assert html.count("Download this example:") == len(what["scripts"])


def _check_scripts(app, framework: str) -> None:
    for page, what in PAGES.items():
        links = _links(app.outdir, page)
        for name, compared in zip(what["scripts"], _compared(app, what["pairs"]), strict=True):
            script = links[f"{name}-{framework}.py"].read_text("utf-8")
            printed = _printed(_run(FRAMEWORKS[framework], script))
            # the values the build compared, each printed, gradients included
            assert sorted(printed) == sorted(compared), name


def test_the_pytorch_scripts_run_and_print_the_compared_values(app):
    _check_scripts(app, "torch")


@pytest.mark.megengine
def test_the_megengine_scripts_run_and_print_the_compared_values(app):
    _check_scripts(app, "megengine")


#: Runs the code cells given on stdin in order, in one namespace, as a kernel would.
RUN_CELLS = (
    "import json, sys\n"
    "namespace = {'__name__': '__main__'}\n"
    "for number, cell in enumerate(json.load(sys.stdin)):\n"
    "    exec(compile(cell, 'cell %d' % number, 'exec'), namespace)\n"
)


def _check_notebooks(app, framework: str) -> None:
    for page, what in PAGES.items():
        book = nbformat.read(_links(app.outdir, page)[f"{page}-{framework}.ipynb"], as_version=4)
        nbformat.validate(book)
        cells = [cell.source for cell in book.cells if cell.cell_type == "code"]
        assert len(cells) == len(what["scripts"])
        proc = subprocess.run(
            [FRAMEWORKS[framework], "-c", RUN_CELLS],
            input=json.dumps(cells),
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        assert proc.returncode == 0, proc.stderr[-2000:]
        compared = [name for names in _compared(app, what["pairs"]) for name in names]
        assert sorted(_printed(proc.stdout)) == sorted(compared)


def test_the_pytorch_notebooks_validate_and_run_cell_by_cell(app):
    _check_notebooks(app, "torch")


@pytest.mark.megengine
def test_the_megengine_notebooks_validate_and_run_cell_by_cell(app):
    _check_notebooks(app, "megengine")


def _from_store(app, builddir: Path, buildername: str = "html", **kwargs) -> SphinxTestApp:
    """A fresh build of the root from the results store alone: nothing runs."""
    built = SphinxTestApp(
        buildername,
        srcdir=app.srcdir,
        builddir=builddir,
        freshenv=True,
        confoverrides={**STORE, "apidiff_execution_mode": "cache", "apidiff_cache_path": "_none"},
        **kwargs,
    )
    built.build()
    built.cleanup()
    return built


def test_a_parallel_build_from_the_store_offers_the_same_files(app, tmp_path):
    """The code is known without running: pages from the store, read and written by two
    processes, link the same scripts and notebooks."""
    built = _from_store(app, tmp_path / "store", parallel=2)
    assert built.is_parallel_allowed("read") and built.is_parallel_allowed("write")
    assert warnings_of(built) == []
    for page, what in PAGES.items():
        live, stored = _links(app.outdir, page), _links(built.outdir, page)
        assert len(stored) == 2 * len(what["scripts"]) + 2  # a script each, two notebooks
        assert sorted(stored) == sorted(live)
        for name, path in stored.items():
            assert path.read_bytes() == live[name].read_bytes(), name


def test_a_text_build_shows_no_download(app, tmp_path):
    built = _from_store(app, tmp_path / "text", "text")
    assert warnings_of(built) == []
    text = (built.outdir / "grads.txt").read_text("utf-8")
    assert "Status:" in text and "Download" not in text and ".ipynb" not in text


def test_an_edited_example_gets_its_new_code_and_the_other_pages_keep_theirs(app):
    """An incremental build: the page of the edited pair is read again and its script
    rewritten; the others, not read, keep their downloads."""
    pair = app.srcdir / "pairs" / "exp.yaml"
    pair.write_text(
        pair.read_text("utf-8").replace("y = torch.exp(x)\n", "y = torch.exp(x) + 0\n"), "utf-8"
    )
    again = SphinxTestApp("html", srcdir=app.srcdir)
    again.build()
    again.cleanup()
    assert warnings_of(again) == []
    assert "y = torch.exp(x) + 0" in _links(again.outdir, "plain")[
        "exp-example-1-torch.py"
    ].read_text("utf-8")
    for page in PAGES:
        for name, path in _links(again.outdir, page).items():
            assert path.is_file(), f"{page}: {name}"
