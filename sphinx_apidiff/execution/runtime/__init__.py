"""Framework runtimes: worker processes per framework, talking over pipes.

A runtime's worker is a process of its own (:class:`Worker`), or a warm one
leased from a pool server that outlives the build (:mod:`.pool`).

No Sphinx imports here.
"""

from __future__ import annotations

import collections
import contextlib
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
from sphinx_apidiff.execution.runtime.worker import (
    OUT_OF_MEMORY,
    memory_text,
    reply_limit,
)

if TYPE_CHECKING:
    from sphinx_apidiff.execution.runtime.pool import PoolSettings, PoolUnavailable

WORKER_SCRIPT = Path(__file__).with_name("worker.py")
IMPORT_TIMEOUT = 300.0
#: The default of ``apidiff_max_result_bytes``: the array data one side of an example may
#: send back (a float32 tensor of 4,194,304 elements, 2048 x 2048).
MAX_RESULT = 16 * 1024 * 1024
#: Signals that end a process whose allocation failed: an uncaught ``std::bad_alloc``
#: aborts, a failed allocation used unchecked faults, the kernel's OOM killer kills.
_ALLOCATOR_SIGNALS = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL)

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
class Limits:
    """What a worker may use: ``max_result`` bytes of array data in one reply (the worker
    refuses to send more, the parent to read more), and ``memory`` bytes of memory for its
    process (None: no limit). Both change results: part of the cache key."""

    max_result: int = MAX_RESULT
    memory: int | None = None

    def key(self) -> dict[str, Any]:
        """The limits as they go into cache keys."""
        return {"max_result": self.max_result, "memory": self.memory}

    @property
    def max_reply(self) -> int:
        """The longest frame read from a worker (its header is checked before its body)."""
        return reply_limit(self.max_result)

    def worker_args(self) -> list[str]:
        """The worker script's arguments that apply these limits."""
        return ["--memory", str(self.memory)] if self.memory else []

    def explain_death(self, died: WorkerDied) -> str:
        """What a dead worker's message says, with a note when the memory limit may be why."""
        text = str(died)
        if self.memory and (
            died.code in _ALLOCATOR_SIGNALS or OUT_OF_MEMORY.search(died.stderr or "")
        ):
            text += " " + memory_text(self.memory)
        return text


def too_large(size: int, max_result: int) -> str:
    """The error of a reply refused unread: its header announced ``size`` bytes."""
    return (
        f"the worker's reply announced {size:,} bytes, more than the {reply_limit(max_result):,} "
        f"bytes that apidiff_max_result_bytes ({max_result:,} bytes) allows; the worker was "
        "stopped. Compare a smaller tensor, or a reduction of it (a sum, a mean, a slice)"
    )


class FrameTooLarge(Exception):
    """A frame's header announces more bytes than the reader accepts (nothing more is read)."""

    def __init__(self, size: int) -> None:
        super().__init__(f"a frame of {size:,} bytes")
        self.size = size


class Abandoned(Exception):
    """The watched descriptor became readable while a frame was read (a client gave up)."""


def read_exact(
    fd: int, size: int, deadline: float | None = None, watch: int | None = None
) -> bytes | None:
    """``size`` bytes from ``fd`` (a pipe or a socket) in linear time, None at its end.

    Raises :class:`TimeoutError` at ``deadline`` (``time.monotonic()``) even while bytes
    keep arriving, and :class:`Abandoned` when ``watch`` becomes readable.
    """
    data = bytearray(size)
    view = memoryview(data)
    done = 0
    fds = [fd] if watch is None else [fd, watch]
    while done < size:
        wait = None
        if deadline is not None:
            wait = deadline - time.monotonic()
            if wait <= 0:
                raise TimeoutError
        ready, _, _ = select.select(fds, [], [], wait)
        if not ready:
            raise TimeoutError
        if watch is not None and watch in ready:
            raise Abandoned
        try:
            count = os.readv(fd, [view[done:]])
        except (BlockingIOError, InterruptedError):
            continue
        if not count:
            return None
        done += count
    view.release()
    return bytes(data)


def read_frame(
    fd: int, deadline: float | None = None, limit: int | None = None, watch: int | None = None
) -> bytes | None:
    """One length-prefixed frame's body from ``fd``, None at its end; raises
    :class:`FrameTooLarge` when its header announces more than ``limit`` bytes, and what
    :func:`read_exact` raises."""
    header = read_exact(fd, 4, deadline, watch)
    if header is None:
        return None
    size: int = struct.unpack(">I", header)[0]
    if limit is not None and size > limit:
        raise FrameTooLarge(size)
    return read_exact(fd, size, deadline, watch)


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


#: What a probe may print, at most (its answer is one line of a few hundred bytes): more
#: is not an answer, and reading it all could exhaust memory.
PROBE_LIMIT = 64 * 1024


