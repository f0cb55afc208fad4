"""What the pool's client, server and administration share: the protocol's constants, the
errors, the private socket directory, and finding and killing a server by its info file.

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import stat
import struct
import tempfile
from pathlib import Path

#: Overrides where the sockets live (a directory of ours with mode 0700, made if missing).
DIR_ENV = "APIDIFF_WORKERS_DIR"
#: The pool protocol: the first frame of a connection, and the ``died`` frame.
POOL = "apidiff_pool"
PROTOCOL = 1
#: The frame by which a client has its leased worker killed, not kept warm.
DISCARD = json.dumps({POOL: "discard"}).encode("utf-8")
#: Seconds a client waits for a new server's socket, and for a server's answer to a lease.
START_TIMEOUT = 20.0
ANSWER_TIMEOUT = 10.0
#: The longest answer to a lease or a status question (a few hundred bytes in fact).
ANSWER_LIMIT = 64 * 1024


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


def same_user(sock: socket.socket) -> bool:
    uid = peer_uid(sock)
    return uid is None or uid == os.getuid()


def server_pid(path: Path) -> int | None:
    """The pid of the server of ``path`` by its info file, if that process is it."""
    try:
        info = json.loads(path.with_suffix(".json").read_text(encoding="utf-8"))
        pid = int(info["pid"])
        cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return pid if str(path.parent).encode() in cmdline and b"serve" in cmdline else None


def kill_server(path: Path) -> bool:
    """Kill a server that does not answer; its workers (each in a session of its own) read
    the end of their pipe and exit."""
    pid = server_pid(path)
    if pid is None:
        return False
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signal.SIGKILL)
    for suffix in (".sock", ".json"):
        with contextlib.suppress(FileNotFoundError):
            path.with_suffix(suffix).unlink()
    return True


def running(pid: int) -> bool:
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
