"""What the worker's modules share: the protocol's constants, the process-wide state
(the frameworks imported, their baselines, the memory limit, the worker's pid), and the
texts of errors and of the memory limit (the parent imports those too).

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import re
import traceback
from typing import Any  # noqa: F401 - for the type comments (Python 3.8 syntax)

PROTOCOL = 1


#: Attribute of the framework's top-level module that makes a tensor from a numpy
#: array, for frameworks without an adapter (those with one name theirs: ``FACTORY``);
#: others are probed in FACTORY_CANDIDATES order.
TENSOR_FACTORIES = {
    "mindspore": "Tensor",
    "tensorflow": "constant",
}


FACTORY_CANDIDATES = ("tensor", "Tensor", "to_tensor", "asarray", "array")


_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


#: Where a module lives, in its repr (``<module 'pickle' from '/home/...'>``): this machine's.
_MODULE_FILE = re.compile(r"(<module '[^']*') from '[^']*'>")


#: The native backtrace MegEngine appends to its C++ errors: addresses that change every
#: run and paths of this machine, which would make every stored error differ.
_BACKTRACE = re.compile(r"\s*\nbacktrace:\n.*\Z", re.S)


MAX_OUTPUT = 64 * 1024


#: What a reply holds besides its arrays' encoded bytes (the clipped output, at most 6
#: bytes a character once escaped; error texts, reprs, JSON): see :func:`reply_limit`.
REPLY_MARGIN = 4 * 1024 * 1024


#: Errors that say an allocation failed: Python's, torch's allocator's, MegEngine's, C++'s.
OUT_OF_MEMORY = re.compile(
    r"MemoryError|can't allocate memory|cannot allocate memory|failed to malloc|bad_alloc"
    r"|out of memory",
    re.I,
)


_modules = {}  # type: dict[str, Any]


_baselines = {}  # type: dict[str, dict[str, Any]]


_adapters = {}  # type: dict[str, Any] # framework -> its adapter (see adapter.py)


_memory = [None]  # type: list[Any] # the limit set by ``--memory`` (bytes), or None


#: The worker's own pid (set by :func:`main`): a process with another one is a child a
#: snippet forked, and must never reach the protocol.
_process = {"pid": None, "subreaper": False}  # type: dict[str, Any]


#: Seconds a thread a snippet started has to end after the snippet, before it counts as
#: left behind (a thread that finishes its short job while the snippet returns is fine).
THREAD_GRACE = 1.0


#: The interval timers a snippet can leave pending, and how they are named in its error.
_TIMERS = (
    ("ITIMER_REAL", "an alarm (signal.alarm or signal.setitimer)"),
    ("ITIMER_VIRTUAL", "a virtual interval timer (signal.setitimer)"),
    ("ITIMER_PROF", "a profiling interval timer (signal.setitimer)"),
)


#: The file names of the generated code run around a snippet, as tracebacks show them.
GENERATED = {"setup": "<apidiff-setup>", "finish": "<apidiff-finish>"}


PART_NAMES = {
    "<apidiff-setup>": "code run before the snippet",
    "<apidiff-finish>": "gradient code run after the snippet",
}


def _np():
    import numpy

    return numpy


def reply_limit(max_result):
    """The most bytes a reply may take on the wire when the arrays of one run may hold
    ``max_result`` bytes: base64 makes 4 bytes of 3, plus :data:`REPLY_MARGIN`. The worker
    keeps its replies within it; the parent refuses a longer frame unread."""
    return max_result * 4 // 3 + REPLY_MARGIN


def _bytes(size):
    return "{:,} bytes".format(size)


def _short_repr(value):
    text = _MODULE_FILE.sub(r"\1>", _ADDRESS.sub("", repr(value)))
    return text if len(text) < 300 else text[:297] + "..."


def memory_note(exc):
    """Under a memory limit, what to say after an error that an allocation failed (the
    exception, or one it comes from: then its line that says so); else nothing."""
    limit = _memory[0]
    cause = ""
    for _ in range(5):
        if exc is None or limit is None:
            break
        if isinstance(exc, MemoryError) or OUT_OF_MEMORY.search(str(exc)):
            return cause + " " + memory_text(limit)
        exc = exc.__cause__ or exc.__context__
        lines = [line for line in str(exc).splitlines() if OUT_OF_MEMORY.search(line)]
        cause = " (caused by: %s)" % lines[0].strip() if lines else ""
    return ""


def memory_text(limit):
    """The note on a worker's memory limit of ``limit`` bytes."""
    return (
        "(the worker's memory is limited to %s by apidiff_worker_memory: use smaller "
        "tensors, or raise the limit)" % _bytes(limit)
    )


def set_memory_limit(limit):
    """Limit the process's data (heap and private mappings: RLIMIT_DATA) to ``limit`` bytes.
    Not the address space (RLIMIT_AS): the libraries and thread stacks that MegEngine maps
    at import exceed 2 GB of it and its thread pool cannot start."""
    import resource

    _, hard = resource.getrlimit(resource.RLIMIT_DATA)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    _memory[0] = limit


def worker_error(exc):
    """The reply to a request that failed in the worker's own code."""
    error = "worker error: %s: %s%s" % (type(exc).__name__, exc, memory_note(exc))
    return {"ok": False, "error": error, "frames": []}


def error_text(exc):
    """An exception as its last traceback line, without a native backtrace."""
    message = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return _BACKTRACE.sub("", message)


def _clip(text):
    if len(text) <= MAX_OUTPUT:
        return text
    return text[:MAX_OUTPUT] + "\n... (output clipped at %d characters)" % MAX_OUTPUT
