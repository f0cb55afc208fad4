"""The execution engine: workers per framework runtime, each driven from its own thread.

One :class:`Engine` serves one build (or one ``sphinx-apidiff check`` run). It
probes each runtime's versions (a bare interpreter start), starts workers
lazily, and drives each from its own thread (a *lane*) so that frameworks run
concurrently. A runtime starts with one lane and gets another while more than
:data:`JOBS_PER_LANE` tasks per lane wait, up to its share of the cores (with
``workers="auto"``: half of them, two frameworks sharing the machine) and beyond it,
up to every core, while some core has no lane to run and the framework's waiting tasks
would take longer than :data:`WORTH_A_WORKER` (a framework that finished its work leaves
its core to the one still working: on a four-way page, JAX compiling long after the
others are done). Every result is still collected in job order, so the
output does not depend on which lane ran what. Where a result comes from (a live run,
the cache, the results store) is the sources' business, chosen once from the execution
mode (:mod:`sphinx_apidiff.execution.sources`).

No Sphinx imports here.
"""

from __future__ import annotations

import os
import queue
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

from sphinx_apidiff import frameworks
from sphinx_apidiff.execution.cache import ResultCache
from sphinx_apidiff.execution.results import (
    ExampleJob,
    ExampleResult,
    SignatureResult,
    Stats,
)
from sphinx_apidiff.execution.runtime.pool.key import PoolSettings, pool_key
from sphinx_apidiff.execution.runtime.pool.shared import PoolUnavailable
from sphinx_apidiff.execution.runtime.probe import Fingerprint, RuntimeUnavailable, probe
from sphinx_apidiff.execution.runtime.process import MAX_RESULT, Limits
from sphinx_apidiff.execution.runtime.runtime import Runtime
from sphinx_apidiff.execution.runtime.worker.shared import TENSOR_FACTORIES
from sphinx_apidiff.execution.sources import create_sources
from sphinx_apidiff.execution.store import Store, StoreChanges
from sphinx_apidiff.model.vocabulary import Mode

__all__ = ["Engine"]

T = TypeVar("T")

#: A runtime gets one more lane (worker) while more than this many of its tasks per lane
#: wait: an extra worker costs a framework import (torch: ~1.1 s of a core).
JOBS_PER_LANE = 16
#: Seconds of waiting work (tasks waiting x their mean time so far, per lane) that make a
#: lane on a spare core worth its start: about twice a framework's import (1-2 s), so a
#: warm build whose tasks take milliseconds keeps its warm workers.
WORTH_A_WORKER = 4.0
#: Tasks a lane's mean time is measured on before it counts (a lane's first task, which
#: includes starting its worker, is not one of them).
TIMED_TASKS = 3
#: The clock lanes time their tasks with (a test gives each task the time it declares, so
#: a loaded machine's scheduling does not decide whether a lane is worth its start).
clock: Callable[[], float] = time.perf_counter


def usable_cores() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def workers_cap(workers: int | str) -> int:
    """Workers per runtime: ``"auto"`` is half the usable cores (two frameworks share them),
    at least one; a number is taken as it is (at least one)."""
    if workers == "auto":
        return max(1, usable_cores() // 2)
    return max(1, int(workers))


def spare_cap(workers: int | str) -> int:
    """Workers per runtime while cores are spare: with ``"auto"`` every usable core; a
    number is a hard cap."""
    if workers == "auto":
        return max(workers_cap(workers), usable_cores())
    return workers_cap(workers)


class Lanes:
    """A framework's workers: up to ``cap`` runtimes (``spare`` while a core has no lane to
    run), each driven by its own thread, taking tasks from one queue in the order they were
    submitted. ``done`` is called after each task (the engine looks for spare cores)."""

    def __init__(
        self,
        make_runtime: Callable[[], Runtime],
        cap: int,
        name: str,
        spare: int | None = None,
        done: Callable[[], None] | None = None,
    ) -> None:
        self._make_runtime = make_runtime
        self.cap = cap
        self.spare = max(cap, spare or cap)
        self.name = name
        self.runtimes: list[Runtime] = []
        self._threads: list[threading.Thread] = []
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[Runtime], Any]] | None]
        self._queue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pending = 0  # queued or running
        self._stopped = False
        self._done = done
        self._task_time = 0.0  # seconds of the tasks timed (each lane's first is not)
        self._tasks_timed = 0

    @property
    def active(self) -> int:
        """Lanes that have a task to run (the others wait for one)."""
        return min(len(self._threads), self._pending)

    def submit(self, task: Callable[[Runtime], T], spare_cores: bool = False) -> Future[T]:
        """Queue ``task``; a lane runs it with its own runtime."""
        future: Future[T] = Future()
        with self._lock:
            self._pending += 1
            self._queue.put((future, task))
            if not self._threads:
                self._add_lane()
            else:
                self._grow(spare_cores)
        return future

    def grow(self, spare_cores: bool) -> None:
        """Start another lane if enough tasks wait and the cap (``spare`` when some core has
        no lane to run) allows one."""
        with self._lock:
            self._grow(spare_cores)

    def _grow(self, spare_cores: bool) -> None:
        lanes = len(self._threads)
        if self._stopped or not lanes or self._pending <= lanes * JOBS_PER_LANE:
            return
        if lanes < self.cap or (spare_cores and lanes < self.spare and self._worth_a_lane()):
            self._add_lane()

    def _worth_a_lane(self) -> bool:
        """Would the waiting tasks, at their mean time so far, keep the lanes busy for
        longer than :data:`WORTH_A_WORKER`?"""
        if self._tasks_timed < TIMED_TASKS:
            return False
        mean = self._task_time / self._tasks_timed
        return self._pending * mean / len(self._threads) > WORTH_A_WORKER

    def _add_lane(self) -> None:
        runtime = self._make_runtime()
        self.runtimes.append(runtime)
        thread = threading.Thread(
            target=self._drive,
            args=(runtime,),
            name=f"apidiff-{self.name}-{len(self._threads)}",
            daemon=True,
        )
        self._threads.append(thread)
        thread.start()

    def _drive(self, runtime: Runtime) -> None:
        first = True
        while (item := self._queue.get()) is not None:
            future, task = item
            started = clock()
            try:
                if future.set_running_or_notify_cancel():
                    try:
                        result = task(runtime)
                    except BaseException as exc:
                        future.set_exception(exc)
                    else:
                        future.set_result(result)
            finally:
                with self._lock:
                    self._pending -= 1
                    if not first:
                        self._task_time += clock() - started
                        self._tasks_timed += 1
                first = False
                if self._done is not None:
                    self._done()
        runtime.close()

    def stop(self) -> None:
        """Tell every lane to finish its queue, stop its worker and end."""
        with self._lock:
            self._stopped = True
            for _ in self._threads:
                self._queue.put(None)

    def join(self) -> None:
        """Wait for the lanes told to :meth:`stop`."""
        for thread in self._threads:
            thread.join()

    @property
    def starts(self) -> int:
        """Workers started by these lanes, ever."""
        return sum(r.starts for r in self.runtimes)


