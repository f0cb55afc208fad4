"""The worker's loop: length-prefixed JSON requests on stdin, replies on the file
descriptor that was stdout at start (everything else written to fd 1 goes to stderr).

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import io
import json
import os
import struct
import sys

from .leftovers import _become_subreaper, _exit_if_forked
from .ops import OPS
from .shared import _bytes, _process, reply_limit, set_memory_limit, worker_error


def _read_exact(stream, size):
    data = bytearray(size)
    view = memoryview(data)
    done = 0
    while done < size:
        count = stream.readinto(view[done:])
        if not count:
            return None
        done += count
    return bytes(data)


def _write(stream, data):
    view = memoryview(data)
    while view:
        view = view[stream.write(view) :]


def main(argv=None):
    """Serve the parent's requests until it asks to ``exit`` or closes the pipe, or a run
    asks for this worker to be discarded (it ends at once after that reply).
    ``--memory BYTES`` limits the process's memory first."""
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--memory"]:
        set_memory_limit(int(argv[1]))
    _process["pid"] = os.getpid()
    _process["subreaper"] = _become_subreaper()
    proto_out = os.fdopen(os.dup(1), "wb", buffering=0)
    os.dup2(2, 1)
    sys.stdout = io.TextIOWrapper(os.fdopen(1, "wb", buffering=0), write_through=True)
    proto_in = os.fdopen(os.dup(0), "rb", buffering=0)
    devnull = os.open(os.devnull, os.O_RDONLY)
    os.dup2(devnull, 0)
    sys.stdin = io.StringIO()
    while True:
        header = _read_exact(proto_in, 4)
        if header is None:
            return
        body = _read_exact(proto_in, struct.unpack(">I", header)[0])
        if body is None:
            return
        request = json.loads(body.decode("utf-8"))
        if request.get("op") == "exit":
            return
        handler = OPS.get(request.get("op"))
        try:
            reply = handler(request) if handler else {"ok": False, "error": "unknown op"}
        except Exception as exc:
            reply = worker_error(exc)
        _exit_if_forked()
        data = json.dumps(reply).encode("utf-8")
        limit = request.get("max_result")
        if limit is not None and len(data) > reply_limit(limit):
            error = "the reply takes %s: more than the %s that apidiff_max_result_bytes (%s) " % (
                _bytes(len(data)),
                _bytes(reply_limit(limit)),
                _bytes(limit),
            )
            discard = {"discard": True} if reply.get("discard") else {}
            reply = {"ok": False, "error": error + "allows", "frames": [], **discard}
            data = json.dumps(reply).encode("utf-8")
        _write(proto_out, struct.pack(">I", len(data)))
        _write(proto_out, data)
        if reply.get("discard"):
            os._exit(0)  # not sys.exit: a thread left running would keep the process alive
