"""Workers that cannot be poisoned: what a snippet leaves behind in its worker.

A snippet runs in a worker that serves many examples (and, warm, many builds).
After every run the worker is proven clean or replaced: settings a snippet
changes are put back silently; what cannot be undone (a thread still running,
a child process, a pending alarm) makes that example an error, and its worker
is discarded, so that later examples, and later builds, read as in a fresh
worker. The first tests use torch and numpy only (both in this interpreter);
the last builds ``tests/roots/test-poison`` cold and warm, with MegEngine.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.runtime.pool import admin, shared

from .conftest import MEGENGINE_PYTHON, build_root, status_of
from .test_engine import HEAD, jobs
from .test_workers import comparable

pytestmark = pytest.mark.cold  # cold builds and warm ones of its own, compared

HOST_HEAD = "apis:\n  torch: torch.abs\n  numpy: numpy.abs\nexamples:\n"

#: Innocent examples: each reads as ``match`` in a fresh worker, and not in a poisoned one.
CHECKS = """\
  - title: float32 is the default dtype
    code:
      torch: y = torch.tensor(1.0 if torch.ones(1).dtype == torch.float32 else 0.0)
      numpy: y = numpy.float32(1.0)
    compare: [y]
  - title: a denormal float32 survives a multiplication
    code:
      torch: y = torch.full((1,), 1e-39, dtype=torch.float32) * 1.0 * 1e38
      numpy: y = numpy.full((1,), 0.1, dtype="float32")
    compare: [y]
  - title: the number of threads is the worker's own
    code:
      torch: y = torch.tensor(0.0 if torch.get_num_threads() == 17 else 1.0)
      numpy: y = numpy.float32(1.0)
    compare: [y]
  - title: numpy warns on an overflow, it does not raise
    code:
      torch: y = torch.tensor(float(np.isinf(np.float64(1e308) * 10)))
      numpy: y = numpy.float32(1.0)
    compare: [y]
"""
#: Snippets that change their worker; the settings are put back, silently.
RESTORED = """\
  - title: flushes denormals
    code:
      torch: |
        torch.set_flush_denormal(True)
        y = 1
      numpy: y = 1
    compare: [y]
  - title: sets the number of threads
    code:
      torch: |
        torch.set_num_threads(17)
        y = 1
      numpy: y = 1
    compare: [y]
  - title: makes numpy raise on every floating-point error
    code:
      torch: |
        np.seterr(all="raise")
        y = 1
      numpy: y = 1
    compare: [y]
  - title: catches SIGTERM, turns the garbage collector and oneDNN off
    code:
      torch: |
        import gc, signal
        signal.signal(signal.SIGTERM, lambda *args: None)
        gc.disable()
        torch.backends.mkldnn.enabled = False
        y = 1
      numpy: y = 1
    compare: [y]
"""
#: ... and one that finds the signal handlers, the garbage collector and oneDNN as they were.
HANDLERS = """\
  - title: SIGTERM has its default handler, the garbage collector and oneDNN are on
    code:
      torch: |
        import gc, signal
        y = torch.tensor(float(signal.getsignal(signal.SIGTERM) == signal.SIG_DFL))
        y = y * gc.isenabled() * torch.backends.mkldnn.enabled
      numpy: y = numpy.float32(1.0)
    compare: [y]
"""
#: A thread that keeps changing the default dtype: it cannot be undone.
THREAD = """\
  - title: leaves a thread that keeps changing the default dtype
    code:
      torch: |
        import threading, time
        def poison():
            while True:
                torch.set_default_dtype(torch.float64)
                time.sleep(0.001)
        threading.Thread(target=poison, daemon=True).start()
        y = 1
      numpy: y = 1
    compare: [y]
    expect: error
"""
#: An alarm that would kill the worker while it runs the next example (a slow one).
ALARM = """\
  - title: leaves an alarm pending
    code:
      torch: |
        import signal
        signal.alarm(1)
        y = 1
      numpy: y = 1
    compare: [y]
    expect: error
  - title: takes longer than the alarm
    code:
      torch: |
        import time
        time.sleep(1.5)
        y = torch.ones(2)
      numpy: y = numpy.ones(2, dtype="float32")
    compare: [y]
