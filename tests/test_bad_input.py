"""Every bad input is one located, typed warning; never a traceback, never a lost page."""

from __future__ import annotations

import re

import pytest
import yaml
from sphinx.testing.util import SphinxTestApp

from .conftest import ROOT, build_root, warnings_of

# pairs/python_tag.yaml carries a python/object/apply payload that, under an unsafe loader,
# runs `echo pwned > "$APIDIFF_TEST_PAYLOAD"`: the tests point it at a file they watch.
PAYLOAD = ROOT / "tests" / "roots" / "test-bad" / "pairs" / "python_tag.yaml"


@pytest.fixture(scope="module")
def payload_target(tmp_path_factory):
    """Where the payload would write, for the builds of this module."""
    target = tmp_path_factory.mktemp("payload") / "pwned.txt"
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("APIDIFF_TEST_PAYLOAD", str(target))
        yield target


@pytest.fixture(scope="module")
def app(payload_target, rootdir, tmp_path_factory):
    app = build_root(rootdir, "bad", tmp_path_factory.mktemp("bad"))
    yield app
    app.cleanup()


def warning(app, pattern):
    found = [w for w in warnings_of(app) if re.search(pattern, w)]
    assert found, f"no warning matches {pattern!r} in:\n" + "\n".join(warnings_of(app))
    return found[0]


@pytest.mark.parametrize(
    ("pattern"),
    [
        r"pairs/malformed\.yaml:4: WARNING: malformed YAML: .*unexpected end of stream.*quoted scalar at line 4.*\[apidiff\.yaml\]",
        r"pairs/unknown_key\.yaml:4: WARNING: sumary: unknown key 'sumary'; did you mean 'summary'\? \[apidiff\.spec\]",
        r"pairs/wrong_type\.yaml:4: WARNING: params: expected a list, got a string \[apidiff\.spec\]",
        r"pairs/wrong_type\.yaml:11: WARNING: example 1, atol: expected a number, got a string \(the example is left out\) \[apidiff\.spec\]",
        r"pairs/no_api\.yaml:2: WARNING: torch\.nn\.InstanceNorm does not exist in PyTorch: .*did you mean .*torch\.nn\.InstanceNorm2d.* \[apidiff\.api\]",
        r"pairs/bad_param\.yaml:5: WARNING: torch has no parameter 'momentun'; did you mean 'momentum'\? \[apidiff\.param\]",
        r"pairs/unknown_fw\.yaml:6: WARNING: unknown framework 'mge' .*did you mean 'megengine'\? \[apidiff\.framework\]",
        r"pairs/python_tag\.yaml:4: WARNING: YAML tag not allowed .*python/object/apply.* \[apidiff\.yaml\]",
        r"pages/missing_file\.rst:4: WARNING: pair file not found: \.\./pairs/missing_file\.yaml",
        r"pages/inline_bad\.rst:10: WARNING: malformed YAML: .*\[apidiff\.yaml\]",
        # the author's prose is parsed in the host markup, its problems located in the YAML
        r"pairs/bad_prose\.yaml:6: WARNING: Inline literal start-string without end-string",
    ],
)
def test_located_warning(app, pattern):
    warning(app, pattern)


def test_no_traceback_every_page_built(app):
    assert "Traceback" not in app.warning.getvalue()
    for page in ("good", "malformed", "no_api", "bad_param", "python_tag", "inline_bad"):
        assert (app.outdir / "pages" / f"{page}.html").exists()
    good = (app.outdir / "pages" / "good.html").read_text(encoding="utf-8")
    assert "A page that builds while the others are broken." in good


def test_safe_loader_runs_no_code(app, payload_target):
    warning(app, r"python_tag\.yaml:4: WARNING: YAML tag not allowed")
    assert (app.outdir / "pages" / "python_tag.html").exists()  # the build did read the page
    assert not payload_target.exists()


def test_the_payload_writes_where_the_safe_loader_test_looks(tmp_path, monkeypatch):
    # What the test above would see if the loader were unsafe: the same text, loaded unsafely.
    target = tmp_path / "pwned.txt"
    monkeypatch.setenv("APIDIFF_TEST_PAYLOAD", str(target))
    data = yaml.unsafe_load(PAYLOAD.read_text(encoding="utf-8"))
    assert data["summary"] == 0  # os.system's exit status
    assert target.read_text(encoding="utf-8") == "pwned\n"


@pytest.mark.megengine
def test_page_still_renders_what_it_can(app):
    # the API that does not exist is said so on the page; the other panel is complete
    page = (app.outdir / "pages" / "no_api.html").read_text(encoding="utf-8")
    assert "does not exist in the installed PyTorch" in page
    assert "num_channels" in page
    # a misspelt parameter is visible as such in the table
    page = (app.outdir / "pages" / "bad_param.html").read_text(encoding="utf-8")
    assert "not in the signature of PyTorch" in page


def test_suppress_and_fail_on_warnings(rootdir, tmp_path):
    quiet = build_root(rootdir, "bad", tmp_path, confoverrides={"suppress_warnings": ["apidiff"]})
    quiet.cleanup()
    assert not [w for w in warnings_of(quiet) if "apidiff" in w]
    from sphinx.errors import SphinxError

    strict = SphinxTestApp(
        "html", srcdir=quiet.srcdir, freshenv=True, warningiserror=True, exception_on_warning=True
    )
    with pytest.raises(SphinxError):
        strict.build()
    strict.cleanup()


