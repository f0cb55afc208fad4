"""Shared fixtures: Sphinx's own test fixtures, and the MegEngine runtime.

The tests run the real torch (in this interpreter) and the real MegEngine (in
its own Python 3.10 interpreter, `.venv-megengine`, made by scripts/bootstrap.sh).
APIDIFF_PYTHON_MEGENGINE points the extension at it.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
MEGENGINE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or str(
    ROOT / ".venv-megengine" / "bin" / "python"
)
os.environ["APIDIFF_PYTHON_MEGENGINE"] = MEGENGINE_PYTHON


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


@pytest.fixture(scope="session", autouse=True)
def _megengine_runtime() -> None:
    if not os.path.exists(MEGENGINE_PYTHON):
        pytest.exit(
            f"MegEngine's interpreter {MEGENGINE_PYTHON} is missing: run scripts/bootstrap.sh "
            "(or `make test`), or set APIDIFF_PYTHON_MEGENGINE",
            returncode=2,
        )


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def warnings_of(app) -> list[str]:
    """The build's warnings, one string per warning, colours stripped."""
    text = _ANSI.sub("", app.warning.getvalue())
    return [
        line
        for line in text.splitlines()
        if ("WARNING" in line or "ERROR" in line)
        # two test apps alive at once re-register docutils nodes: a harness artefact
        and "is already registered" not in line
    ]


def status_of(app) -> str:
    return _ANSI.sub("", app.status.getvalue())


def root_fixture(name: str, **kwargs):
    """A module-scoped fixture: ``tests/roots/test-<name>`` built once for the module."""

    @pytest.fixture(scope="module")
    def app(rootdir, tmp_path_factory):
        app = build_root(rootdir, name, tmp_path_factory.mktemp(name), **kwargs)
        yield app
        app.cleanup()

    return app


def build_root(rootdir: Path, name: str, dest: Path, buildername: str = "html", **kwargs):
    """Copy ``tests/roots/test-<name>`` to ``dest`` and build it once with sphinx.testing."""
    import shutil

    from sphinx.testing.util import SphinxTestApp

    src = dest / name
    if not src.exists():
        shutil.copytree(rootdir / f"test-{name}", src)
    app = SphinxTestApp(buildername, srcdir=src, **kwargs)
    app.build()
    return app
