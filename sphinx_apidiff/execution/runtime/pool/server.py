"""The pool server: serves leases of warm workers of one runtime key on one socket.

Only the standard library and this package's runtime modules are imported here: the
server runs in the interpreter running Sphinx, with ``-I``.
No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import select
import signal
import socket
import sys
import threading
import time
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.runtime.frames import Abandoned, recv_frame, send_frame
from sphinx_apidiff.execution.runtime.pool.key import PoolKey
from sphinx_apidiff.execution.runtime.pool.shared import (
    ANSWER_TIMEOUT,
    DISCARD,
    POOL,
    PROTOCOL,
    check_private,
    same_user,
)
from sphinx_apidiff.execution.runtime.process import Limits, Worker, WorkerDied, WorkerTimeout
from sphinx_apidiff.files import atomic_write


class PoolServer:
    """Serves leases of warm workers of one runtime key on one socket, until idle."""

    def __init__(self, directory: Path, key: dict[str, Any], idle: float) -> None:
        self.key = PoolKey(**key)
        self.directory = directory
        self.path = directory / f"{self.key.digest}.sock"
        self.idle = idle
        self.free: list[Worker] = []
        self.busy = 0
        self.served = 0
        self.started_workers = 0
        self.started = time.time()
        self.last_used = time.monotonic()
        self.stopping = threading.Event()
        self.lock = threading.Lock()
        self.listener: socket.socket | None = None
        self.inode: int | None = None

    def serve(self) -> int:
        """Bind, announce, and accept leases until idle, stopped or replaced."""
        lock = os.open(self.path.with_suffix(".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return 0  # another server of this key runs: clients reach it at the same path
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()  # we hold the lock: whatever served here has ended
        listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        old_umask = os.umask(0o177)
        try:
            listener.bind(str(self.path))
        finally:
            os.umask(old_umask)
        os.chmod(self.path, 0o600)
        listener.listen(16)
        self.listener = listener
        self.inode = os.stat(self.path).st_ino
        self._write_info()
        try:
            self._accept_loop()
        finally:
            self._shutdown()
            os.close(lock)
        return 0

    def _write_info(self) -> None:
        info = {"pid": os.getpid(), "framework": self.key.framework, "python": self.key.python}
        atomic_write(self.path.with_suffix(".json"), json.dumps(info))

    def _accept_loop(self) -> None:
        assert self.listener is not None
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.listener], [], [], 0.5)
            if ready:
                conn, _ = self.listener.accept()
                if not same_user(conn):
                    conn.close()
                    continue
                threading.Thread(target=self._handle, args=(conn,), daemon=True).start()
                continue
            if not self._still_ours():
                return
            with self.lock:
                idle = self.busy == 0 and time.monotonic() - self.last_used > self.idle
            if idle:
                return

    def _still_ours(self) -> bool:
        try:
            return os.stat(self.path).st_ino == self.inode
        except OSError:
            return False

    def _shutdown(self) -> None:
        if self.listener is not None:
            self.listener.close()
        if self._still_ours():
            for suffix in (".sock", ".json"):
                with contextlib.suppress(FileNotFoundError):
                    self.path.with_suffix(suffix).unlink()
        with self.lock:
            workers, self.free = self.free, []
        for worker in workers:
            worker.kill()

    def status(self) -> dict[str, Any]:
        """What ``sphinx-apidiff workers`` shows of this pool."""
        with self.lock:
            idle_for = 0.0 if self.busy else time.monotonic() - self.last_used
            return {
                "ok": True,
                "pid": os.getpid(),
                "framework": self.key.framework,
                "python": self.key.python,
                "version": self.key.fingerprint.get("framework"),
                "python_version": self.key.fingerprint.get("python"),
                "numpy": self.key.fingerprint.get("numpy"),
                "workers": len(self.free) + self.busy,
                "busy": self.busy,
                "idle_for": idle_for,
                "idle_timeout": self.idle,
                "served": self.served,
                "started_workers": self.started_workers,
                "uptime": time.time() - self.started,
            }

    def _handle(self, conn: socket.socket) -> None:
        with conn:
            try:
                body = recv_frame(conn, time.monotonic() + ANSWER_TIMEOUT)
            except (TimeoutError, OSError):
                return
            if body is None:
                return
            first = json.loads(body.decode("utf-8"))
            kind = first.get(POOL)
            if kind == "status":
                send_frame(conn, json.dumps(self.status()).encode("utf-8"))
            elif kind == "stop":
                send_frame(conn, b'{"ok": true}')
                self.stopping.set()
            elif kind == "lease":
                self._lease(conn, first)

    def _take(self) -> tuple[Worker, bool]:
        with self.lock:
            self.busy += 1
            self.served += 1
            while self.free:
                worker = self.free.pop()
                if worker.alive():
                    return worker, True
                worker.kill()
            self.started_workers += 1
        limits = Limits(memory=self.key.memory)
        return Worker(self.key.python, env=self.key.env, limits=limits), False

    def _give_back(self, worker: Worker | None) -> None:
        with self.lock:
            self.busy -= 1
            self.last_used = time.monotonic()
            if worker is not None and worker.alive() and not self.stopping.is_set():
                self.free.append(worker)
                return
        if worker is not None:
            worker.kill()

    def _lease(self, conn: socket.socket, first: dict[str, Any]) -> None:
        if first.get("protocol") != PROTOCOL or first.get("key") != self.key.digest:
            send_frame(conn, b'{"ok": false, "error": "another protocol or key"}')
            return
        with self.lock:
            self.idle = float(first.get("idle") or self.idle)
        try:
            worker, reused = self._take()
        except OSError as exc:
            self._give_back(None)
            send_frame(conn, json.dumps({"ok": False, "error": str(exc)}).encode("utf-8"))
            return
        kept: Worker | None = None
        # the lease's bound on replies; a worker kept warm is bounded by its next lease's
        worker.limits = Limits(int(first.get("max_result") or Limits().max_result), self.key.memory)
        try:
            answer = {"ok": True, "reused": reused, "pid": worker.process.pid}
            send_frame(conn, json.dumps(answer).encode("utf-8"))
            kept = self._relay(conn, worker)
        except OSError:
            worker.kill()  # the client went away mid-request (a timeout): the worker is stuck
        finally:
            self._give_back(kept)

    def _relay(self, conn: socket.socket, worker: Worker) -> Worker | None:
        """Pass requests to the worker and replies back until the client hangs up; the worker,
        or None when it died or was killed. A reply longer than the lease's limits is refused
        unread; a client that hangs up (its deadline) while a reply arrives has the worker
        killed, so a reply that streams on stops with the client's deadline."""
        while True:
            request = recv_frame(conn)
            if request is None:
                return worker  # the lease ended between requests: the worker stays warm
            if request == DISCARD:
                worker.kill()  # a run left it changed: it never serves again
                return None
            try:
                worker.send(request)
                while True:  # wait for the reply, or for the client to give up
                    ready, _, _ = select.select([worker.reply_fd, conn.fileno()], [], [])
                    if worker.reply_fd in ready:
                        break
                    if conn.fileno() in ready:
                        worker.kill()
                        return None
                reply = worker.receive(watch=conn.fileno())
            except Abandoned:
                worker.kill()
                return None
            except (WorkerDied, WorkerTimeout) as exc:
                died = {
                    POOL: "died",
                    "error": str(exc) or "the worker process died",
                    "stderr": getattr(exc, "stderr", ""),
                    "code": getattr(exc, "code", None),
                }
                send_frame(conn, json.dumps(died).encode("utf-8"))
                return None
            send_frame(conn, reply)


def _daemonize() -> None:
    """Detach: the parent returns to the client at once; the child serves on (in the
    working directory of the build that started it, as a fresh worker would)."""
    if os.fork() > 0:
        os._exit(0)


def main(argv: list[str]) -> int:
    """``serve DIRECTORY KEY_JSON IDLE``: run a pool server in the background."""
    if len(argv) != 4 or argv[0] != "serve":
        print("usage: serve DIRECTORY KEY_JSON IDLE_SECONDS", file=sys.stderr)
        return 2
    directory = Path(argv[1])
    check_private(directory)
    server = PoolServer(directory, json.loads(argv[2]), float(argv[3]))
    _daemonize()
    os.umask(0o077)  # what the server writes (socket, info) is ours alone
    signal.signal(signal.SIGTERM, lambda *_: server.stopping.set())
    return server.serve()
