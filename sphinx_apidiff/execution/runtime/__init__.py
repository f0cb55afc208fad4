"""Framework runtimes: worker processes per framework, talking over pipes.

A runtime's worker is a process of its own (:class:`Worker`), or a warm one
leased from a pool server that outlives the build (:mod:`.pool`).

No Sphinx imports here.
"""

from __future__ import annotations

import collections
import json
import os
import select
import signal
import struct
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sphinx_apidiff.execution.results import Reply

if TYPE_CHECKING:
    from sphinx_apidiff.execution.runtime.pool import PoolSettings, PoolUnavailable

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
IMPORT_TIMEOUT = 300.0

#: Run in the target interpreter without importing the framework: what the
#: cache keys need (versions), at the cost of a bare interpreter start.
_PROBE = r"""
import json, sys
from importlib import metadata, util
def version(dist):
    try:
        return metadata.version(dist)
    except Exception:
        return None
framework = sys.argv[1]
spec = util.find_spec(framework)
origin = getattr(spec, "origin", None) if spec else None
mtime = None
if origin:
    import os
    try:
        mtime = os.stat(origin).st_mtime_ns
    except OSError:
        pass
print(json.dumps({"executable": sys.executable, "python": sys.version.split()[0],
                  "numpy": version("numpy"), "framework": version(framework),
                  "found": spec is not None, "origin": origin, "mtime": mtime}))
"""


class RuntimeUnavailable(Exception):
    """The interpreter of a runtime is missing or broken."""


@dataclass(frozen=True)
class Fingerprint:
    """What a runtime is: its interpreter and the versions of Python, numpy and the framework."""

    framework: str
    python_path: str
    executable: str
    python: str
    numpy: str | None
    version: str | None
    found: bool
    mtime: int | None

    def key(self) -> dict[str, Any]:
        """The part that decides results (for cache keys)."""
        return {
            "executable": self.executable,
            "python": self.python,
            "numpy": self.numpy,
            "framework": self.version,
            "mtime": self.mtime,
        }


