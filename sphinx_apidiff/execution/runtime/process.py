"""A worker process of its own: requests on its stdin, replies on its stdout, and the
limits that bound it.

No Sphinx imports here.
"""

from __future__ import annotations

import collections
import json
import os
import signal
import struct
import subprocess
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.runtime.frames import FrameTooLarge, read_frame
from sphinx_apidiff.execution.runtime.worker.shared import (
    OUT_OF_MEMORY,
    memory_text,
    reply_limit,
)

WORKER_SCRIPT = Path(__file__).with_name("worker") / "__main__.py"
#: The default of ``apidiff_max_result_bytes``: the array data one side of an example may
#: send back (a float32 tensor of 4,194,304 elements, 2048 x 2048).
MAX_RESULT = 16 * 1024 * 1024
#: Signals that end a process whose allocation failed: an uncaught ``std::bad_alloc``
#: aborts, a failed allocation used unchecked faults, the kernel's OOM killer kills.
_ALLOCATOR_SIGNALS = (-signal.SIGABRT, -signal.SIGSEGV, -signal.SIGBUS, -signal.SIGKILL)


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
