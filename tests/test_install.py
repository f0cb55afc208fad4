"""The package as users install it: ``python -m build`` makes an sdist and a wheel that carry
every file the package reads at run time, and the wheel, installed with its dependencies into
a fresh virtual environment (its own site-packages only, nothing of the checkout), builds a
site: a page rendered from a results store in ``cache`` mode, with no framework installed,
and the stylesheet and the schema published in ``_static/``.

pip needs a package index (or its cache). Without one the test skips, saying so; under CI
(``CI=true``) it fails instead, so a green CI has installed the wheel.
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

from sphinx_apidiff.model import schema

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sphinx_apidiff"
CONSTRAINTS = ROOT / "constraints" / "py311.txt"
#: What pip says when it cannot reach an index (nor find the release in its cache).
OFFLINE = (
    "No matching distribution found",
    "Could not find a version that satisfies",
    "NewConnectionError",
    "Failed to establish a new connection",
    "Temporary failure in name resolution",
    "Network is unreachable",
)

pytestmark = pytest.mark.install


def _ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _env() -> dict[str, str]:
    """The environment of a user's shell: nothing points back at the checkout or at the
    developer's environments (PYTHONPATH, VIRTUAL_ENV, the framework interpreters)."""
    drop = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSAFEPATH"}
    return {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("APIDIFF_")}


def _run(args: list[str | Path], cwd: Path, what: str, pip: bool = False) -> str:
    """Run a step; its output on success. A pip step that fails for want of an index skips
    the test (fails it under CI); any other failure fails it, with the step's output."""
    proc = subprocess.run(
        [str(a) for a in args],
        cwd=cwd,
        env=_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    if proc.returncode == 0:
        return proc.stdout
    output = proc.stdout + proc.stderr
    if pip and any(sign in output for sign in OFFLINE):
        reason = f"{what}: pip cannot reach a package index (nor find it in its cache)"
        if _ci():
            pytest.fail(f"{reason}, and CI must install the wheel:\n{output[-3000:]}")
        pytest.skip(reason)
    pytest.fail(f"{what} failed ({proc.returncode}):\n{output[-3000:]}", pytrace=False)


def _source_copy(dest: Path) -> Path:
    """What an sdist is made from, copied away from the checkout (so no build artefact is
    left in it, and no untracked file of the developer's slips in)."""
    dest.mkdir()
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, dest / name)
    shutil.copytree(
        PACKAGE, dest / "sphinx_apidiff", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
    )
    return dest


