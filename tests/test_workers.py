"""Workers: several per runtime (lanes), and warm pools that outlive a build.

Every result must be what a cold build with one worker per runtime gives: the
same ExampleResult JSON (timings aside), in the same order.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import stat
import struct
import tempfile
import threading
import time
from pathlib import Path

import pytest

from sphinx_apidiff.authoring.cli import main as cli
from sphinx_apidiff.execution import engine as execute
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.runtime import frames
from sphinx_apidiff.execution.runtime.pool import admin, client, shared
from sphinx_apidiff.execution.runtime.pool.key import pool_key
from sphinx_apidiff.execution.runtime.pool.server import PoolServer
from sphinx_apidiff.model.vocabulary import Status

from .conftest import MEGENGINE_PYTHON, build_root, status_of
from .test_engine import HEAD, HOST_ONLY, LEAKY, jobs

pytestmark = pytest.mark.cold  # the pools themselves, and cold builds to compare warm ones with

#: 40 examples: a random draw, values that depend on the inputs' seed, an error, a
#: documented difference; more than JOBS_PER_LANE, so a second lane starts.
EXAMPLE = """\
  - inputs:
      x: {shape: [3, 4]}
    seed: %(i)d
    code:
      torch: |
        y = torch.abs(x) + %(i)d
        r = torch.rand(2)
      megengine: |
        y = megengine.functional.abs(x) + %(i)d
        r = megengine.random.uniform(size=(2,))
    compare: [y, r]
    expect: differ
  - code:
      torch: y = torch.ones(2) / 0
      megengine: y = megengine.functional.ones((2,)) / %(zero)s
    compare: [y]
    expect: %(expect)s
"""
MANY = HEAD + "".join(
    EXAMPLE
    % {"i": i, "zero": "0" if i % 2 else "undefined_name", "expect": "match" if i % 2 else "error"}
    for i in range(20)
)


def comparable(results):
    """The results as JSON, without what differs from run to run (timings)."""
    data = [r.to_json() for r in results]
    for item in data:
        for side in item["sides"].values():
            side["elapsed"] = None
    return data


def run_all(tmp_path, name, **kwargs):
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path / name, mode="force", **kwargs) as eng:
        results = eng.run(jobs(MANY))
    return results, eng.worker_starts


@pytest.mark.megengine
def test_parallel_workers_give_what_one_worker_gives(tmp_path):
    one, starts_one = run_all(tmp_path, "one", workers=1)
    two, starts_two = run_all(tmp_path, "two", workers=2)
    assert starts_one == 2  # one worker per runtime
    assert starts_two == 4  # 40 waiting tasks per runtime: a second lane each
    assert [r.status for r in one].count("error") == 10
    assert comparable(two) == comparable(one)


# -- warm pools ----------------------------------------------------------------------------


@pytest.fixture
def pools(monkeypatch):
    """A private socket directory of this test's own (short: a socket path has ~100 bytes);
    every pool started in it is stopped at the end, its workers with it."""
    directory = Path(tempfile.mkdtemp(prefix="apd-"))
    monkeypatch.setenv(shared.DIR_ENV, str(directory))
    yield directory
    os.chmod(directory, 0o700)
    admin.stop_pools(directory)
    for info in directory.glob("*.json"):  # a server a test left stopped (SIGSTOP)
        with contextlib.suppress(OSError, ValueError, KeyError):
            os.kill(int(json.loads(info.read_text())["pid"]), signal.SIGKILL)
    shutil.rmtree(directory, ignore_errors=True)


def warm_run(job_list, pool_idle=300.0, **kwargs):
    """One build's worth of work with warm workers: the results and the engine."""
    with Engine({"megengine": MEGENGINE_PYTHON}, None, mode="force", pool_idle=pool_idle, **kwargs) as eng:
        results = eng.run(job_list)
    return results, eng


def live(directory):
    """The answering pools by framework."""
    found = {}
    for status in admin.list_pools(directory):
        if status.answer is not None:
            found.setdefault(status.answer["framework"], []).append(status.answer)
    return found