def probe(framework: str, python: str, timeout: float = 60.0) -> Fingerprint:
    """Versions of Python, numpy and the framework in ``python``, without importing it."""
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        raise RuntimeUnavailable(f"interpreter {python} does not exist or is not executable")
    try:
        done = subprocess.run(
            [python, "-I", "-c", _PROBE, framework.split(".", maxsplit=1)[0]],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeUnavailable(f"interpreter {python} cannot run: {exc}") from exc
    if done.returncode != 0:
        tail = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeUnavailable(f"interpreter {python} failed: {tail}")
    data = json.loads(done.stdout.strip().splitlines()[-1])
    return Fingerprint(
        framework=framework,
        python_path=python,
        executable=data["executable"],
        python=data["python"],
        numpy=data["numpy"],
        version=data["framework"],
        found=data["found"],
        mtime=data["mtime"],
    )


class WorkerDied(Exception):
    """The worker process ended; ``stderr`` is the tail of what it wrote there."""

    def __init__(self, message: str, stderr: str = "") -> None:
        super().__init__(message)
        self.stderr = stderr


class WorkerTimeout(Exception):
    """The worker did not answer in time (it has been killed)."""


def _signal_name(code: int | None) -> str:
    if code is None:
        return "still running"
    if code < 0:
        try:
            return f"killed by signal {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit code {code}"


class Worker:
    """One worker process: requests on its stdin, replies on its stdout."""

    def __init__(self, python: str, env: dict[str, str] | None = None) -> None:
        self.python = python
        self.started = time.perf_counter()
        environ = dict(os.environ)
        environ.update(env or {})
        environ.setdefault("PYTHONIOENCODING", "utf-8")
        environ["PYTHONDONTWRITEBYTECODE"] = "1"
        self.process = subprocess.Popen(
            [python, "-u", str(WORKER_SCRIPT)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=environ,
            start_new_session=True,
            close_fds=True,
        )
        self._stderr: collections.deque[str] = collections.deque(maxlen=40)
        self._drain = threading.Thread(target=self._read_stderr, daemon=True)
        self._drain.start()

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for raw in iter(self.process.stderr.readline, b""):
            self._stderr.append(raw.decode("utf-8", "replace").rstrip())

    @property
    def stderr_tail(self) -> str:
        """The last lines the worker wrote to its stderr."""
        return "\n".join(self._stderr)

    def alive(self) -> bool:
        """Whether the process still runs."""
        return self.process.poll() is None

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Send one request and read its reply, the wire dict; raises on a timeout or death."""
        self.send(json.dumps(message).encode("utf-8"))
        deadline = None if timeout is None else time.monotonic() + timeout
        return json.loads(self.receive(deadline).decode("utf-8"))

    def send(self, data: bytes) -> None:
        """Write one message (JSON bytes) to the worker; raises :class:`WorkerDied`."""
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(struct.pack(">I", len(data)) + data)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died() from None

    @property
    def reply_fd(self) -> int:
        """The file descriptor the worker's replies arrive on (to wait for one)."""
        assert self.process.stdout is not None
        return self.process.stdout.fileno()

    def receive(self, deadline: float | None = None) -> bytes:
        """Read one reply (JSON bytes); raises :class:`WorkerTimeout` at ``deadline``
        (``time.monotonic()``) and :class:`WorkerDied`."""
        header = self._read(4, deadline)
        return self._read(struct.unpack(">I", header)[0], deadline)

    def _read(self, size: int, deadline: float | None) -> bytes:
        assert self.process.stdout is not None
        fd = self.process.stdout.fileno()
        chunks = b""
        while len(chunks) < size:
            wait = None if deadline is None else max(0.0, deadline - time.monotonic())
            ready, _, _ = select.select([fd], [], [], wait)
            if not ready:
                self.kill()
                raise WorkerTimeout()
            chunk = os.read(fd, size - len(chunks))
            if not chunk:
                raise self._died()
            chunks += chunk
        return chunks

    def _died(self) -> WorkerDied:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.returncode
        self._close_pipes()
        return WorkerDied(f"the worker process died ({_signal_name(code)})", self.stderr_tail)

    def kill(self) -> None:
        """Kill the worker's process group, and wait for it."""
        if self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                self.process.kill()
        self.process.wait()
        self._close_pipes()

    def close(self) -> None:
        """Stop the worker. It holds nothing worth a graceful exit (results are already
        back), and an interpreter with torch loaded takes ~0.4 s to tear down."""
        self.kill()

    discard = close

    def _close_pipes(self) -> None:
        self._drain.join(timeout=2)
        for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
            try:
                if stream is not None:
                    stream.close()
            except OSError:
                pass


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
        self, framework: str, python: str | None = None, pool: PoolSettings | None = None
    ) -> None:
        self.framework = framework
        self.python = python or sys.executable
        self.pool = pool
        self.pool_problem: PoolUnavailable | None = None  # why warm workers were not used
        self.worker: Channel | None = None
        self.starts = 0  # workers that paid the framework's import
        self.warm = 0  # workers leased warm
        self._lost = 0  # times the pool went away
        self.import_error: str | None = None
        self.version: str | None = None
        self.factory: str | None = None

    def _spawn(self, pooled: bool) -> Channel:
        if pooled and self.pool is not None and self.pool_problem is None:
            from sphinx_apidiff.execution.runtime.pool import PoolUnavailable, lease

            try:
                leased = lease(self.pool.key, self.pool.idle)
            except PoolUnavailable as exc:
                self.pool_problem = exc
            else:
                if leased.warm:
                    self.warm += 1
                else:
                    self.starts += 1
                return leased
        if not os.path.exists(self.python):
            raise RuntimeUnavailable(f"interpreter {self.python} does not exist")
        self.starts += 1
        return Worker(self.python)

    def _ensure(self) -> Channel:
        from sphinx_apidiff.execution.runtime.pool import PoolLost

        if self.worker is not None and self.worker.alive():
            return self.worker
        for attempt in range(3):  # a pool that goes away: a new pool, then a local worker
            self.worker = self._spawn(pooled=attempt < 2)
            try:
                reply = Reply.parse(
                    self.worker.request(
                        {"op": "import", "framework": self.framework}, timeout=IMPORT_TIMEOUT
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
        from sphinx_apidiff.execution.runtime.pool import PoolUnavailable

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
        from sphinx_apidiff.execution.runtime.pool import PoolLost

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
                return Reply.failure(str(exc), stderr=exc.stderr)
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