def probe(framework: str, python: str, timeout: float = 60.0) -> Fingerprint:
    """Versions of Python, numpy and the framework in ``python``, without importing it.

    Raises :class:`RuntimeUnavailable` when ``python`` does not run, fails, or is not a
    Python interpreter (it does not print the probe's answer: ``/bin/true``, a script).
    """
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        raise RuntimeUnavailable(f"interpreter {python} does not exist or is not executable")
    args = [python, "-I", "-c", _PROBE, framework.split(".", maxsplit=1)[0]]
    try:
        code, stdout, stderr = _run_bounded(args, timeout, PROBE_LIMIT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeUnavailable(f"interpreter {python} cannot run: {exc}") from exc
    if stdout is None:
        more = f"more than {PROBE_LIMIT // 1024} KiB"
        raise RuntimeUnavailable(f"{python} is not a Python interpreter (it printed {more})")
    if code != 0:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeUnavailable(f"interpreter {python} failed: {tail}")
    found = _probe_answer(framework, python, stdout)
    if found is None:
        text = stdout.strip()
        shown = repr(text[:80] + ("..." if len(text) > 80 else "")) if text else "nothing"
        raise RuntimeUnavailable(f"{python} is not a Python interpreter (it printed {shown})")
    return found


#: The probe's answer: each key and the types its value may have.
_ANSWER_TYPES: dict[str, tuple[type, ...]] = {
    "executable": (str,),
    "python": (str,),
    "numpy": (str, type(None)),
    "framework": (str, type(None)),
    "found": (bool,),
    "mtime": (int, type(None)),
}


def _probe_answer(framework: str, python: str, stdout: str) -> Fingerprint | None:
    """The fingerprint in the last line of the probe's output; None when that is not the
    probe's answer (whatever else a wrapper script prints before it is ignored)."""
    lines = stdout.strip().splitlines()
    try:
        data = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for key, types in _ANSWER_TYPES.items():
        value = data.get(key)
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return None
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


def _run_bounded(args: list[str], timeout: float, limit: int) -> tuple[int, str | None, str]:
    """Run ``args`` to its end: its exit code, its stdout and the tail of its stderr (at most
    ``limit`` bytes each, decoded leniently). A process that writes more than ``limit``
    bytes to stdout is killed, and its stdout is None. Raises ``subprocess.TimeoutExpired``
    after ``timeout`` seconds (the process is killed), and OSError."""
    process = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # killed as a group: a script's children go with it
    )
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.fileno(), process.stderr.fileno()
    received = {out: b"", err: b""}
    reading = {out, err}
    deadline = time.monotonic() + timeout
    try:
        while reading:
            ready, _, _ = select.select(
                list(reading), [], [], max(0.0, deadline - time.monotonic())
            )
            if not ready:
                raise subprocess.TimeoutExpired(args, timeout)
            for fd in ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    reading.discard(fd)
                    continue
                received[fd] = (received[fd] + chunk)[-(limit + 1) :]
            if len(received[out]) > limit:
                return -1, None, ""
        code = process.wait(max(0.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()
        process.stderr.close()
    return code, received[out].decode("utf-8", "replace"), received[err].decode("utf-8", "replace")


class WorkerDied(Exception):
    """The worker process ended; ``stderr`` is the tail of what it wrote there, ``code``
    its exit status (negative: the signal that killed it) where known."""

    def __init__(self, message: str, stderr: str = "", code: int | None = None) -> None:
        super().__init__(message)
        self.stderr = stderr
        self.code = code


class ReplyTooLarge(WorkerDied):
    """The worker's reply was refused unread: its header announced more than the limit
    (the worker has been killed)."""


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

    def __init__(
        self, python: str, env: dict[str, str] | None = None, limits: Limits | None = None
    ) -> None:
        self.python = python
        self.limits = limits or Limits()
        self.started = time.perf_counter()
        environ = dict(os.environ)
        environ.update(env or {})
        environ.setdefault("PYTHONIOENCODING", "utf-8")
        environ["PYTHONDONTWRITEBYTECODE"] = "1"
        self.process = subprocess.Popen(
            [python, "-u", str(WORKER_SCRIPT), *self.limits.worker_args()],
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

    def receive(self, deadline: float | None = None, watch: int | None = None) -> bytes:
        """Read one reply (JSON bytes); raises :class:`WorkerTimeout` at ``deadline``
        (``time.monotonic()``), :class:`ReplyTooLarge` for a reply longer than the limits
        allow, :class:`WorkerDied`, and :class:`Abandoned` when ``watch`` becomes readable.
        The worker is killed on each but the last."""
        try:
            body = read_frame(self.reply_fd, deadline, self.limits.max_reply, watch)
        except TimeoutError:
            self.kill()
            raise WorkerTimeout() from None
        except FrameTooLarge as exc:
            self.kill()
            raise ReplyTooLarge(too_large(exc.size, self.limits.max_result)) from None
        if body is None:
            raise self._died()
        return body

    def _died(self) -> WorkerDied:
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.kill()
            code = self.process.returncode
        self._close_pipes()
        message = f"the worker process died ({_signal_name(code)})"
        return WorkerDied(message, self.stderr_tail, code)

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
        self,
        framework: str,
        python: str | None = None,
        pool: PoolSettings | None = None,
        limits: Limits | None = None,
    ) -> None:
        self.framework = framework
        self.python = python or sys.executable
        self.pool = pool
        self.limits = limits or Limits()
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
                leased = lease(self.pool.key, self.pool.idle, self.limits)
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
        return Worker(self.python, limits=self.limits)

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

        message = {**message, "max_result": self.limits.max_result}
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