def wait_for(condition, seconds=60.0):
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_a_second_run_leases_warm_workers_from_a_private_socket(pools):
    first, eng = warm_run(jobs(HOST_ONLY))
    assert first[0].status == Status.MATCH and eng.pool_problems == {}
    assert (eng.worker_starts, eng.warm_workers) == (2, 0)  # torch and numpy: started
    again, eng = warm_run(jobs(HOST_ONLY))
    assert (eng.worker_starts, eng.warm_workers) == (0, 2)  # ... and leased warm
    assert comparable(again) == comparable(first)
    info = os.lstat(pools)
    assert stat.S_IMODE(info.st_mode) == 0o700 and info.st_uid == os.getuid()
    sockets = sorted(pools.glob("*.sock"))
    assert len(sockets) == 2 and set(live(pools)) == {"torch", "numpy"}
    for path in sockets:
        assert stat.S_ISSOCK(os.lstat(path).st_mode)
        assert stat.S_IMODE(os.lstat(path).st_mode) == 0o600
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(path))
            assert shared.peer_uid(sock) == os.getuid()


@pytest.mark.parametrize("wrong", ["mode", "owner", "symlink"])
def test_a_socket_directory_others_could_use_is_refused(pools, monkeypatch, wrong):
    if wrong == "mode":
        os.chmod(pools, 0o755)
        expected = "has mode 0755; it must be 0700"
    elif wrong == "owner":  # another user's directory: we are someone else than its owner
        monkeypatch.setattr(os, "getuid", lambda: os.lstat(pools).st_uid + 4242)
        expected = "not to us"
    else:
        link = pools.with_name(pools.name + "-link")
        link.symlink_to(pools)
        monkeypatch.setenv(shared.DIR_ENV, str(link))
        expected = "is a symbolic link"
    with pytest.raises(shared.PoolRefused, match=expected):
        shared.pool_dir()
    # the run goes on, on fresh workers, and says why
    results, eng = warm_run(jobs(HOST_ONLY))
    assert results[0].status == Status.MATCH
    assert eng.warm_workers == 0 and eng.worker_starts == 2
    assert isinstance(eng.pool_problems["torch"], shared.PoolRefused)
    assert not list(pools.glob("*.sock"))
    if wrong == "symlink":
        link.unlink()


def test_a_server_hangs_up_on_another_user(pools, monkeypatch):
    """The server checks the peer's uid (SO_PEERCRED) on every connection; here, in this
    process, it is told every peer is someone else."""
    key = {"framework": "torch", "python": "/x", "fingerprint": {}, "env": {}, "code": "c"}
    server = PoolServer(pools, key, idle=60.0)
    monkeypatch.setattr(shared, "peer_uid", lambda sock: os.getuid() + 4242)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        assert wait_for(server.path.exists, 10)
        with socket.socket(socket.AF_UNIX) as sock:
            sock.connect(str(server.path))
            try:
                frames.send_frame(sock, json.dumps({shared.POOL: "status"}).encode())
                answer = frames.recv_frame(sock, time.monotonic() + 10)
            except (ConnectionResetError, BrokenPipeError):
                answer = None
            assert answer is None  # no answer: the connection was closed
        assert server.served == 0
    finally:
        server.stopping.set()
        thread.join(10)
    assert not server.path.exists()


def test_a_pool_of_other_versions_is_never_reused(pools, monkeypatch):
    warm_run(jobs(HOST_ONLY))
    real_probe = execute.probe

    def upgraded(framework, python, timeout=60.0):
        import dataclasses

        fp = real_probe(framework, python, timeout)
        return dataclasses.replace(fp, version="9.9.9") if framework == "torch" else fp

    monkeypatch.setattr(execute, "probe", upgraded)
    results, eng = warm_run(jobs(HOST_ONLY))
    assert results[0].status == Status.MATCH
    assert (eng.worker_starts, eng.warm_workers) == (1, 1)  # torch anew, numpy warm
    versions = sorted(answer["version"] for answer in live(pools)["torch"])
    assert versions[-1] == "9.9.9" and len(versions) == 2


