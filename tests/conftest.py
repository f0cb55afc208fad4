"""Shared fixtures: Sphinx's own test fixtures, and the MegEngine runtime.

The tests run the real torch (in this interpreter) and the real MegEngine (in
its own Python 3.10 interpreter, `.venv-megengine`, made by scripts/bootstrap.sh).
APIDIFF_PYTHON_MEGENGINE points the extension at it.

A test that needs MegEngine says so: ``@pytest.mark.megengine``. Without the
interpreter those tests skip, saying why, and the others (the core, the schema,
the command line's pure parts) run. Under CI (``CI=true``) or with
``APIDIFF_REQUIRE_MEGENGINE=1`` a missing MegEngine fails them instead: a green
run that skipped the real tests would prove nothing.
"""

from __future__ import annotations

import contextlib
import functools
import io
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

pytest_plugins = ["sphinx.testing.fixtures"]

ROOT = Path(__file__).resolve().parent.parent
MEGENGINE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or str(
    ROOT / ".venv-megengine" / "bin" / "python"
)
os.environ["APIDIFF_PYTHON_MEGENGINE"] = MEGENGINE_PYTHON
# The real legacy pages (MegEngine's documentation) lie beside the repository, in ../shared,
# when they are there at all; APIDIFF_SHARED_DIR points elsewhere (e.g. from a git worktree).
SHARED = Path(os.environ.get("APIDIFF_SHARED_DIR") or ROOT.parent / "shared")


def needs_shared(*parts: str):
    """Skip the test unless ``SHARED/<parts>`` is there: the suite must pass without it."""
    path = SHARED.joinpath(*parts)
    return pytest.mark.skipif(not path.exists(), reason=f"{path} is not there (optional)")


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


def megengine_required() -> bool:
    """Whether a missing MegEngine fails its tests (CI, or an explicit opt-in) or skips them."""
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"} or os.environ.get(
        "APIDIFF_REQUIRE_MEGENGINE", ""
    ).lower() in {"1", "true", "yes"}


@functools.cache
def megengine_missing() -> str | None:
    """Why MegEngine's interpreter cannot run the tests, or None when it can (asked once)."""
    if not os.path.exists(MEGENGINE_PYTHON):
        return f"MegEngine's interpreter {MEGENGINE_PYTHON} is missing"
    try:
        proc = subprocess.run(
            [MEGENGINE_PYTHON, "-c", "import megengine"],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        return f"MegEngine's interpreter {MEGENGINE_PYTHON} does not run: {error}"
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        return f"{MEGENGINE_PYTHON} cannot import megengine: {last}"
    return None


def pytest_report_header(config) -> str:
    return f"apidiff: MegEngine interpreter {MEGENGINE_PYTHON} (APIDIFF_PYTHON_MEGENGINE)"


# -- warm workers for the run ----------------------------------------------------------------
#
# Starting a worker imports its framework (1-2 s of CPU for torch, paddle, jax); the suite
# builds, checks and drafts a hundred times. So the run's builds lease warm workers from
# pools in a private directory of the run's own, made by the first process (xdist's
# controller, or pytest alone) and inherited by xdist's workers, and stopped at the end.
# Warm workers are the tested equivalent of fresh ones (tests/test_workers.py,
# tests/test_poison.py). A test about cold starts, worker counts, fresh processes or the
# pools themselves is marked ``cold``: it runs (fixtures included) in the environment the
# run was started in. A module-scoped build is made in the setup of its module's first test:
# a module of cold builds is marked cold whole. APIDIFF_TEST_COLD=1 runs every test so.

#: The run's pools (JSON: the directory, and the variables' values before the run set them).
_POOLS_ENV = "APIDIFF_TEST_POOLS"
_WARM_VARIABLES = ("APIDIFF_WARM_WORKERS", "APIDIFF_WORKERS_DIR")


def _run_pools() -> dict | None:
    text = os.environ.get(_POOLS_ENV)
    return json.loads(text) if text else None


def _set_environ(values: dict[str, str | None]) -> None:
    """Set each variable to its value; None unsets it."""
    for name, value in values.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value


def pytest_configure(config) -> None:
    # xdist hands out whole files (--dist loadfile) in collection order, the slowest first
    # (see pytest_collection_modifyitems), not in its own order of most tests first
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    if _run_pools() is not None or os.environ.get("APIDIFF_TEST_COLD", "") not in {"", "0"}:
        return  # an xdist worker: its controller made the pools' directory
    directory = tempfile.mkdtemp(prefix="apd-run-")  # mode 0700; short: a socket path is short
    before = {name: os.environ.get(name) for name in _WARM_VARIABLES}
    os.environ[_POOLS_ENV] = json.dumps({"dir": directory, "before": before, "pid": os.getpid()})
    os.environ.update({"APIDIFF_WARM_WORKERS": "1", "APIDIFF_WORKERS_DIR": directory})


def pytest_unconfigure(config) -> None:
    pools = _run_pools()
    if pools is None or pools["pid"] != os.getpid():
        return
    from sphinx_apidiff.execution.runtime.pool import admin

    directory = Path(pools["dir"])
    with contextlib.suppress(OSError):
        admin.stop_pools(directory)
    shutil.rmtree(directory, ignore_errors=True)
    _set_environ(pools["before"])
    del os.environ[_POOLS_ENV]


#: The files of the longest work, longest first (by `pytest --durations=0`): with
#: ``--dist loadfile`` each is one xdist job, and a long one started last runs alone at the end.
SLOWEST_FIRST = (
    "test_docs.py",
    "test_install.py",
    "test_browser.py",
    "test_workers.py",
    "test_poison.py",
    "test_cli.py",
    "test_fuzz.py",
    "test_execution.py",
    "test_limits.py",
    "test_downloads.py",
)


def pytest_collection_modifyitems(config, items) -> None:
    rank = {name: index for index, name in enumerate(SLOWEST_FIRST)}
    order = {id(item): index for index, item in enumerate(items)}
    items.sort(key=lambda item: (rank.get(item.path.name, len(rank)), order[id(item)]))


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item, nextitem):
    """A ``cold`` test runs, its fixtures' setup and teardown too, without the run's pools."""
    pools = _run_pools()
    if pools is None or item.get_closest_marker("cold") is None:
        return (yield)
    warm = {name: os.environ.get(name) for name in _WARM_VARIABLES}
    _set_environ(pools["before"])
    try:
        return (yield)
    finally:
        _set_environ(warm)


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item) -> None:
    if item.get_closest_marker("megengine") is None:
        return
    reason = megengine_missing()
    if reason is None:
        return
    hint = "run scripts/bootstrap.sh (or `make test`), or set APIDIFF_PYTHON_MEGENGINE"
    if megengine_required():
        pytest.fail(
            f"{reason} and this run requires it (CI or APIDIFF_REQUIRE_MEGENGINE): {hint}",
            pytrace=False,
        )
    pytest.skip(f"needs MegEngine: {reason} ({hint})")


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


