"""Listing and stopping pools (``sphinx-apidiff workers``).

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.runtime.frames import recv_frame, send_frame
from sphinx_apidiff.execution.runtime.pool.shared import (
    ANSWER_LIMIT,
    POOL,
    PoolLost,
    PoolRefused,
    kill_server,
    pool_dir,
    running,
    same_user,
)


def _ask(path: Path, message: dict[str, Any], timeout: float) -> dict[str, Any]:
    """One question to a server and its answer (status, stop)."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(timeout)
        sock.connect(str(path))
        if not same_user(sock):
            raise PoolRefused(f"{path} is served by another user")
        send_frame(sock, json.dumps(message).encode("utf-8"))
        body = recv_frame(sock, time.monotonic() + timeout, ANSWER_LIMIT)
    if body is None:
        raise PoolLost("the pool closed the connection")
    return json.loads(body.decode("utf-8"))


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
            while running(pid) and time.monotonic() < deadline:
                time.sleep(0.05)
            if running(pid):
                kill_server(pool.socket)
            stopped.append(pool)
        elif pool.running:  # not answering
            kill_server(pool.socket)
            stopped.append(pool)
    return stopped
