"""The pool's client: a lease of a warm worker (a server is started when there is none).

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.runtime.frames import FrameTooLarge, recv_frame, send_frame
from sphinx_apidiff.execution.runtime.pool.key import PoolKey
from sphinx_apidiff.execution.runtime.pool.shared import (
    ANSWER_LIMIT,
    ANSWER_TIMEOUT,
    DISCARD,
    POOL,
    PROTOCOL,
    START_TIMEOUT,
    PoolLost,
    PoolRefused,
    PoolUnavailable,
    kill_server,
    pool_dir,
    running,
    same_user,
    server_pid,
)
from sphinx_apidiff.execution.runtime.process import (
    Limits,
    ReplyTooLarge,
    WorkerDied,
    WorkerTimeout,
    too_large,
)

_PACKAGE_ROOT = Path(__file__).resolve().parents[4]  # the folder holding sphinx_apidiff/
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from sphinx_apidiff.execution.runtime.pool.server import main; sys.exit(main(sys.argv[2:]))"
)


# -- the client --------------------------------------------------------------------------


class PoolWorker:
    """A leased warm worker, used as a local
    :class:`~sphinx_apidiff.execution.runtime.process.Worker` is."""

    def __init__(
        self, sock: socket.socket, pid: int, reused: bool, limits: Limits | None = None
    ) -> None:
        self.sock: socket.socket | None = sock
        self.pid = pid
        self.reused = reused  # the worker ran for an earlier lease (not started for this one)
        self.limits = limits or Limits()

    def alive(self) -> bool:
        """Whether the lease still holds (the connection is open)."""
        return self.sock is not None

    def request(self, message: dict[str, Any], timeout: float | None = None) -> dict[str, Any]:
        """Send one request through the pool and read its reply; raises
        :class:`WorkerTimeout` (the pool kills the worker), :class:`WorkerDied` and
        :class:`PoolLost`."""
        if self.sock is None:
            raise PoolLost("the lease has ended")
        deadline = None if timeout is None else time.monotonic() + timeout
        try:
            send_frame(self.sock, json.dumps(message).encode("utf-8"))
            body = recv_frame(self.sock, deadline, self.limits.max_reply)
        except TimeoutError:
            self.close()  # the pool sees the connection end mid-request: it kills the worker
            raise WorkerTimeout() from None
        except FrameTooLarge as exc:
            self.close()
            raise ReplyTooLarge(too_large(exc.size, self.limits.max_result)) from None
        except OSError as exc:
            self.close()
            raise PoolLost(f"the pool went away: {exc}") from None
        if body is None:
            self.close()
            raise PoolLost("the pool closed the connection")
        reply = json.loads(body.decode("utf-8"))
        if reply.get(POOL) == "died":
            self.close()
            error = reply.get("error", "the worker process died")
            raise WorkerDied(error, reply.get("stderr", ""), reply.get("code"))
        return reply

    def close(self) -> None:
        """End the lease: the pool keeps the worker warm (or kills it, mid-request)."""
        if self.sock is not None:
            self.sock.close()
            self.sock = None

    def discard(self) -> None:
        """End the lease of a worker that must never serve again: the pool kills it."""
        if self.sock is not None:
            with contextlib.suppress(OSError):
                send_frame(self.sock, DISCARD)
        self.close()

    kill = close


def lease(key: PoolKey, idle: float, limits: Limits | None = None) -> PoolWorker:
    """A worker from the pool of ``key`` (started when there is none, replaced when it
    does not answer) whose replies are bounded by ``limits``; raises :class:`PoolUnavailable`.

    A server that was killed a moment ago may still accept a connection and then reset it:
    such a pool is gone, and the lease is asked of a new one, once."""
    limits = limits or Limits()
    if limits.memory != key.memory:
        raise PoolUnavailable("the pool's memory limit is not the build's")
    directory = pool_dir()
    path = directory / f"{key.digest}.sock"
    for attempt in range(2):
        sock = _connect(path) or _start_and_connect(directory, path, key, idle)
        try:
            reply = _handshake(sock, path, key, idle, limits)
        except _Gone as exc:
            sock.close()
            pid = server_pid(path)
            if attempt == 0:
                deadline = time.monotonic() + ANSWER_TIMEOUT
                while pid is not None and running(pid) and time.monotonic() < deadline:
                    time.sleep(0.02)
                continue
            raise PoolUnavailable(f"the pool server went away: {exc}") from None
        except BaseException:
            sock.close()
            raise
        sock.settimeout(None)
        return PoolWorker(sock, int(reply["pid"]), bool(reply["reused"]), limits)
    raise PoolUnavailable("the pool server went away")  # not reached


class _Gone(Exception):
    """The server closed or reset the connection during the handshake."""


def _start_and_connect(directory: Path, path: Path, key: PoolKey, idle: float) -> socket.socket:
    """Start a server for ``key`` and connect to it once its socket is there."""
    _start_server(directory, key, idle)
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if time.monotonic() > deadline:
            raise PoolUnavailable(
                f"the pool server did not start within {START_TIMEOUT:g} s "
                f"(see {path.with_suffix('.log')})"
            )
        time.sleep(0.02)
        sock = _connect(path)
        if sock is not None:
            return sock


def _handshake(
    sock: socket.socket, path: Path, key: PoolKey, idle: float, limits: Limits
) -> dict[str, Any]:
    """Ask the server at ``sock`` for a lease: its answer (``pid``, ``reused``); raises
    :class:`_Gone` when the server goes away, :class:`PoolUnavailable` otherwise."""
    if not same_user(sock):
        raise PoolRefused(f"{path} is served by another user")
    message = {POOL: "lease", "protocol": PROTOCOL, "key": key.digest, "idle": idle}
    message["max_result"] = limits.max_result
    try:
        send_frame(sock, json.dumps(message).encode("utf-8"))
        body = recv_frame(sock, time.monotonic() + ANSWER_TIMEOUT, ANSWER_LIMIT)
    except FrameTooLarge as exc:
        raise PoolUnavailable(f"the pool server's answer announced {exc.size:,} bytes") from None
    except TimeoutError:
        kill_server(path)
        raise PoolUnavailable(
            f"the pool server did not answer within {ANSWER_TIMEOUT:g} s; it was stopped"
        ) from None
    except OSError as exc:
        raise _Gone(str(exc)) from None
    if body is None:
        raise _Gone("it closed the connection")
    try:
        reply = json.loads(body.decode("utf-8"))
    except ValueError:
        reply = {"error": "an answer that is not JSON"}
    if not isinstance(reply, dict) or not reply.get("ok"):
        error = reply.get("error") if isinstance(reply, dict) else reply
        raise PoolUnavailable(f"the pool server refused the lease: {error}")
    if not isinstance(reply.get("pid"), int) or not isinstance(reply.get("reused"), bool):
        raise PoolUnavailable("the pool server's answer lacks its worker's pid")
    return reply


def _connect(path: Path) -> socket.socket | None:
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        sock.connect(str(path))
    except (FileNotFoundError, ConnectionRefusedError):
        sock.close()
        return None
    except OSError as exc:
        sock.close()
        raise PoolUnavailable(f"cannot connect to {path}: {exc}") from None
    return sock


def _start_server(directory: Path, key: PoolKey, idle: float) -> None:
    """Start a pool server in the background (it detaches: nothing here waits for it)."""
    log = directory / f"{key.digest}.log"
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        args = [sys.executable, "-I", "-c", _BOOT, str(_PACKAGE_ROOT), "serve"]
        args += [str(directory), json.dumps(key.__dict__), str(idle)]
        done = subprocess.run(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=fd,
            start_new_session=True,
            close_fds=True,
            timeout=START_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise PoolUnavailable(f"cannot start the pool server: {exc}") from None
    finally:
        os.close(fd)
    if done.returncode != 0:
        raise PoolUnavailable(f"the pool server failed to start (see {log})")