def _package_files() -> set[str]:
    """Every file of the package a user needs: the code and its data (schema, stylesheet,
    message catalogues, the worker runtime). Only the catalogue template is left out."""
    return {
        path.relative_to(ROOT).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file()
        and "__pycache__" not in path.parts
        and path.suffix not in {".pyc", ".pot"}
    }


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, wheel, sdist): the package built and installed into a fresh venv."""
    tmp = tmp_path_factory.mktemp("install")
    source = _source_copy(tmp / "src")
    venv = tmp / "venv"
    # sys._base_executable: the interpreter behind this one's environment, not the environment
    base = getattr(sys, "_base_executable", sys.executable)
    _run([base, "-m", "venv", venv], tmp, "python -m venv")
    python = venv / "bin" / "python"
    # an index that answers (PyYAML: a dependency): else the steps below cannot run
    _run([python, "-m", "pip", "index", "versions", "PyYAML"], tmp, "pip index", pip=True)
    pip = [python, "-m", "pip", "install", "--disable-pip-version-check", "-c", CONSTRAINTS]
    builder = sys.executable
    if importlib.util.find_spec("build") is None:  # bootstrap's .venv has it (the test extra)
        _run([*pip, "build"], tmp, "pip install build", pip=True)
        builder = str(python)
    dist = tmp / "dist"
    _run([builder, "-m", "build", "--outdir", dist, source], tmp, "python -m build", pip=True)
    [wheel] = dist.glob("sphinx_apidiff-*.whl")
    [sdist] = dist.glob("sphinx_apidiff-*.tar.gz")
    _run([*pip, wheel], tmp, "pip install the wheel", pip=True)
    return python, wheel, sdist


def test_the_wheel_and_the_sdist_carry_every_file_the_package_reads(installed):
    _, wheel, sdist = installed
    expected = _package_files()
    assert {"sphinx_apidiff/schema.json", "sphinx_apidiff/static/apidiff.css"} <= expected
    assert "sphinx_apidiff/locale/zh_CN/LC_MESSAGES/sphinx_apidiff.mo" in expected
    with zipfile.ZipFile(wheel) as zf:
        in_wheel = {n for n in zf.namelist() if n.startswith("sphinx_apidiff/")}
    assert expected - in_wheel == set(), "missing from the wheel (pyproject's package-data)"
    with tarfile.open(sdist) as tf:
        top = tf.getnames()[0].split("/")[0]
        in_sdist = {n.split("/", 1)[1] for n in tf.getnames() if "/" in n}
    assert expected - in_sdist == set(), f"missing from the sdist {top}"


def test_the_installed_wheel_builds_a_site_without_the_frameworks(installed, tmp_path):
    python, _, _ = installed
    bindir = python.parent
    probe = (
        "import importlib.util, json, sphinx_apidiff; print(json.dumps([sphinx_apidiff.__file__, "
        "[m for m in ('torch', 'megengine') if importlib.util.find_spec(m)]]))"
    )
    where, frameworks = json.loads(_run([python, "-c", probe], tmp_path, "import sphinx_apidiff"))
    assert Path(where).is_relative_to(bindir.parent), where  # the venv's copy, not the checkout's
    assert frameworks == []  # the pages render from the store: no framework is needed

    # a project as Read the Docs builds it: one pair, its results from the committed store
    project = tmp_path / "docs"
    (project / "pairs").mkdir(parents=True)
    (project / "_apidiff_store").mkdir()
    shutil.copy(ROOT / "docs" / "pairs" / "instance_norm.yaml", project / "pairs")
    shutil.copy(ROOT / "docs" / "_apidiff_store" / "instance-norm.json", project / "_apidiff_store")
    (project / "conf.py").write_text(
        'project = "install-check"\n'
        'extensions = ["sphinx_apidiff"]\n'
        'exclude_patterns = ["_build"]\n'
        'apidiff_store_path = "_apidiff_store"\n'
        'apidiff_execution_mode = "cache"\n',
        encoding="utf-8",
    )
    (project / "index.rst").write_text(
        "Guide\n=====\n\n.. apidiff:: pairs/instance_norm.yaml\n", encoding="utf-8"
    )
    out = project / "_build" / "html"
    build = [bindir / "sphinx-build", "-W", "--keep-going", "-q", "-b", "html"]
    _run([*build, project, out], tmp_path, "sphinx-build")

    page = (out / "index.html").read_text(encoding="utf-8")
    assert "torch.nn.InstanceNorm2d" in page and "megengine.module.InstanceNorm" in page
    assert "Parameter differences" in page
    static = out / "_static"
    css = (PACKAGE / "static" / "apidiff.css").read_bytes()
    assert (static / "apidiff.css").read_bytes() == css
    assert json.loads((static / "apidiff.schema.json").read_text("utf-8")) == schema.json_schema()
    [pair] = json.loads((out / "apidiff.json").read_text(encoding="utf-8"))["pairs"]
    stored = json.loads((project / "_apidiff_store" / "instance-norm.json").read_text("utf-8"))
    assert [e["status"] for e in pair["examples"]] == [
        e["result"]["status"] for e in stored["examples"]
    ]
    # every verdict as its example states it, none left unrun for want of a framework
    assert [e["status"] for e in pair["examples"]] == [e["expect"] for e in pair["examples"]]
    assert "differ" in {e["status"] for e in pair["examples"]}

    # the message catalogues ship: the same page in Chinese
    zh = project / "_build" / "zh"
    _run([*build, "-D", "language=zh_CN", project, zh], tmp_path, "sphinx-build zh_CN")
    assert "参数差异" in (zh / "index.html").read_text(encoding="utf-8")

    # the command line is installed, and prints the schema the site publishes
    printed = _run([bindir / "sphinx-apidiff", "schema"], tmp_path, "sphinx-apidiff schema")
    assert json.loads(printed) == schema.json_schema()
