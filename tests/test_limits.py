"""Limits on what a worker sends back and on what it may allocate.

A result too large to send is an error of its example, told before anything is sent;
a reply that announces more than the limit is refused unread; a reply that keeps
arriving ends at the example's deadline; a snippet that allocates past the memory
limit gets an error naming it. Each time the later examples still run, with a local
worker and with a warm one.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from pathlib import Path

import pytest

from sphinx_apidiff.execution.cache import example_key
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.runtime.pool.key import PoolSettings, pool_key
from sphinx_apidiff.execution.runtime.probe import Fingerprint
from sphinx_apidiff.execution.runtime.process import Limits, Worker, WorkerDied, WorkerTimeout
from sphinx_apidiff.execution.runtime.runtime import Runtime
from sphinx_apidiff.model.vocabulary import Status
from sphinx_apidiff.options import ApidiffConfig, parse_size

from . import test_workers
from .conftest import MEGENGINE_PYTHON, root_fixture, warnings_of
from .test_engine import HOST_ONLY, jobs
from .test_workers import wait_for

pytestmark = pytest.mark.cold  # workers that die, and pools by memory limit

pools = test_workers.pools  # a private socket directory, its pools stopped at the end

FAKE_WORKER = Path(__file__).with_name("data") / "fake_worker.py"
BIG = (Path(__file__).parent / "roots" / "test-limits" / "pairs" / "big.yaml").read_text(
    encoding="utf-8"
)
GIB = 1 << 30


def big_jobs():
    """The result too large and the example after it (not the 2 GB allocation: that one
    is for the memory limit)."""
    found = jobs(BIG)
    return [found[0], found[2]]


def within(seconds, call):
    """What ``call()`` returns or raises; fails when it takes longer than ``seconds`` (it
    then runs on in a thread of its own: the code before these limits never returns)."""
    box: list = []

    def run():
        try:
            box.append(("value", call()))
        except BaseException as exc:  # handed to the test
            box.append(("error", exc))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert box, f"still running after {seconds} s"
    kind, value = box[0]
    if kind == "error":
        raise value
    return value


@pytest.fixture
def fake_python(tmp_path):
    """An "interpreter" that runs the misbehaving worker whatever it is asked to run."""
    path = tmp_path / "fake-python"
    path.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{FAKE_WORKER}" "$@"\n')
    path.chmod(0o755)
    return str(path)


def run_request(code):
    return {"op": "run", "framework": "fake", "code": code, "inputs": {}, "compare": []}


# -- the size of a result: real torch ----------------------------------------------------


def test_a_result_too_large_is_an_error_of_its_example_and_later_ones_run():
    """torch.ones(10**8) is 400 MB: the worker says so before sending it (well within the
    20 s timeout: not a timeout), and stays usable for the next examples."""
    with Engine({}, None, mode="force", timeout=20) as eng:
        results = within(120, lambda: eng.run(big_jobs()))
        assert eng.worker_starts == 2  # one worker per runtime: none was lost
    big = results[0].sides["torch"].error
    assert results[0].status == Status.ERROR
    assert "the result y is a float32 tensor of shape (100000000,), 400,000,000 bytes" in big
    assert "apidiff_max_result_bytes" in big and "a reduction" in big
    assert "timed out" not in big
    assert results[1].status == Status.MATCH


def test_the_limits_decide_the_cache_key():
    [job] = jobs(BIG)[2:]
    fp = Fingerprint("torch", "p", "p", "3", "2", "2", True, 0)
    keys = {
        example_key(job, {"torch": fp, "numpy": fp}, 20.0, limits)
        for limits in (Limits(), Limits(max_result=1 << 30), Limits(memory=GIB))
    }
    assert len(keys) == 3
    assert example_key(job, {"torch": fp}, 20.0) == example_key(job, {"torch": fp}, 20.0, Limits())


# -- replies that announce too much, or keep coming: a fake worker -------------------------


def test_a_reply_announcing_more_than_the_limit_is_refused_unread(fake_python):
    runtime = Runtime("fake", fake_python)
    started = time.monotonic()
    reply = within(60, lambda: runtime.call(run_request("huge"), timeout=30))
    assert time.monotonic() - started < 30  # refused at its header, not at the timeout
    assert not reply.ok and "announced 4,294,967,280 bytes" in reply.error
    assert "apidiff_max_result_bytes" in reply.error
    assert within(60, lambda: runtime.call(run_request("y = 1"), timeout=30)).ok
    runtime.close()


def test_a_reply_that_keeps_arriving_ends_at_the_deadline(fake_python):
    worker = Worker(fake_python, limits=Limits(max_result=4 * GIB))
    started = time.monotonic()
    with pytest.raises(WorkerTimeout):
        within(60, lambda: worker.request(run_request("stream"), timeout=2))
    assert time.monotonic() - started < 30
    assert not worker.alive()
    runtime = Runtime("fake", fake_python, limits=Limits(max_result=4 * GIB))
    reply = within(60, lambda: runtime.call(run_request("stream"), timeout=2))
    assert reply.error == "timed out after 2 s (the worker was stopped)"
    assert within(60, lambda: runtime.call(run_request("y = 1"), timeout=30)).ok
    runtime.close()


# -- the same through a pool of warm workers ---------------------------------------------


def fake_pool_runtime(fake_python, limits):
    fp = Fingerprint("fake", fake_python, fake_python, "3", None, "0", True, None)
    key = pool_key("fake", fake_python, fp, limits.memory)
    return Runtime("fake", fake_python, PoolSettings(key, 60.0), limits)


def test_a_warm_worker_reply_announcing_too_much_is_refused_by_the_pool(fake_python, pools):
    runtime = fake_pool_runtime(fake_python, Limits())
    assert runtime.imported() and runtime.reused + runtime.starts == 1
    started = time.monotonic()
    reply = within(60, lambda: runtime.call(run_request("huge"), timeout=30))
    assert time.monotonic() - started < 30
    assert runtime.pool_problem is None
    assert not reply.ok and "announced 4,294,967,280 bytes" in reply.error
    assert within(60, lambda: runtime.call(run_request("y = 1"), timeout=30)).ok
    runtime.close()


def test_a_warm_worker_reply_that_keeps_arriving_ends_at_the_deadline(fake_python, pools):
    runtime = fake_pool_runtime(fake_python, Limits(max_result=4 * GIB))
    assert runtime.imported() and runtime.pool_problem is None
    leased = runtime.worker.pid
    started = time.monotonic()
    reply = within(60, lambda: runtime.call(run_request("stream"), timeout=2))
    assert time.monotonic() - started < 30
    assert reply.error == "timed out after 2 s (the worker was stopped)"
    assert wait_for(lambda: not Path(f"/proc/{leased}").exists(), 20)  # the pool killed it
    assert within(60, lambda: runtime.call(run_request("y = 1"), timeout=30)).ok
    runtime.close()


def test_a_warm_worker_result_too_large_is_an_error_and_later_examples_run(pools):
    with Engine({}, None, mode="force", timeout=20, pool_idle=60.0) as eng:
        results = within(120, lambda: eng.run(big_jobs()))
        assert eng.pool_problems == {} and eng.warm_workers + eng.worker_starts == 2
    assert results[0].status == Status.ERROR
    assert "the result y is a float32 tensor of shape (100000000,)" in (
        results[0].sides["torch"].error
    )
    assert results[1].status == Status.MATCH


# -- memory ------------------------------------------------------------------------------


def test_a_snippet_past_the_memory_limit_gets_an_error_naming_it():
    with Engine({}, None, mode="force", timeout=60, memory=GIB) as eng:
        results = within(120, lambda: eng.run(jobs(BIG)))
    note = "the worker's memory is limited to 1,073,741,824 bytes by apidiff_worker_memory"
    for framework in ("torch", "numpy"):
        error = results[1].sides[framework].error
        assert note in error, error
    assert "can't allocate memory" in results[1].sides["torch"].error
    assert results[2].status == Status.MATCH


@pytest.mark.megengine
def test_megengine_imports_and_runs_under_a_memory_limit():
    pair = """\