def test_a_killed_pool_is_replaced_and_the_run_succeeds(pools):
    warm_run(jobs(HOST_ONLY))
    [torch_pool] = live(pools)["torch"]
    os.kill(torch_pool["pid"], signal.SIGKILL)  # between builds
    results, eng = warm_run(jobs(HOST_ONLY))
    assert results[0].status == Status.MATCH and eng.pool_problems == {}
    assert (eng.worker_starts, eng.warm_workers) == (1, 1)
    [replaced] = live(pools)["torch"]
    assert replaced["pid"] != torch_pool["pid"]
    # ... and in the middle of one: the request goes to a new pool
    with Engine(None, None, mode="force", pool_idle=300.0) as eng:
        assert eng.run(jobs(HOST_ONLY))[0].status == Status.MATCH
        os.kill(replaced["pid"], signal.SIGKILL)
        assert eng.run(jobs(HOST_ONLY))[0].status == Status.MATCH
    assert eng.pool_problems == {}


def test_a_server_that_resets_the_lease_is_replaced(pools):
    """A server killed a moment ago may accept a connection and reset it: the lease goes
    to a new server, not to fresh workers with a note (seen as a flaky killed-pool test)."""
    import sys

    from sphinx_apidiff.execution.runtime.probe import probe

    key = pool_key("json", sys.executable, probe("json", sys.executable))
    os.chmod(pools, 0o700)
    path = pools / f"{key.digest}.sock"
    dying = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    dying.bind(str(path))
    dying.listen(1)

    def reset_once():
        conn, _ = dying.accept()
        conn.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        conn.close()  # a reset, as from a process the kernel is tearing down
        dying.close()  # ... which listens no more

    thread = threading.Thread(target=reset_once)
    thread.start()
    leased = client.lease(key, 300.0)
    thread.join(5)
    try:
        assert leased.alive() and shared.running(leased.pid)
    finally:
        leased.close()
    assert [s.answer["framework"] for s in admin.list_pools(pools) if s.answer] == ["json"]


def test_a_hung_pool_is_stopped_and_fresh_workers_run(pools, monkeypatch):
    warm_run(jobs(HOST_ONLY))
    [torch_pool] = live(pools)["torch"]
    os.kill(torch_pool["pid"], signal.SIGSTOP)
    monkeypatch.setattr(client, "ANSWER_TIMEOUT", 1.0)
    results, eng = warm_run(jobs(HOST_ONLY))
    assert results[0].status == Status.MATCH
    assert "did not answer" in str(eng.pool_problems["torch"])
    assert not isinstance(eng.pool_problems["torch"], shared.PoolRefused)
    assert wait_for(lambda: not shared.running(torch_pool["pid"]), 10)  # it was killed


def test_an_idle_pool_ends_itself(pools):
    warm_run(jobs(HOST_ONLY), pool_idle=1.0)
    pids = [answer["pid"] for found in live(pools).values() for answer in found]
    assert len(pids) == 2
    assert wait_for(lambda: not any(shared.running(pid) for pid in pids), 60)
    assert not list(pools.glob("*.sock")) and admin.list_pools(pools) == []


def test_the_workers_command_lists_and_stops(pools, capsys):
    assert cli(["workers"]) == 0
    assert "no warm workers" in capsys.readouterr().out
    warm_run(jobs(HOST_ONLY))
    assert cli(["workers"]) == 0
    out = capsys.readouterr().out
    assert f"warm workers in {pools}:" in out
    assert "torch 2.13.0" in out and "numpy " in out and "1 worker (0 busy)" in out
    pids = [answer["pid"] for found in live(pools).values() for answer in found]
    assert cli(["workers", "stop"]) == 0
    assert "stopped 2 pool(s)" in capsys.readouterr().out
    assert not any(shared.running(pid) for pid in pids)
    assert cli(["workers", "list"]) == 0
    assert "no warm workers" in capsys.readouterr().out


