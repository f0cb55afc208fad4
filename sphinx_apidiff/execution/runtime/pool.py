"""Warm workers: a pool server per runtime that outlives the build that started it.

A build that asks for warm workers leases its workers from a *pool server*, one
process per runtime key (the interpreter, the versions of Python, numpy and the
framework, the framework module's mtime, the environment variables that steer
numerics, the workers' memory limit, and the code of the worker and of this module:
see :func:`pool_key`),
so a second build, ``sphinx-apidiff check`` then the build, or every rebuild of
``sphinx-autobuild`` finds the framework already imported. The server owns the
worker processes (the same :class:`~sphinx_apidiff.execution.runtime.Worker`
over pipes) and relays the same length-prefixed JSON protocol between a
client's Unix socket and the worker it leased; a connection is a lease, and
closing it gives the worker back. A client that closes its connection while
its request runs (a timeout), or that discards its worker (a run left the
worker changed: a ``discard`` frame), has the worker killed; a worker that dies is
reported to its client as a ``died`` frame, as a local worker's death is.

Local only, and for us only: the socket lives in a directory of ours with mode
0700 (:func:`pool_dir` refuses any other), the socket itself is 0600, and both
ends check the other's uid with ``SO_PEERCRED`` where the system has it. The
server ends itself after ``idle`` seconds without a lease, when its socket is
removed, or when asked (``sphinx-apidiff workers stop``).

Only the standard library and this package's runtime module are imported here:
the server runs in the interpreter running Sphinx, with ``-I``.
No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import select
import signal
import socket
import stat
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.runtime import (
    WORKER_SCRIPT,
    Abandoned,
    Fingerprint,
    FrameTooLarge,
    Limits,
    ReplyTooLarge,
    Worker,
    WorkerDied,
    WorkerTimeout,
    read_frame,
    too_large,
)

#: Overrides where the sockets live (a directory of ours with mode 0700, made if missing).
DIR_ENV = "APIDIFF_WORKERS_DIR"
#: The pool protocol: the first frame of a connection, and the ``died`` frame.
POOL = "apidiff_pool"
PROTOCOL = 1
#: Seconds a client waits for a new server's socket, and for a server's answer to a lease.
#: The frame by which a client has its leased worker killed, not kept warm.
DISCARD = json.dumps({POOL: "discard"}).encode("utf-8")
START_TIMEOUT = 20.0
ANSWER_TIMEOUT = 10.0
#: The longest answer to a lease or a status question (a few hundred bytes in fact).
ANSWER_LIMIT = 64 * 1024
#: Environment variables (by prefix) that can change what a snippet computes: part of the key.
ENV_PREFIXES = (
    "OMP_",
    "KMP_",
    "GOMP_",
    "MKL_",
    "OPENBLAS_",
    "VECLIB_",
    "NUMEXPR_",
    "TORCH_",
    "PYTORCH_",
    "MGE_",
    "MEGENGINE_",
    "CUDA_",
    "PYTHON",
    "LD_",
)
_HERE = Path(__file__).resolve()
_PACKAGE_ROOT = _HERE.parents[3]  # the folder holding sphinx_apidiff/
_BOOT = (
    "import sys; sys.path.insert(0, sys.argv[1]); "
    "from sphinx_apidiff.execution.runtime.pool import main; sys.exit(main(sys.argv[2:]))"
)


class PoolUnavailable(Exception):
    """Warm workers cannot be used now (the build runs fresh workers instead)."""


class PoolRefused(PoolUnavailable):
    """The socket directory is not private to us: warm workers are refused, not just absent."""


class PoolLost(Exception):
    """The pool server went away in the middle of a request (not the worker: a worker's
    death comes as a ``died`` frame)."""


# -- the directory -----------------------------------------------------------------------


def default_dir() -> Path:
    """Where the sockets live: ``$APIDIFF_WORKERS_DIR``, else ``$XDG_RUNTIME_DIR/
    sphinx-apidiff`` when that is a private directory of ours, else
    ``<tempdir>/sphinx-apidiff-<uid>``."""
    chosen = os.environ.get(DIR_ENV)
    if chosen:
        return Path(chosen)
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        with contextlib.suppress(PoolRefused, OSError):
            check_private(Path(runtime_dir))
            return Path(runtime_dir) / "sphinx-apidiff"
    return Path(tempfile.gettempdir()) / f"sphinx-apidiff-{os.getuid()}"


def check_private(path: Path) -> None:
    """Refuse ``path`` unless it is a real directory (no symlink) owned by us with no
    permission for the group or others."""
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise PoolUnavailable(f"cannot use {path}: {exc.strerror}") from None
    if stat.S_ISLNK(info.st_mode):
        raise PoolRefused(f"{path} is a symbolic link; warm workers need a real directory")
    if not stat.S_ISDIR(info.st_mode):
        raise PoolRefused(f"{path} is not a directory")
    if info.st_uid != os.getuid():
        raise PoolRefused(f"{path} belongs to uid {info.st_uid}, not to us (uid {os.getuid()})")
    if info.st_mode & 0o077:
        mode = stat.S_IMODE(info.st_mode)
        raise PoolRefused(f"{path} has mode {mode:04o}; it must be 0700 (only its owner may enter)")


def pool_dir(create: bool = True) -> Path:
    """The private directory of the sockets (made with mode 0700 when missing)."""
    path = default_dir()
    if create:
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            pass
        except OSError as exc:
            raise PoolUnavailable(f"cannot make {path}: {exc.strerror}") from None
    check_private(path)
    return path


def peer_uid(sock: socket.socket) -> int | None:
    """The uid of the process at the other end of a Unix socket (None: cannot tell here)."""
    option = getattr(socket, "SO_PEERCRED", None)
    if option is None:
        return None
    data = sock.getsockopt(socket.SOL_SOCKET, option, struct.calcsize("3i"))
    return int(struct.unpack("3i", data)[1])


def _same_user(sock: socket.socket) -> bool:
    uid = peer_uid(sock)
    return uid is None or uid == os.getuid()


# -- the key -----------------------------------------------------------------------------


@dataclass(frozen=True)
class PoolKey:
    """What a warm worker must share with the build that leases it."""

    framework: str
    python: str
    fingerprint: dict[str, Any]
    env: dict[str, str]
    code: str
    memory: int | None = None  # the workers' memory limit (bytes)

    @property
    def digest(self) -> str:
        """The key as a short name (the socket's)."""
        text = json.dumps(self.__dict__, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _code_hash() -> str:
    digest = hashlib.sha256()
    for path in (WORKER_SCRIPT, _HERE, _HERE.with_name("__init__.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pool_key(
    framework: str, python: str, fingerprint: Fingerprint, memory: int | None = None
) -> PoolKey:
    """The key of ``framework``'s runtime in ``python`` whose workers' memory is limited to
    ``memory`` bytes (see the module's docstring)."""
    env = {k: v for k, v in os.environ.items() if k.startswith(ENV_PREFIXES)}
    return PoolKey(framework, python, fingerprint.key(), env, _code_hash(), memory)


# -- frames ------------------------------------------------------------------------------


def recv_frame(
    sock: socket.socket, deadline: float | None = None, limit: int | None = None
) -> bytes | None:
    """One frame's body, None at the end of the connection; TimeoutError at ``deadline``
    (while bytes arrive too), :class:`FrameTooLarge` for a header announcing more than
    ``limit`` bytes."""
    return read_frame(sock.fileno(), deadline, limit)


def send_frame(sock: socket.socket, body: bytes) -> None:
    """Write one frame."""
    sock.sendall(struct.pack(">I", len(body)) + body)


def _ask(path: Path, message: dict[str, Any], timeout: float) -> dict[str, Any]:
    """One question to a server and its answer (status, stop)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        if not _same_user(sock):
            raise PoolRefused(f"{path} is served by another user")
        send_frame(sock, json.dumps(message).encode("utf-8"))
        body = recv_frame(sock, time.monotonic() + timeout, ANSWER_LIMIT)
    if body is None:
        raise PoolLost("the pool closed the connection")
    return json.loads(body.decode("utf-8"))


# -- the client --------------------------------------------------------------------------


class PoolWorker:
    """A leased warm worker, as a :class:`~sphinx_apidiff.execution.runtime.Worker` is used."""

    def __init__(
        self, sock: socket.socket, pid: int, warm: bool, limits: Limits | None = None
    ) -> None:
        self.sock: socket.socket | None = sock
        self.pid = pid
        self.warm = warm
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


@dataclass(frozen=True)
class PoolSettings:
    """What a runtime needs to lease warm workers: its key and the idle timeout."""

    key: PoolKey
    idle: float


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
            pid = _server_pid(path)
            if attempt == 0:
                deadline = time.monotonic() + ANSWER_TIMEOUT
                while pid is not None and _running(pid) and time.monotonic() < deadline:
                    time.sleep(0.02)
                continue
            raise PoolUnavailable(f"the pool server went away: {exc}") from None
        except BaseException:
            sock.close()
            raise
        sock.settimeout(None)
        return PoolWorker(sock, int(reply["pid"]), bool(reply["warm"]), limits)
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
    """Ask the server at ``sock`` for a lease: its answer (``pid``, ``warm``); raises
    :class:`_Gone` when the server goes away, :class:`PoolUnavailable` otherwise."""
    if not _same_user(sock):
        raise PoolRefused(f"{path} is served by another user")
    message = {POOL: "lease", "protocol": PROTOCOL, "key": key.digest, "idle": idle}
    message["max_result"] = limits.max_result
    try:
        send_frame(sock, json.dumps(message).encode("utf-8"))
        body = recv_frame(sock, time.monotonic() + ANSWER_TIMEOUT, ANSWER_LIMIT)
    except FrameTooLarge as exc:
        raise PoolUnavailable(f"the pool server's answer announced {exc.size:,} bytes") from None
    except TimeoutError:
        _kill_server(path)
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
    if not isinstance(reply.get("pid"), int) or not isinstance(reply.get("warm"), bool):
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


def _server_pid(path: Path) -> int | None:
    """The pid of the server of ``path`` by its info file, if that process is it."""
    try:
        info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        pid = int(info["pid"])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if str(path.parent).encode() in cmdline and b"serve" in cmdline else None


def _kill_server(path: Path) -> bool:
    """Kill a server that does not answer; its workers (each in a session of its own) read
    the end of their pipe and exit."""
    pid = _server_pid(path)
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    for suffix in (".sock", ".json"):
        with contextlib.suppress(FileNotFoundError):
            path.with_suffix(suffix).unlink()
    return True


# -- listing and stopping ----------------------------------------------------------------


@dataclass
class PoolStatus:
    """One pool as ``sphinx-apidiff workers`` shows it."""

    socket: Path
    answer: dict[str, Any] | None = None
    problem: str | None = None  # stale, not answering
    python: str | None = None  # the interpreter of its workers (None: unknown)
    running: bool = True  # False: stale, its files removed

    def serves(self, pythons: Iterable[str]) -> bool:
        """Whether the pool's workers run one of ``pythons``: a pool belongs to a project
        when its interpreter is one of the project's runtimes. Paths are compared as
        written (normalised, symbolic links not followed: two virtual environments of
        one base Python are two runtimes)."""
        return self.python is not None and _same_path(self.python) in map(_same_path, pythons)


def _same_path(path: str) -> str:
    return os.path.normpath(os.path.abspath(os.path.expanduser(path)))


def list_pools(directory: Path | None = None) -> list[PoolStatus]:
    """Every pool of ours: each server's own status, or why it has none (a stale socket,
    which is removed, or a server that does not answer)."""
    directory = directory or pool_dir(create=False)
    found = []
    for path in sorted(directory.glob("*.sock")):
        python = _info_python(path)
        try:
            answer = _ask(path, {POOL: "status"}, 5.0)
            found.append(PoolStatus(path, answer, python=str(answer.get("python", python))))
        except (ConnectionRefusedError, FileNotFoundError, PoolLost):
            for suffix in (".sock", ".json"):
                with contextlib.suppress(FileNotFoundError):
                    path.with_suffix(suffix).unlink()
            problem = "stale (its server had ended): removed"
            found.append(PoolStatus(path, problem=problem, python=python, running=False))
        except (TimeoutError, OSError) as exc:
            problem = f"not answering ({exc or 'timeout'})"
            found.append(PoolStatus(path, problem=problem, python=python))
    return found


def _info_python(path: Path) -> str | None:
    """The interpreter of a pool's workers by the info file its server writes."""
    try:
        info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        return str(info["python"])
    except (OSError, ValueError, KeyError, TypeError):
        return None


def stop_pools(
    directory: Path | None = None, wait: float = 10.0, pools: list[PoolStatus] | None = None
) -> list[PoolStatus]:
    """Stop ``pools`` (by default every pool of ours), their workers with them; one that
    does not answer is killed. The pools stopped."""
    directory = directory or pool_dir(create=False)
    stopped = []
    for pool in list_pools(directory) if pools is None else pools:
        if pool.answer is not None:
            with contextlib.suppress(OSError, PoolLost):
                _ask(pool.socket, {POOL: "stop"}, 5.0)
            pid = int(pool.answer["pid"])
            deadline = time.monotonic() + wait
            while _running(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if _running(pid):
                _kill_server(pool.socket)
            stopped.append(pool)
        elif pool.running:  # not answering
            _kill_server(pool.socket)
            stopped.append(pool)
    return stopped


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # a zombie of ours (tests start servers as children) counts as ended
    with contextlib.suppress(OSError):
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        return state != "Z"
    return True


# -- the server --------------------------------------------------------------------------


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
        target = self.path.with_suffix(".json")
        temp = target.with_suffix(".json.tmp")
        temp.write_text(json.dumps(info), encoding="utf-8")
        os.replace(temp, target)

    def _accept_loop(self) -> None:
        assert self.listener is not None
        while not self.stopping.is_set():
            ready, _, _ = select.select([self.listener], [], [], 0.5)
            if ready:
                conn, _ = self.listener.accept()
                if not _same_user(conn):
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
        return Worker(self.key.python, limits=Limits(memory=self.key.memory)), False

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
            worker, warm = self._take()
        except OSError as exc:
            self._give_back(None)
            send_frame(conn, json.dumps({"ok": False, "error": str(exc)}).encode("utf-8"))
            return
        kept: Worker | None = None
        # the lease's bound on replies; a worker kept warm is bounded by its next lease's
        worker.limits = Limits(int(first.get("max_result") or Limits().max_result), self.key.memory)
        try:
            answer = {"ok": True, "warm": warm, "pid": worker.process.pid}
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