def test_missing_runtime_falls_back_to_yaml_signatures(rootdir, tmp_path, monkeypatch):
    import json
    import shutil

    monkeypatch.delenv("APIDIFF_PYTHON_MEGENGINE")
    shutil.copytree(rootdir / "test-basic", tmp_path / "basic")
    pair = tmp_path / "basic" / "pairs" / "instance_norm.yaml"
    pair.write_text(
        pair.read_text(encoding="utf-8")
        + (
            "signatures:\n  megengine: InstanceNorm(num_channels, eps=1e-05, affine=True, **kwargs)\n"
        ),
        encoding="utf-8",
    )
    app = build_root(
        rootdir,
        "basic",
        tmp_path,
        confoverrides={"apidiff_runtimes": {"megengine": {"python": "/nonexistent/python3.10"}}},
    )
    app.cleanup()
    report = json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
    rows = next(p for p in report["pairs"] if p["id"] == "instance-norm")["params"]
    affine = next(r for r in rows if r["names"]["torch"] == "affine")
    assert affine["defaults"] == {"torch": "False", "megengine": "True"}
    runtime = [w for w in warnings_of(app) if "[apidiff.runtime]" in w]
    assert len(runtime) == 1, runtime
    assert "/nonexistent/python3.10" in runtime[0]
    assert "Traceback" not in app.warning.getvalue()
    # torch still introspected, MegEngine from the YAML; examples are not run
    page = (app.outdir / "instance_norm.html").read_text(encoding="utf-8")
    assert "track_running_stats" in page and "not run" in page


def test_broken_framework_import_is_one_clear_warning(rootdir, tmp_path, monkeypatch):
    import sys

    monkeypatch.setenv("APIDIFF_PYTHON_MEGENGINE", sys.executable)  # Python 3.11: no MegEngine
    app = build_root(rootdir, "basic", tmp_path)
    app.cleanup()
    runtime = [w for w in warnings_of(app) if "[apidiff.runtime]" in w]
    assert len(runtime) == 1
    assert sys.executable in runtime[0] and "No module named 'megengine'" in runtime[0]


@pytest.mark.parametrize("interpreter", ["/bin/true", "/bin/echo"])
def test_an_interpreter_that_is_not_python_is_one_located_warning(
    rootdir, tmp_path, monkeypatch, interpreter
):
    """MegEngine's "interpreter" runs but is no Python: one located apidiff.runtime warning,
    every page written, torch still introspected; the runtime of a framework no pair uses
    is one apidiff.config warning at its line in conf.py."""
    import json
    import shutil
    import sys

    monkeypatch.delenv("APIDIFF_PYTHON_MEGENGINE")
    shutil.copytree(rootdir / "test-basic", tmp_path / "basic")
    conf = tmp_path / "basic" / "conf.py"
    runtimes = {"megengine": {"python": interpreter}, "tensorflow": {"python": sys.executable}}
    conf.write_text(
        conf.read_text(encoding="utf-8") + f"apidiff_runtimes = {runtimes!r}\n", encoding="utf-8"
    )
    app = build_root(rootdir, "basic", tmp_path)
    app.cleanup()
    found = warnings_of(app)
    assert not [w for w in found if "[apidiff.internal]" in w], found
    runtime = [w for w in found if "[apidiff.runtime]" in w]
    assert len(runtime) == 1, found
    assert re.search(r"pairs/\w+\.yaml:\d+: WARNING: ", runtime[0]), runtime[0]
    assert f"{interpreter} is not a Python interpreter (it printed " in runtime[0]
    for page in ("index", "cat", "inline", "instance_norm"):
        assert (app.outdir / f"{page}.html").is_file(), page
    report = json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
    rows = next(p for p in report["pairs"] if p["id"] == "instance-norm")["params"]
    momentum = next(r for r in rows if r["names"].get("torch") == "momentum")  # not in the YAML
    assert momentum["defaults"]["torch"] == "0.1"
    unused = [w for w in found if "[apidiff.config]" in w]
    assert len(unused) == 1, found
    assert f"{conf}:3: WARNING: apidiff_runtimes names tensorflow, but no pair uses it" in unused[0]
    assert "megengine" not in unused[0].split("the pairs use")[0]


def test_an_overview_option_given_empty_is_a_located_error(tmp_path):
    """``:frameworks:``, ``:kind:`` and ``:category:`` with no value: docutils passes None;
    each is an error at its directive's line, never a traceback."""
    (tmp_path / "conf.py").write_text('extensions = ["sphinx_apidiff"]\n', encoding="utf-8")
    options = ("frameworks", "kind", "category")
    (tmp_path / "index.rst").write_text(
        "Overview\n========\n\n"
        + "".join(f".. apidiff-table::\n   :{name}:\n\n" for name in options),
        encoding="utf-8",
    )
    app = SphinxTestApp("html", srcdir=tmp_path)
    app.build()
    app.cleanup()
    text = app.warning.getvalue()
    for line, name in zip((4, 7, 10), options, strict=True):
        assert f'index.rst:{line}: ERROR: Error in "apidiff-table"' in text, text
        assert f'(option: "{name}"; value: None)' in text, text
    assert "Traceback" not in text
