"""Length-prefixed frames over pipes and sockets: a 4-byte big-endian length, then the body.

No Sphinx imports here.
"""

from __future__ import annotations

import os
import select
import socket
import struct
import time


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