apis:
  torch: torch.ones
  megengine: megengine.functional.ones
examples:
  - code:
      torch: y = torch.ones(10**9)
      megengine: y = megengine.functional.ones((10**9,))
    compare: [y]
  - code:
      torch: y = torch.ones(5)
      megengine: y = megengine.functional.ones((5,))
    compare: [y]
"""
    with Engine({"megengine": MEGENGINE_PYTHON}, None, mode="force", memory=2 * GIB) as eng:
        results = within(180, lambda: eng.run(jobs(pair)))
    error = results[0].sides["megengine"].error
    assert "limited to 2,147,483,648 bytes by apidiff_worker_memory" in error, error
    assert "failed to malloc" in error
    assert results[1].status == Status.MATCH


def test_the_memory_limit_is_part_of_a_pools_key():
    fp = Fingerprint("torch", "p", "p", "3", "2", "2", True, 0)
    digests = {pool_key("torch", "p", fp, memory).digest for memory in (None, GIB, 2 * GIB)}
    assert len(digests) == 3


def test_sizes_in_the_options():
    assert parse_size("4G") == parse_size("4GiB") == 4 * GIB
    assert parse_size("16M") == 16 << 20 and parse_size(1000) == 1000
    config, problems = ApidiffConfig.from_mapping(
        {"apidiff_worker_memory": "lots", "apidiff_max_result_bytes": "64M"}
    )
    assert config.worker_memory is None and config.max_result_bytes == "64M"
    assert problems and "apidiff_worker_memory must be a number of bytes" in problems[0]
    engine = config.make_engine(".", "cache", mode="off")
    assert engine.limits == Limits(max_result=64 << 20)


# -- the build: located errors -------------------------------------------------------------

app = root_fixture("limits")


def test_the_build_warns_at_each_example_and_runs_the_next(app):
    found = warnings_of(app)
    lines = [int(m[1]) for w in found if (m := re.search(r"pairs/big\.yaml:(\d+): WARNING", w))]
    assert lines == [5, 12], found  # the third example ran and matched
    big, memory = found
    assert "the result y is a float32 tensor of shape (100000000,)" in big
    assert "apidiff_max_result_bytes" in big and "[apidiff.exec]" in big
    assert "can't allocate memory" in memory and "by apidiff_worker_memory" in memory
    page = (app.outdir / "pages" / "big.html").read_text(encoding="utf-8")
    assert "shape (100000000,)" in page


def test_a_worker_the_allocator_ends_is_explained_under_a_memory_limit():
    aborted = WorkerDied("the worker process died (killed by signal SIGABRT)", "", -6)
    assert "apidiff_worker_memory" in Limits(memory=GIB).explain_death(aborted)
    assert Limits().explain_death(aborted) == str(aborted)  # no limit: nothing to blame
    exited = WorkerDied("the worker process died (exit code 3)", "", 3)
    assert Limits(memory=GIB).explain_death(exited) == str(exited)
    bad_alloc = WorkerDied("died", "terminate called after throwing 'std::bad_alloc'", 1)
    assert "apidiff_worker_memory" in Limits(memory=GIB).explain_death(bad_alloc)


def test_pools_of_other_memory_limits_are_never_shared(pools):
    for memory in (GIB, None, GIB):
        with Engine({}, None, mode="force", pool_idle=60.0, memory=memory) as eng:
            [result] = eng.run(jobs(HOST_ONLY))
        assert result.status == Status.MATCH and eng.pool_problems == {}
    assert len(test_workers.live(pools)["torch"]) == 2
    assert eng.warm_workers == 2  # the third run found the first one's pools, warm


def test_the_budget_counts_every_value_and_what_it_takes_encoded():
    import numpy as np

    from sphinx_apidiff.execution.runtime.worker.values import Budget, ResultTooLarge, encode_value

    budget = Budget(1 << 20)
    encode_value(np.zeros(200_000, np.float32), name="a", budget=budget)  # 800 kB: fits
    with pytest.raises(ResultTooLarge, match=r"the results up to b \(a float64 tensor of shape"):
        encode_value(np.zeros(100_000), name="b", budget=budget)  # 800 kB more: together not
    with pytest.raises(
        ResultTooLarge, match=r"up to y\[\d+\] take more than .*\(many small values\)"
    ):
        encode_value([1.0] * 100_000, name="y", budget=Budget(1 << 20))
    assert encode_value([1.0] * 1000, name="y")["t"] == "seq"  # no budget: no bound
