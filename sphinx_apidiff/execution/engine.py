"""The execution engine: one worker per framework runtime, each driven from its own thread.

One :class:`Engine` serves one build (or one ``sphinx-apidiff check`` run). It
probes each runtime's versions (a bare interpreter start), starts at most one
worker per runtime, lazily, and drives each from its own thread so that
frameworks run concurrently. Where a result comes from (a live run, the cache,
the results store) is the sources' business, chosen once from the execution
mode (:mod:`sphinx_apidiff.execution.sources`).

No Sphinx imports here.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from sphinx_apidiff.execution.cache import ResultCache
from sphinx_apidiff.execution.results import (
    ExampleJob,
    ExampleResult,
    SideResult,
    SignatureResult,
    Stats,
)
from sphinx_apidiff.execution.runtime import Fingerprint, Runtime, RuntimeUnavailable, probe
from sphinx_apidiff.execution.runtime.worker import TENSOR_FACTORIES
from sphinx_apidiff.execution.sources import create_sources
from sphinx_apidiff.execution.store import Store, StoreChanges
from sphinx_apidiff.model.vocabulary import Mode

# The results' home is execution.results; they are imported from here too.
__all__ = [
    "Engine",
    "ExampleJob",
    "ExampleResult",
    "SideResult",
    "SignatureResult",
    "Stats",
]

T = TypeVar("T")


class Engine:
    """Introspects APIs and runs examples for one build."""

    def __init__(
        self,
        pythons: dict[str, str] | None = None,
        cache_path: str | os.PathLike[str] | None = None,
        mode: str = Mode.AUTO,
        timeout: float = 60.0,
        store: Store | None = None,
    ) -> None:
        if mode not in tuple(Mode):
            modes = tuple(m.value for m in Mode)
            raise ValueError(f"execution mode must be one of {modes}, not {mode!r}")
        self.pythons = dict(pythons or {})
        self.cache = ResultCache(cache_path)
        self.mode = Mode(mode)
        self.timeout = timeout
        self.stats = Stats()
        self.store = store
        self._fingerprints: dict[str, Fingerprint | None] = {}
        self.unavailable: dict[str, str] = {}  # framework -> why it cannot be used
        self._runtimes: dict[str, Runtime] = {}
        self._executors: dict[str, ThreadPoolExecutor] = {}
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

    def _runtime(self, framework: str) -> Runtime:
        if framework not in self._runtimes:
            self._runtimes[framework] = Runtime(framework, self.python_for(framework))
            self._executors[framework] = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"apidiff-{framework}"
            )
        return self._runtimes[framework]

    def submit(self, framework: str, task: Callable[[Runtime], T]) -> Future[T]:
        """Queue ``task`` on the framework's own thread, which drives its one runtime."""
        runtime = self._runtime(framework)
        return self._executors[framework].submit(task, runtime)

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
        runtime = self._runtimes.get(framework)
        if runtime is not None and runtime.factory:
            return runtime.factory
        return TENSOR_FACTORIES.get(framework, "tensor")

    def close(self) -> None:
        """Stop every worker (all at once) and the threads that drive them."""
        closing = [self._executors[fw].submit(rt.close) for fw, rt in self._runtimes.items()]
        for future in closing:
            future.result()
        for framework, runtime in self._runtimes.items():
            self.stats.worker_starts += runtime.starts
            self._executors[framework].shutdown(wait=True)
        self._runtimes.clear()
        self._executors.clear()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def worker_starts(self) -> int:
        """Workers started by this engine, ever."""
        return self.stats.worker_starts + sum(r.starts for r in self._runtimes.values())

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
