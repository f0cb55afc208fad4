"""sphinx-autobuild and the execution cache: results a build writes are no edit.

sphinx-autobuild starts a build for every change it sees in the source folder, except
in the output folder and the doctree folder. A cache written beside the output
(``docs/_build/apidiff-cache`` next to ``docs/_build/html``) made every edit build
twice: once for the edit, once for the results the first build wrote.
"""

from __future__ import annotations

import shutil

import pytest

from .conftest import cli, sphinx_build

autobuild = pytest.importorskip("sphinx_autobuild.__main__")


def _autobuild_ignores(argv, monkeypatch):
    """The ignore filter sphinx-autobuild's own ``main`` makes for ``argv``: no server
    starts (uvicorn.run does nothing), no build runs, no port is opened."""
    made = {}

    def create_app(watch_dirs, ignore, *rest):
        made["ignore"] = ignore

    monkeypatch.setattr(autobuild, "_create_app", create_app)
    monkeypatch.setattr(autobuild.uvicorn, "run", lambda *args, **kwargs: None)
    autobuild.main([*map(str, argv), "--no-initial", "--port", "8000"])
    return made["ignore"]


@pytest.mark.megengine
@pytest.mark.parametrize("make_mode", [False, True], ids=["docs-_build-html", "make-mode"])
def test_results_a_build_writes_start_no_autobuild_rebuild(
    rootdir, tmp_path, monkeypatch, make_mode
):
    src = tmp_path / "docs"
    shutil.copytree(rootdir / "test-basic", src)
    # sphinx-build -M html docs docs/_build (sphinx-quickstart's Makefile), or
    # sphinx-autobuild docs docs/_build/html as docs/ci.rst shows it
    make = ["-M", "html", src, src / "_build"]
    args = make if make_mode else [src, src / "_build" / "html"]
    build = sphinx_build(*args, "-q")
    assert build.returncode == 0, build.stderr
    written = [p for p in src.rglob("*") if p.is_file() and "apidiff-cache" in p.parts]
    assert len(written) >= 2, "the build wrote no results"  # the signatures at least
    ignore = _autobuild_ignores(args, monkeypatch)
    assert [str(p.relative_to(src)) for p in written if not ignore(str(p))] == []

    # `check` finds the build's cache: nothing runs again
    check = cli("check", "-v", cwd=src)
    assert check.returncode == 0, check.stdout + check.stderr
    assert "examples: 0 run, 2 cached" in check.stdout