"""
#: A fork whose child does not exit: its reply would answer the next example.
FORK = """\
  - title: forks a child that does not exit
    code:
      torch: |
        import os
        pid = os.fork()
        y = 1
      numpy: y = 1
    compare: [y]
    expect: error
  - title: runs after the fork
    code:
      torch: y = torch.ones(2) * 7
      numpy: y = numpy.full(2, 7.0, dtype="float32")
    compare: [y]
"""


def host_jobs(*parts):
    return jobs(HOST_HEAD + "".join(parts))


def statuses(results):
    return [str(r.status) for r in results]


def cold_run(job_list, **kwargs):
    with Engine(mode="force", workers=1, timeout=20, **kwargs) as eng:
        return eng.run(job_list), eng


def test_restored_settings_change_no_later_example():
    results, eng = cold_run(host_jobs(RESTORED, CHECKS, HANDLERS))
    assert statuses(results) == ["match"] * 9, [r.results for r in results]
    assert eng.worker_starts == 2  # nothing to replace: one worker each


def test_processes_a_snippet_leaves_are_its_error_and_are_killed():
    """A process started and not waited for, and a grandchild whose parent was waited for:
    both found (the worker reaps orphans), both killed."""
    leaving = """\
  - code:
      torch: |
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        y = 1
      numpy: y = 1
    compare: [y]
    expect: error
  - code:
      torch: |
        import os, time
        pid = os.fork()
        if pid == 0:
            if os.fork() == 0:
                time.sleep(600)
            os._exit(0)
        os.waitpid(pid, 0)
        y = 1
      numpy: y = 1
    compare: [y]
    expect: error
"""
    results, _ = cold_run(host_jobs(leaving))
    assert statuses(results) == ["error", "error"]
    for result in results:
        assert "a child process not waited for (killed)" in result.sides["torch"].error


def test_a_thread_left_running_is_the_error_of_its_own_example():
    results, eng = cold_run(host_jobs(CHECKS, THREAD, CHECKS))
    assert statuses(results) == ["match"] * 4 + ["error"] + ["match"] * 4
    error = results[4].sides["torch"].error
    assert "a thread still running (poison())" in error
    assert "the worker that ran it was replaced" in error
    assert "join every thread it starts" in error
    assert results[4].sides["numpy"].ok
    assert eng.worker_starts == 3  # torch twice: the poisoned worker was replaced


def test_an_alarm_is_the_error_of_its_own_example_not_of_the_next():
    results, _ = cold_run(host_jobs(ALARM))
    assert statuses(results) == ["error", "match"]
    error = results[0].sides["torch"].error
    assert "an alarm (signal.alarm or signal.setitimer)" in error
    assert "signal.alarm(0)" in error


def test_a_forked_child_never_answers_for_a_later_example():
    results, _ = cold_run(host_jobs(FORK, CHECKS))
    assert statuses(results) == ["error"] + ["match"] * 5
    error = results[0].sides["torch"].error
    assert "a child process not waited for (killed)" in error
    assert "os._exit" in error


@pytest.mark.megengine
def test_a_framework_thread_that_calls_back_into_python_is_no_snippet_thread():
    """MegEngine reports an error of its asynchronous queue from its own native thread,
    through Python: that thread stays in ``threading`` (a dummy thread) but was not
    started by the snippet."""
    failing = """\
  - inputs:
      logits: {shape: [4, 5], dtype: float32}
      labels: {value: [1, -100, 3, -100], dtype: int64}
    code:
      torch: |
        loss = torch.nn.functional.cross_entropy(logits, labels)
        fails = False
      megengine: |
        try:
            loss = megengine.functional.nn.cross_entropy(logits, labels)
            fails = False
        except RuntimeError:
            fails = True
    compare: [fails]
    expect: differ
"""
    with Engine({"megengine": MEGENGINE_PYTHON}, mode="force", workers=1, timeout=60) as eng:
        results = eng.run(jobs(HEAD + failing + failing))
    assert statuses(results) == ["differ", "differ"], results[0].sides["megengine"].error
    assert eng.worker_starts == 2


@pytest.mark.megengine
def test_megengine_converts_numbers_again_after_a_snippet_that_turned_it_off():
    """A failed optimizer step() leaves MegEngine's conversion of Python numbers to tensors
    off (seen in the guide: 22 later examples failed); the worker turns it back on."""
    leaving = """\
  - code:
      torch: y = 2
      megengine: |
        from megengine.core.tensor.utils import set_convert_inputs
        set_convert_inputs(False)
        y = 2
    compare: [y]
  - inputs:
      x: {shape: [3]}
    code:
      torch: y = x * 2.0
      megengine: y = x * 2.0
    compare: [y]
