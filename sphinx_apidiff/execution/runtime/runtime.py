"""A framework's runtime for one lane of a build: a local worker, or a warm one leased
from its pool (:mod:`.pool`).

No Sphinx imports here.
"""

from __future__ import annotations

import os
import sys
from typing import Any, Protocol

from sphinx_apidiff import frameworks
from sphinx_apidiff.execution.results import Reply
from sphinx_apidiff.execution.runtime.pool.client import lease
from sphinx_apidiff.execution.runtime.pool.key import PoolSettings
from sphinx_apidiff.execution.runtime.pool.shared import PoolLost, PoolUnavailable
from sphinx_apidiff.execution.runtime.probe import RuntimeUnavailable
from sphinx_apidiff.execution.runtime.process import (
    Limits,
    Worker,
    WorkerDied,
    WorkerTimeout,
)

IMPORT_TIMEOUT = 300.0


class Channel(Protocol):
    """What a runtime needs of a worker: a local :class:`Worker` or a leased warm one."""

    def alive(self) -> bool:
        """Whether requests can still be sent."""

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """One request and its reply."""

    def close(self) -> None:
        """Done with the worker."""

    def discard(self) -> None:
        """Done with a worker that must never serve again (a run left it changed)."""


class Runtime:
    """A framework's runtime for one lane of a build: at most one live worker at a time.

    The worker is started (or leased warm from its pool, with ``pool``) on first
    use; a worker that times out or dies, or whose run left it changed (its reply
    says ``discard``), is replaced by a fresh one on the next request. A pool
    that cannot be used, or that goes away, is replaced by a new pool once, then
    by a local worker. Not thread-safe: drive each runtime from one thread.
    """

    def __init__(
        self,
        framework: str,
        python: str | None = None,
        pool: PoolSettings | None = None,
        limits: Limits | None = None,
        cache: str | os.PathLike[str] | None = None,
    ) -> None:
        self.framework = framework
        self.python = python or sys.executable
        self.pool = pool
        self.limits = limits or Limits()
        self.pool_problem: PoolUnavailable | None = None  # why warm workers were not used
        self.worker: Channel | None = None
        self.starts = 0  # workers that paid the framework's import
        self.reused = 0  # workers leased from a pool that already ran them
        self._lost = 0  # times the pool went away
        self.import_error: str | None = None
        self.version: str | None = None
        self.factory: str | None = None
        adapter = frameworks.get(framework)
        #: The worker's half of the framework's adapter (sent with every request), or None.
        self.adapter = adapter.worker if adapter is not None else None
        #: The adapter's environment variables the build's environment leaves unset (its
        #: folders in the build's result cache ``cache`` among them).
        self.env = adapter.worker_env(dict(os.environ), cache) if adapter is not None else {}

    def _spawn(self, pooled: bool) -> Channel:
        if pooled and self.pool is not None and self.pool_problem is None:
            try:
                leased = lease(self.pool.key, self.pool.idle, self.limits)
            except PoolUnavailable as exc:
                self.pool_problem = exc
            else:
                if leased.reused:
                    self.reused += 1
                else:
                    self.starts += 1
                return leased
        if not os.path.exists(self.python):
            raise RuntimeUnavailable(f"interpreter {self.python} does not exist")
        self.starts += 1
        return Worker(self.python, env=self.env, limits=self.limits)

    def _ensure(self) -> Channel:
        if self.worker is not None and self.worker.alive():
            return self.worker
        for attempt in range(3):  # a pool that goes away: a new pool, then a local worker
            self.worker = self._spawn(pooled=attempt < 2)
            try:
                reply = Reply.parse(
                    self.worker.request(
                        {"op": "import", "framework": self.framework, "adapter": self.adapter},
                        timeout=IMPORT_TIMEOUT,
                    )
                )
            except PoolLost as exc:
                self._pool_lost(exc)
                continue
            except WorkerTimeout:
                self.worker = None
                raise RuntimeUnavailable(
                    f"importing {self.framework} took more than {IMPORT_TIMEOUT:g} s"
                ) from None
            if not reply.ok:
                self.import_error = reply.error or "unknown error"
            else:
                self.version = reply.version
                self.factory = reply.factory
            return self.worker
        raise RuntimeUnavailable("the pool of warm workers went away")  # not reached

    def _pool_lost(self, exc: Exception) -> None:
        """The pool went away: the next worker comes from a new pool, after a second time
        from this process."""
        self.worker = None
        self._lost += 1
        if self._lost >= 2 and self.pool_problem is None:
            self.pool_problem = PoolUnavailable(f"the pool of warm workers went away: {exc}")

    def imported(self) -> bool:
        """Start the worker if needed; False when the framework cannot be imported."""
        try:
            self._ensure()
        except (RuntimeUnavailable, WorkerDied, OSError) as exc:
            self.import_error = str(exc)
            self.worker = None
            return False
        return self.import_error is None

    def call(self, message: dict[str, Any], timeout: float | None = None) -> Reply:
        """Send one request; a timeout or a dead worker becomes a failure reply. A pool
        that goes away mid-request (not its worker) is replaced, and the request sent again."""
        message = {**message, "max_result": self.limits.max_result, "adapter": self.adapter}
        for _ in range(3):
            try:
                worker = self._ensure()
                answer = worker.request(message, timeout=timeout)
                if answer.get("discard"):
                    self.worker = None
                    worker.discard()
                return Reply.parse(answer)
            except PoolLost as exc:
                self._pool_lost(exc)
                continue
            except WorkerTimeout:
                self.worker = None
                return Reply.failure(f"timed out after {timeout:g} s (the worker was stopped)")
            except WorkerDied as exc:
                self.worker = None
                return Reply.failure(self.limits.explain_death(exc), stderr=exc.stderr)
            except (RuntimeUnavailable, OSError) as exc:
                self.worker = None
                return Reply.failure(str(exc))
        self.worker = None
        return Reply.failure("the pool of warm workers went away")

    def close(self) -> None:
        """Stop the worker (a leased one goes back to its pool, warm), if one runs."""
        if self.worker is not None:
            self.worker.close()
            self.worker = None