def unbroken(html: str) -> str:
    """HTML with API names whole again: an overview splits them into spans at each dot,
    with a ``<wbr/>`` between them (so a phone breaks a name only there)."""
    return re.sub(r"<wbr/>|</?span[^>]*>", "", html)


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


def leftover_builds(folder: Path) -> list[Path]:
    """Build output under a test root: it would be copied into, and reused by, every build."""
    return sorted(path for path in folder.glob("**/_build") if path.is_dir())


def build_root(rootdir: Path, name: str, dest: Path, buildername: str = "html", **kwargs):
    """Copy ``tests/roots/test-<name>`` to ``dest`` and build it once with sphinx.testing."""
    import shutil

    from sphinx.testing.util import SphinxTestApp

    root = rootdir / f"test-{name}"
    if found := leftover_builds(root):
        # a cached signature or result would make the test read yesterday's build, not run
        pytest.fail(
            f"{found[0]} holds build output that every test build would reuse: remove it",
            pytrace=False,
        )
    src = dest / name
    if not src.exists():
        shutil.copytree(root, src)
    app = SphinxTestApp(buildername, srcdir=src, **kwargs)
    app.build()
    return app


def cli(*args, cwd):
    """``sphinx-apidiff ARGS`` run in ``cwd``, in this process: its exit code and output."""
    from sphinx_apidiff.authoring.cli import main

    out, err = io.StringIO(), io.StringIO()
    argv = list(map(str, args))
    with contextlib.chdir(cwd), contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exit_:  # argparse's usage errors and --help
            code = exit_.code if isinstance(exit_.code, int) else 2
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())


def sphinx_build(*args):
    """``sphinx-build ARGS`` (or ``sphinx-build -M ...``) in this process: its exit code and
    output, as a subprocess would give them."""
    from sphinx.cmd.build import main

    out, err = io.StringIO(), io.StringIO()
    argv = list(map(str, args))
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(argv)
    return subprocess.CompletedProcess(argv, code, out.getvalue(), err.getvalue())