"""
    with Engine({"megengine": MEGENGINE_PYTHON}, mode="force", workers=1, timeout=60) as eng:
        results = eng.run(jobs(HEAD + leaving))
    assert statuses(results) == ["match", "match"], results[1].sides["megengine"].error
    assert eng.worker_starts == 2  # restored, not replaced


@pytest.fixture
def pools(monkeypatch):
    """A private socket directory; its pools are stopped at the end."""
    directory = Path(tempfile.mkdtemp(prefix="apd-"))
    monkeypatch.setenv(shared.DIR_ENV, str(directory))
    yield directory
    admin.stop_pools(directory)
    shutil.rmtree(directory, ignore_errors=True)


def test_warm_workers_carry_nothing_to_the_next_build(pools):
    """A build poisons its workers (restorable settings, a thread, a fork); the next build
    leases warm workers and reads as a cold build does. The discarded workers are not kept."""
    poisoned = host_jobs(CHECKS, RESTORED, THREAD, FORK)
    cold, _ = cold_run(poisoned)
    with Engine(mode="force", workers=1, timeout=20, pool_idle=300.0) as eng:
        first = eng.run(poisoned)
    assert comparable(first) == comparable(cold)
    with Engine(mode="force", workers=1, timeout=20, pool_idle=300.0) as eng:
        second = eng.run(host_jobs(CHECKS))
    assert eng.warm_workers == 2  # torch's last worker and numpy's
    assert statuses(second) == ["match"] * 4
    assert comparable(second) == comparable(cold[:4])
    for status in admin.list_pools(pools):
        assert status.answer is not None
        assert status.answer["workers"] == 1  # the discarded workers are gone


# -- a build, cold and warm ------------------------------------------------------------------

#: The statuses of tests/roots/test-poison's examples: the innocent ones match, the ones
#: that leave behind what cannot be undone are errors (as their authors expect).
POISON_STATUSES = ["match"] * 7 + ["error", "error", "match", "error"] + ["match"] * 5


@pytest.fixture(scope="module")
def poison_builds(rootdir, tmp_path_factory):
    """tests/roots/test-poison built cold, then twice with warm workers (the second build
    leases the first's workers), in a private runtime directory whose pools are stopped
    at the end."""
    runtime_dir = Path(tempfile.mkdtemp(prefix="apd-"))
    os.chmod(runtime_dir, 0o700)
    apps = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_RUNTIME_DIR", str(runtime_dir))
        patch.delenv(shared.DIR_ENV, raising=False)
        patch.delenv("APIDIFF_WARM_WORKERS", raising=False)
        try:
            dest = tmp_path_factory.mktemp("poison")
            apps["cold"] = build_root(rootdir, "poison", dest / "cold")
            warm = {"apidiff_warm_workers": True}
            for name in ("warm", "again"):
                apps[name] = build_root(rootdir, "poison", dest / name, confoverrides=warm)
            yield apps
        finally:
            for app in apps.values():
                app.cleanup()
            with contextlib.suppress(OSError):
                admin.stop_pools(runtime_dir / "sphinx-apidiff")
            shutil.rmtree(runtime_dir, ignore_errors=True)


def report_of(app):
    return json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))


@pytest.mark.megengine
def test_a_warm_build_of_poisoning_snippets_reads_as_a_cold_one(poison_builds):
    reports = {name: report_of(app) for name, app in poison_builds.items()}
    assert reports["warm"] == reports["cold"]
    assert reports["again"] == reports["cold"]
    assert poison_builds["again"]._apidiff_engine.warm_workers >= 1
    assert "16 examples: 16 run" in status_of(poison_builds["again"])


@pytest.mark.megengine
def test_innocent_examples_match_and_the_poisoning_ones_carry_the_blame(poison_builds):
    for name, app in poison_builds.items():
        [pair] = report_of(app)["pairs"]
        assert [e["status"] for e in pair["examples"]] == POISON_STATUSES, name
        html = (app.outdir / "index.html").read_text(encoding="utf-8")
        assert "a thread still running (poison())" in html, name
        assert "an alarm (signal.alarm or signal.setitimer)" in html, name
        assert "a child process not waited for (killed)" in html, name
        assert html.count("the worker that ran it was replaced") == 3, name