def test_workers_stop_stops_this_projects_pools_and_all_the_others(
    pools, tmp_path, monkeypatch, capsys
):
    """Three pools: the interpreter running the command, the one conf.py names (both this
    project's) and another project's; `workers stop` leaves that one answering."""
    import sys

    from sphinx_apidiff.execution.runtime.probe import probe

    monkeypatch.delenv("APIDIFF_PYTHON_MEGENGINE")  # conf.py's runtime, not the suite's
    base = tmp_path.resolve()
    pythons = [sys.executable]
    for name in ("ours", "theirs"):  # two more interpreter paths: scripts that exec this one
        wrapper = base / name / "python"
        wrapper.parent.mkdir()
        wrapper.write_text(f'#!/bin/sh\nexec {sys.executable} "$@"\n', encoding="utf-8")
        wrapper.chmod(0o755)
        pythons.append(str(wrapper))
    project = base / "project"
    project.mkdir()
    runtimes = {"megengine": {"python": "../ours/python"}}  # relative to conf.py
    (project / "conf.py").write_text(f"apidiff_runtimes = {runtimes!r}\n", encoding="utf-8")
    for python in pythons:  # a pool each, with one warm worker (json: nothing to import)
        client.lease(pool_key("json", python, probe("json", python)), 300.0).close()
    servers = {a["python"]: a["pid"] for a in live(pools)["json"]}
    assert sorted(servers) == sorted(pythons)
    theirs = pythons[2]

    assert cli(["workers", "--conf-dir", str(project)]) == 0
    mine, others = capsys.readouterr().out.split("of other projects:")
    assert "of this project:" in mine and pythons[0] in mine and pythons[1] in mine
    assert theirs in others and theirs not in mine

    assert cli(["workers", "stop", "--conf-dir", str(project)]) == 0
    out = capsys.readouterr().out
    assert "stopped 2 pool(s) of warm workers of this project:" in out
    assert "1 pool(s) of other projects left running; --all stops them" in out
    assert not shared.running(servers[pythons[0]]) and not shared.running(servers[pythons[1]])
    assert [a["python"] for a in live(pools)["json"]] == [theirs]  # it still answers

    assert cli(["workers", "stop", "--all"]) == 0
    assert "stopped 1 pool(s) of warm workers:" in capsys.readouterr().out
    assert not shared.running(servers[theirs]) and admin.list_pools(pools) == []


@pytest.mark.megengine
def test_warm_and_parallel_runs_give_what_a_cold_run_gives(pools):
    """Cold, one worker per runtime; then two builds with warm pools and two lanes: the same
    results. The second build's first job checks what the first build's snippets changed."""
    leaky_set, leaky_check = jobs(HEAD + LEAKY)
    job_list = [leaky_check, *jobs(MANY), leaky_set, leaky_check]
    with Engine({"megengine": MEGENGINE_PYTHON}, None, mode="force", workers=1) as eng:
        cold = eng.run(job_list)
    assert cold[0].status == Status.MATCH and cold[-1].status == Status.MATCH
    first, eng = warm_run(job_list, workers=2)
    assert eng.worker_starts == 4
    second, eng = warm_run(job_list, workers=2)
    assert (eng.worker_starts, eng.warm_workers) == (0, 4)
    assert comparable(first) == comparable(cold)
    assert comparable(second) == comparable(cold)


@pytest.mark.megengine
def test_a_build_with_warm_workers_writes_the_report_of_a_cold_one(rootdir, tmp_path, pools):
    cold = build_root(rootdir, "basic", tmp_path / "cold")
    overrides = {"apidiff_warm_workers": True}
    first = build_root(rootdir, "basic", tmp_path / "first", confoverrides=overrides)
    second = build_root(rootdir, "basic", tmp_path / "second", confoverrides=overrides)
    for app in (cold, first, second):
        app.cleanup()
    assert second._apidiff_engine.worker_starts == 0
    assert second._apidiff_engine.warm_workers == 2
    assert "2 examples: 2 run" in status_of(second)
    reports = [
        json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
        for app in (cold, first, second)
    ]
    assert reports[0] == reports[1] == reports[2]


@pytest.mark.megengine
def test_a_hang_and_a_crash_in_a_warm_worker_read_as_in_a_cold_one(rootdir, pools):
    """The pool kills the worker of a client that gave up (a timeout) and reports a worker's
    death as the worker's, so the errors are the same words; later examples still run."""
    faults = jobs((rootdir / "test-exec" / "pairs" / "faults.yaml").read_text(encoding="utf-8"))
    with Engine({"megengine": MEGENGINE_PYTHON}, None, mode="force", timeout=20) as eng:
        cold = eng.run(faults)
    warm, _ = warm_run(faults, timeout=20)
    assert [r.status for r in warm] == ["error", "error", "match", "error"]
    assert "timed out after 3 s" in warm[0].sides["megengine"].error
    assert "the worker process died (exit code 3)" in warm[1].sides["torch"].error
    assert comparable(warm) == comparable(cold)
    again, eng = warm_run(faults, timeout=20)  # the pools replaced the two workers they lost
    assert comparable(again) == comparable(cold)
    assert eng.warm_workers >= 1