class Engine:
    """Introspects APIs and runs examples for one build."""

    def __init__(
        self,
        pythons: dict[str, str] | None = None,
        cache_path: str | os.PathLike[str] | None = None,
        mode: Mode = Mode.AUTO,
        timeout: float = 60.0,
        store: Store | None = None,
        workers: int | str = "auto",
        pool_idle: float | None = None,
        max_result: int = MAX_RESULT,
        memory: int | None = None,
        repeat: int = 1,
    ) -> None:
        if mode not in tuple(Mode):
            modes = tuple(m.value for m in Mode)
            raise ValueError(f"execution mode must be one of {modes}, not {mode!r}")
        self.pythons = dict(pythons or {})
        self.cache = ResultCache(cache_path)
        self.mode = Mode(mode)
        self.timeout = timeout
        self.limits = Limits(max_result, memory)  # of every worker; part of the cache keys
        self.stats = Stats()
        self.store = store
        self.workers = workers_cap(workers)
        # while a core has no lane to run; not with warm workers: an extra one would stay in
        # its pool, holding memory, and split what the pool's workers have compiled (JAX),
        # so that the next build's worker meets operations it never ran
        self.spare_workers = spare_cap(workers) if pool_idle is None else self.workers
        self.cores = usable_cores()
        self.pool_idle = pool_idle  # seconds an unused pool waits; None: no pools, fresh workers
        self.repeat = max(1, int(repeat))  # runs of each job (execution.stability)
        self.pool_problems: dict[str, PoolUnavailable] = {}  # framework -> why not warm
        self._fingerprints: dict[str, Fingerprint | None] = {}
        self.unavailable: dict[str, str] = {}  # framework -> why it cannot be used
        self._lanes: dict[str, Lanes] = {}
        self.sources = create_sources(self.mode, self, self.cache, store, self.stats)

    # -- runtimes ---------------------------------------------------------------

    def python_for(self, framework: str) -> str:
        """The interpreter of a framework's runtime."""
        return self.pythons.get(framework) or sys.executable

    def fingerprint(self, framework: str) -> Fingerprint | None:
        """Versions in the framework's runtime (a bare interpreter start, no import)."""
        if framework not in self._fingerprints:
            fp: Fingerprint | None = None
            try:
                fp = probe(framework, self.python_for(framework))
            except RuntimeUnavailable as exc:
                self.unavailable[framework] = str(exc)
            else:
                if not fp.found:
                    top = framework.split(".", maxsplit=1)[0]
                    self.unavailable[framework] = (
                        f"cannot import {framework} in {fp.python_path} (Python {fp.python}): "
                        f"ModuleNotFoundError: No module named {top!r}"
                    )
            self._fingerprints[framework] = fp
        return self._fingerprints[framework]

    def fingerprints(self, frameworks: Iterable[str]) -> None:
        """Probe several runtimes at once (each probe is an interpreter start)."""
        todo = [fw for fw in dict.fromkeys(frameworks) if fw not in self._fingerprints]
        if len(todo) > 1:
            with ThreadPoolExecutor(max_workers=len(todo)) as pool:
                list(pool.map(self.fingerprint, todo))
        elif todo:
            self.fingerprint(todo[0])

    def _make_runtime(self, framework: str, fresh: bool = False) -> Runtime:
        python = self.python_for(framework)
        pool = None
        if self.pool_idle is not None and not fresh:
            fp = self.fingerprint(framework)
            if fp is not None and fp.found:
                key = pool_key(framework, python, fp, self.limits.memory, self.cache.path)
                pool = PoolSettings(key, self.pool_idle)
        return Runtime(framework, python, pool, self.limits, self.cache.path)

    def submit(
        self, framework: str, task: Callable[[Runtime], T], fresh: bool = False
    ) -> Future[T]:
        """Queue ``task`` for the framework's lanes: one of them runs it with its runtime.

        ``fresh``: on the framework's lane of repeated runs instead, one worker of its own,
        started in this build and never leased from a pool, which never runs a first run
        (:mod:`~sphinx_apidiff.execution.stability` says why that matters)."""
        name = f"{framework}-fresh" if fresh else framework
        if name not in self._lanes:
            self._lanes[name] = Lanes(
                lambda: self._make_runtime(framework, fresh=fresh),
                1 if fresh else self.workers,
                name,
                spare=1 if fresh else self.spare_workers,
                done=self._rebalance,
            )
        return self._lanes[name].submit(task, self._spare_cores())

    def _spare_cores(self) -> bool:
        """Whether some core has no lane to run (a lane waiting for work uses none)."""
        return sum(lanes.active for lanes in list(self._lanes.values())) < self.cores

    def _rebalance(self) -> None:
        """After a task: a framework whose tasks still wait gets a lane on a spare core."""
        if not self._spare_cores():
            return
        for lanes in list(self._lanes.values()):
            lanes.grow(self._spare_cores())

    def unimportable(self, runtime: Runtime) -> str | None:
        """Why the runtime's framework cannot be imported (remembered), or None."""
        if runtime.imported():
            return None
        return self.unavailable.setdefault(
            runtime.framework,
            f"cannot import {runtime.framework} in {runtime.python}: {runtime.import_error}",
        )

    def factory(self, framework: str) -> str:
        """The name of the framework's tensor factory (``torch.tensor``: ``tensor``)."""
        lanes = self._lanes.get(framework) or self._lanes.get(f"{framework}-fresh")
        for runtime in lanes.runtimes if lanes is not None else ():
            if runtime.factory:
                return runtime.factory
        adapter = frameworks.get(framework)
        return adapter.factory if adapter is not None else TENSOR_FACTORIES.get(framework, "tensor")

    def close(self) -> None:
        """Stop every worker (all at once) and the threads that drive them."""
        for lanes in self._lanes.values():
            lanes.stop()
        for lanes in self._lanes.values():
            lanes.join()
            self.stats.worker_starts += lanes.starts
            self.stats.warm_workers += sum(r.reused for r in lanes.runtimes)
            for runtime in lanes.runtimes:
                if runtime.pool_problem is not None:
                    self.pool_problems.setdefault(runtime.framework, runtime.pool_problem)
        self._lanes.clear()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def warm_workers(self) -> int:
        """Warm workers leased from pools by this engine, ever."""
        lanes = self._lanes.values()
        return self.stats.warm_workers + sum(r.reused for ln in lanes for r in ln.runtimes)

    @property
    def worker_starts(self) -> int:
        """Workers started by this engine, ever."""
        return self.stats.worker_starts + sum(lanes.starts for lanes in self._lanes.values())

    # -- what the build asks ----------------------------------------------------------

    def signatures(
        self, requests: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], SignatureResult]:
        """Introspect each ``(framework, api)``; cached by interpreter and versions."""
        return self.submit_signatures(requests)()

    def submit_signatures(
        self, requests: Iterable[tuple[str, str]]
    ) -> Callable[[], dict[tuple[str, str], SignatureResult]]:
        """Queue the introspection; the returned function waits for the results.

        Work queued after this (examples) starts on each worker as soon as that
        worker is done with its own signatures, not when every worker is.
        """
        requests = list(dict.fromkeys(requests))
        self.fingerprints(fw for fw, _ in requests)
        return self.sources.signatures(requests)

    def run(self, jobs: list[ExampleJob]) -> list[ExampleResult]:
        """Run (or fetch from the cache) every job; results in the order of ``jobs``."""
        return [result for _, result in self.run_iter(jobs)]

    def run_iter(self, jobs: list[ExampleJob]) -> Iterator[tuple[ExampleJob, ExampleResult]]:
        """Schedule every job now, and return an iterator of ``(job, result)`` in order.

        Each framework's worker works through its queue on its own thread, so
        frameworks run concurrently while results arrive in a stable order.
        """
        return self.sources.examples(jobs)

    def finish(
        self, pairs: Mapping[str, Mapping[str, str]], keep: Iterable[str] | None = None
    ) -> StoreChanges | None:
        """After the run: when the results store is being refreshed, record what this run
        found of ``pairs`` (id: apis), write the files that changed and remove those of
        pairs not in ``keep``. None when no store is refreshed."""
        return self.sources.finish(pairs, keep)
