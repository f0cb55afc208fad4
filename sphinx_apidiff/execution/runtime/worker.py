"""The worker: runs in a framework's own interpreter, started as a script.

It needs only the standard library, numpy and the framework, and runs on
Python 3.8 or later (MegEngine 1.13 lives on Python <= 3.10 with numpy < 2).

Protocol: the parent writes requests to our stdin and reads replies from the
file descriptor that was our stdout at start; each message is a 4-byte
big-endian length followed by UTF-8 JSON. Arrays travel as base64 ``.npy``
bytes, which numpy 1.x and 2.x both read (pickles do not). Everything else
that writes to fd 1 (C libraries, stray prints) is sent to stderr, so nothing
can corrupt the protocol; the parent never shows stderr on a page.
"""

import base64
import contextlib
import gc
import importlib
import inspect
import io
import json
import os
import random
import re
import signal
import struct
import sys
import threading
import time
import traceback
import warnings
from typing import Any  # noqa: F401 - for the type comments (Python 3.8 syntax)

PROTOCOL = 1

#: Attribute of the framework's top-level module that makes a tensor from a
#: numpy array, by framework; others are probed in FACTORY_CANDIDATES order.
TENSOR_FACTORIES = {
    "torch": "tensor",
    "megengine": "Tensor",
    "paddle": "to_tensor",
    "mindspore": "Tensor",
    "jax": "numpy.asarray",
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


def encode_array(array):
    """An array as base64 ``.npy`` bytes, the form in which arrays travel to the parent."""
    buffer = io.BytesIO()
    _np().save(buffer, array, allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def decode_array(text):
    """The array of base64 ``.npy`` bytes from the parent (an example's input)."""
    return _np().load(io.BytesIO(base64.b64decode(text)), allow_pickle=False)


def _get_dotted(root, dotted):
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def tensor_factory(framework):
    """The name and the function that make the framework's tensor from a numpy array."""
    module = _modules[framework]
    names = [TENSOR_FACTORIES[framework]] if framework in TENSOR_FACTORIES else []
    for name in names + list(FACTORY_CANDIDATES):
        try:
            factory = _get_dotted(module, name)
        except AttributeError:
            continue
        if callable(factory):
            return name, factory
    raise RuntimeError("no tensor factory found in %s" % framework)


def to_numpy(value):
    """A framework tensor (or number, or array) as a numpy array, or None."""
    np = _np()
    if isinstance(value, np.ndarray):
        return value
    if isinstance(value, (bool, int, float, complex, np.generic)):
        return np.asarray(value)
    module = type(value).__module__ or ""
    if module.startswith("torch"):
        tensor = value.detach().cpu()
        if str(tensor.dtype) == "torch.bfloat16":
            tensor = tensor.float()
        return tensor.numpy()
    numpy_method = getattr(value, "numpy", None)
    if callable(numpy_method):
        return np.asarray(numpy_method())
    if hasattr(value, "__array__"):
        return np.asarray(value)
    return None


def reply_limit(max_result):
    """The most bytes a reply may take on the wire when the arrays of one run may hold
    ``max_result`` bytes: base64 makes 4 bytes of 3, plus :data:`REPLY_MARGIN`. The worker
    keeps its replies within it; the parent refuses a longer frame unread."""
    return max_result * 4 // 3 + REPLY_MARGIN


class ResultTooLarge(Exception):
    """The compared values of a run hold more than the build allows."""


def _bytes(size):
    return "{:,} bytes".format(size)


class Budget:
    """What the compared values of one run may weigh: ``max_result`` bytes of array data,
    and :func:`reply_limit` bytes once encoded (many small values); None: unbounded."""

    ADVICE = (
        "more than the %s that apidiff_max_result_bytes allows for one example's results. "
        "Compare a smaller tensor, or a reduction of it (a sum, a mean, a slice)"
    )

    def __init__(self, max_result):
        self.max_result = max_result
        self.data = 0
        self.wire = 0

    def take(self, name, value, array):
        """Count ``array`` (the variable ``name``) before it is encoded."""
        if self.max_result is None:
            return
        self.data += array.nbytes
        if self.data <= self.max_result:
            return
        what = "a %s tensor of shape %s, %s" % (
            framework_dtype(value) or array.dtype,
            tuple(array.shape),
            _bytes(array.nbytes),
        )
        if array.nbytes > self.max_result:
            text = "the result %s is %s: " % (name, what)
        else:
            text = "the results up to %s (%s) hold %s: " % (name, what, _bytes(self.data))
        raise ResultTooLarge(text + self.ADVICE % _bytes(self.max_result))

    def encoded(self, name, size):
        """Count ``size`` bytes of the encoded reply."""
        if self.max_result is None:
            return
        self.wire += size
        if self.wire > reply_limit(self.max_result):
            raise ResultTooLarge(
                "the results up to %s take more than %s once encoded (many small values), "
                "the most that apidiff_max_result_bytes (%s) allows for one example's "
                "results. Compare fewer values, or a reduction of them (a sum, a mean)"
                % (name, _bytes(reply_limit(self.max_result)), _bytes(self.max_result))
            )


def encode_value(value, depth=0, name="value", budget=None):
    """A snippet's variable as JSON for the parent: an array, a sequence of values, None,
    or the repr of what is no array. ``budget`` bounds what it weighs (:class:`Budget`)."""
    budget = budget or Budget(None)
    budget.encoded(name, 16)  # the JSON around each value (a list of a million Nones)
    if value is None:
        return {"t": "none"}
    if isinstance(value, (tuple, list)) and depth < 4:
        items = [
            encode_value(v, depth + 1, "%s[%d]" % (name, i), budget) for i, v in enumerate(value)
        ]
        return {"t": "seq", "items": items}
    try:
        array = to_numpy(value)
    except Exception as exc:  # a value that cannot become an array
        return {"t": "other", "repr": "%s (not convertible: %s)" % (_short_repr(value), exc)}
    if array is None or array.dtype.hasobject:
        text = _short_repr(value)
        budget.encoded(name, len(text))
        return {"t": "other", "repr": text}
    budget.take(name, value, array)
    encoded = {"t": "array", "npy": encode_array(array)}
    budget.encoded(name, len(encoded["npy"]))
    own = framework_dtype(value)
    if own is not None and own != str(array.dtype):
        encoded["dtype"] = own  # numpy has no such dtype (bfloat16): its values travel as float32
    return encoded


def framework_dtype(value):
    """The name of a tensor's dtype in its framework, numpy's spelling, or None."""
    dtype = getattr(value, "dtype", None)
    if dtype is None:
        return None
    return str(dtype).replace("torch.", "")


def make_input(framework, factory, array, cast):
    """An input as the snippet gets it: the framework's tensor of ``array``, cast to
    ``cast`` (a dtype numpy lacks, bfloat16) when given."""
    if not cast:
        return factory(array)
    if framework == "torch":
        return factory(array).to(getattr(_modules[framework], cast))
    return factory(array, dtype=cast)


def _short_repr(value):
    text = _MODULE_FILE.sub(r"\1>", _ADDRESS.sub("", repr(value)))
    return text if len(text) < 300 else text[:297] + "..."


def reset_random_state(framework):
    """Every snippet starts from the same global random state."""
    random.seed(0)
    _np().random.seed(0)
    module = _modules.get(framework)
    if framework == "torch":
        module.manual_seed(0)
    elif framework == "megengine":
        module.random.seed(0)
        # Synchronous dispatch: with MegEngine's default asynchronous queue on the CPU,
        # back-to-back advanced-indexing calls have been seen to return wrong values.
        if hasattr(module, "config") and hasattr(module.config, "async_level"):
            module.config.async_level = 0
    elif framework == "paddle":
        module.seed(0)


def _framework_settings(framework):
    """Process-wide settings of the framework that a snippet can change: (getter, setter)."""
    module = _modules.get(framework)
    settings = []
    if framework == "torch":
        pairs = [
            ("get_default_dtype", "set_default_dtype"),
            ("is_grad_enabled", "set_grad_enabled"),
            ("are_deterministic_algorithms_enabled", "use_deterministic_algorithms"),
            ("get_num_threads", "set_num_threads"),
            ("get_default_device", "set_default_device"),
            ("is_anomaly_enabled", "set_anomaly_enabled"),
            ("get_float32_matmul_precision", "set_float32_matmul_precision"),
        ]
        for getter, setter in pairs:
            if hasattr(module, getter) and hasattr(module, setter):
                settings.append((getattr(module, getter), getattr(module, setter)))
        backends = getattr(module, "backends", None)
        flags = [("mkldnn", "enabled"), ("cudnn", "enabled"), ("cudnn", "deterministic")]
        flags += [("cudnn", "benchmark"), ("opt_einsum", "enabled")]
        for backend, flag in flags:
            owner = getattr(backends, backend, None)
            if owner is not None and hasattr(owner, flag):
                settings.append(
                    (
                        lambda owner=owner, flag=flag: getattr(owner, flag),
                        lambda value, owner=owner, flag=flag: setattr(owner, flag, value),
                    )
                )
        if hasattr(module, "set_flush_denormal"):
            # no getter: a denormal float32 that survives a multiplication says it is off
            def flushing():
                tiny = module.full((1,), 1e-39, dtype=module.float32, device="cpu")
                return bool((tiny * 1.0).item() == 0.0)

            settings.append((flushing, module.set_flush_denormal))
        opts = getattr(getattr(module, "_tensor_str", None), "PRINT_OPTS", None)
        if opts is not None:
            settings.append((lambda: dict(vars(opts)), lambda saved: vars(opts).update(saved)))
    elif framework == "megengine":
        config = getattr(module, "config", None)
        for name in ("benchmark_kernel", "deterministic_kernel", "disable_memory_forwarding"):
            if config is not None and hasattr(config, name):
                settings.append(
                    (
                        lambda name=name: getattr(config, name),
                        lambda value, name=name: setattr(config, name, value),
                    )
                )
    return settings


def warm_up(framework):
    """One small operation of the framework, so that what it starts on first use (threads,
    pools) is part of the baseline and never taken for a snippet's doing."""
    try:
        _, factory = tensor_factory(framework)
        to_numpy(factory(_np().ones((2, 2), dtype="float32")) * 2)
    except Exception:
        pass


def snapshot_state(framework):
    """Remember the process's state just after the framework's import and a first
    operation: what every run starts from, in this build and in any later build served
    by a warm worker."""
    np = _np()
    module = _modules[framework]
    settings = _framework_settings(framework)
    _baselines[framework] = {
        "module": dict(vars(module)),
        "numpy": dict(vars(np)),
        "settings": _read_settings(settings),
        "printoptions": np.get_printoptions(),
        "errstate": np.geterr(),
        "errcall": np.geterrcall(),
        "path": list(sys.path),
        "environ": dict(os.environ),
        "cwd": _cwd(),
        "warnings": list(warnings.filters),
        "recursionlimit": sys.getrecursionlimit(),
        "switchinterval": sys.getswitchinterval(),
        "trace": sys.gettrace(),
        "profile": sys.getprofile(),
        "gc": (gc.isenabled(), gc.get_threshold()),
        "signals": _signal_handlers(),
        "sigmask": _sigmask(),
        "children": set(_children()),
    }


def _read_settings(settings):
    """The settings as (getter, value, setter); one whose getter fails is left out."""
    saved = []
    for getter, setter in settings:
        try:
            saved.append((getter, getter(), setter))
        except Exception:
            continue
    return saved


def _signal_handlers():
    """The Python-level handler of every signal that has one."""
    handlers = {}
    for signum in signal.valid_signals():
        try:
            handlers[signum] = signal.getsignal(signum)
        except (OSError, ValueError):
            continue
    return handlers


def _sigmask():
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, [])


def _restore_dict(module, saved, prefix):
    current = vars(module)
    for name in list(current):
        if name in saved:
            continue
        value = current[name]
        # a submodule imported by a snippet stays: ``import torch.fx`` binds it here and
        # the import system will not bind it again while it is in sys.modules
        if inspect.ismodule(value) and sys.modules.get(prefix + name) is value:
            continue
        del current[name]
    for name, value in saved.items():
        if current.get(name, saved) is not value:
            current[name] = value


def restore_state(framework):
    """Undo what a snippet did to the process (see :func:`snapshot_state`): names set on the
    framework's module or numpy's, the framework's global settings, numpy's print options
    and floating-point error handling, the interpreter's recursion limit, switch interval,
    trace and profile hooks and garbage collector, sys.path, the environment, the working
    directory and the warning filters. (Signal handlers and the signal mask:
    :func:`leftovers`.)"""
    base = _baselines.get(framework)
    if base is None:
        return
    np = _np()
    _restore_dict(_modules[framework], base["module"], framework + ".")
    _restore_dict(np, base["numpy"], "numpy.")
    for getter, value, setter in base["settings"]:
        try:
            if getter() != value:
                setter(value)
        except Exception:
            pass
    np.set_printoptions(**base["printoptions"])
    np.seterr(**base["errstate"])
    np.seterrcall(base["errcall"])
    sys.setrecursionlimit(base["recursionlimit"])
    sys.setswitchinterval(base["switchinterval"])
    if sys.gettrace() is not base["trace"]:
        sys.settrace(base["trace"])
    if sys.getprofile() is not base["profile"]:
        sys.setprofile(base["profile"])
    enabled, threshold = base["gc"]
    (gc.enable if enabled else gc.disable)()
    gc.set_threshold(*threshold)
    sys.path[:] = base["path"]
    if os.environ != base["environ"]:
        os.environ.clear()
        os.environ.update(base["environ"])
    if base["cwd"] is not None and _cwd() != base["cwd"]:
        os.chdir(base["cwd"])
    warnings.filters[:] = base["warnings"]
    mutated = getattr(warnings, "_filters_mutated", None)
    if mutated is not None:
        mutated()


def _live_threads():
    """The idents of the threads started from Python that are alive in this process, and
    of the other threads that run Python code at this moment. A framework's native thread
    that once called back into Python stays in ``threading`` as a dummy thread that never
    ends: it counts only while it runs Python code."""
    idents = set(sys._current_frames())
    dummy = getattr(threading, "_DummyThread", ())
    idents.update(
        t.ident for t in threading.enumerate() if t.is_alive() and not isinstance(t, dummy)
    )
    idents.discard(None)
    return idents


def _thread_label(ident):
    """A thread as its error names it: its target function, or its name, without the
    process-wide counter in ``Thread-3`` (it would differ from worker to worker)."""
    thread = threading._active.get(ident)  # type: ignore[attr-defined]
    if thread is None:
        return "a thread started with _thread"
    if isinstance(thread, getattr(threading, "_DummyThread", ())):
        return "a thread started outside Python"
    target = getattr(thread, "_target", None)
    if target is not None:
        return "%s()" % getattr(target, "__qualname__", getattr(target, "__name__", "?"))
    name = re.sub(r"^(Thread|Dummy)-\d+ ?", "", thread.name).strip("() ")
    return name or type(thread).__name__


def _become_subreaper():
    """Have the orphans of the processes a snippet starts (a grandchild left by a child
    that exited) become this worker's children (Linux), so that the list of its children
    shows them too; whether that worked."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # CHILD_SUBREAPER
    except Exception:
        return False


def _children():
    """The processes this worker started and has not reaped, and its other descendants,
    as pids: from the kernel's list of our children when we reap orphans (see
    :func:`_become_subreaper`), else from ``/proc`` (our children, and what is alive in
    our session); empty where ``/proc`` is missing."""
    if _process.get("subreaper"):
        try:
            pids = []
            for task in os.listdir("/proc/self/task"):
                with open("/proc/self/task/%s/children" % task) as handle:
                    pids.extend(int(pid) for pid in handle.read().split())
            return pids
        except (OSError, ValueError):
            pass
    me = os.getpid()
    session = os.getsid(0) == me  # only a session of our own is ours to look through
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, ppid, sid = fields[0], int(fields[1]), int(fields[3])
        if ppid == me or (session and sid == me and state != b"Z"):
            found.append(int(entry))
    return found


def _end_children(pids):
    """Kill the processes ``pids`` and reap those that are ours."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not ours (a grandchild): init reaps it
                break
            if done:
                break
            time.sleep(0.01)


def _exit_if_forked():
    """In a child that a snippet forked and that came back here: end it at once, so that it
    never writes to the protocol (its reply would answer a later request)."""
    if _process["pid"] is not None and os.getpid() != _process["pid"]:
        os._exit(0)


def leftovers(framework, threads_before):
    """What a run left behind that cannot be undone (threads still running, child
    processes, pending timers, signal handlers that cannot be put back), as phrases for
    its error; the timers are cancelled and the children killed. Signal handlers and the
    signal mask that can be put back are, silently."""
    base = _baselines.get(framework)
    if base is None:
        return []
    found = []
    for name, label in _TIMERS:
        which = getattr(signal, name, None)
        if which is not None and signal.getitimer(which) != (0.0, 0.0):
            signal.setitimer(which, 0)
            found.append(("timer", label))
    deadline = time.monotonic() + THREAD_GRACE
    new = _live_threads() - threads_before
    while new and time.monotonic() < deadline:
        time.sleep(0.01)
        new &= _live_threads()
    if new:
        labels = sorted(_thread_label(ident) for ident in new)
        what = "a thread" if len(labels) == 1 else "%d threads" % len(labels)
        found.append(("thread", "%s still running (%s)" % (what, ", ".join(labels))))
    children = [pid for pid in _children() if pid not in base["children"]]
    if children:
        _end_children(children)
        what = "a child process" if len(children) == 1 else "%d child processes" % len(children)
        found.append(("child", "%s not waited for (killed)" % what))
    for signum, handler in base["signals"].items():
        try:
            if signal.getsignal(signum) is handler:
                continue
            if handler is None:  # set outside Python: nothing to put back
                raise ValueError
            signal.signal(signum, handler)
        except (OSError, ValueError, TypeError):
            found.append(("signal", "a handler of %s that cannot be put back" % _signame(signum)))
    if base["sigmask"] is not None and _sigmask() != base["sigmask"]:
        signal.pthread_sigmask(signal.SIG_SETMASK, base["sigmask"])
    return found


def _signame(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "signal %d" % signum


#: How to fix a snippet that left one kind of thing behind.
_FIXES = {
    "timer": "cancel its alarms and timers before it ends (signal.alarm(0))",
    "thread": "join every thread it starts (Thread.join) before it ends",
    "child": "wait for every process it starts (subprocess.run, Popen.wait, os.waitpid), "
    "and end a forked child with os._exit",
    "signal": "put back the signal handlers it changes",
}


def left_behind_error(found):
    """The error of a run that left ``found`` (see :func:`leftovers`) behind."""
    kinds = []
    for kind, _ in found:
        if kind not in kinds:
            kinds.append(kind)
    return (
        "the snippet left behind %s; the worker that ran it was replaced, so that no later "
        "example runs in a changed process. To fix the snippet: %s."
        % ("; ".join(label for _, label in found), "; ".join(_FIXES[k] for k in kinds))
    )


def _cwd():
    try:
        return os.getcwd()
    except OSError:  # removed under us
        return None


def op_hello(request):
    """``hello``: who this worker is (Python, numpy, process, protocol), to see that it answers."""
    np = _np()
    return {
        "ok": True,
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "pid": os.getpid(),
        "executable": sys.executable,
        "protocol": PROTOCOL,
    }


def op_import(request):
    """``import``: import the framework (once); its version and the name of its tensor factory."""
    framework = request["framework"]
    if framework not in _modules:
        try:
            _modules[framework] = importlib.import_module(framework)
        except BaseException as exc:
            error = "%s: %s%s" % (type(exc).__name__, exc, memory_note(exc))
            return {"ok": False, "error": error}
        reset_random_state(framework)
        warm_up(framework)
        snapshot_state(framework)
    module = _modules[framework]
    try:
        factory, _ = tensor_factory(framework)
    except RuntimeError:
        factory = None
    return {
        "ok": True,
        "version": str(getattr(module, "__version__", "unknown")),
        "factory": factory,
    }


def _lookup(api):
    parts = api.split(".")
    last_error = None
    for i in range(len(parts), 0, -1):
        modname = ".".join(parts[:i])
        try:
            obj = importlib.import_module(modname)
        except ModuleNotFoundError as exc:
            last_error = exc
            continue
        parent = obj
        for j, part in enumerate(parts[i:]):
            if not hasattr(obj, part):
                where = ".".join(parts[: i + j])
                candidates = [n for n in dir(obj) if not n.startswith("_")]
                return None, "%s has no attribute %r" % (where, part), candidates, where
            parent = obj
            obj = getattr(obj, part)
        del parent
        return obj, None, [], None
    return None, "cannot import %s (%s)" % (api, last_error), [], None


def op_signature(request):
    """``signature``: the kind of ``api``, its parameters from ``inspect`` and the head of its
    docstring; or why it cannot be found, with the names that could be meant."""
    api = request["api"]
    obj, error, candidates, parent = _lookup(api)
    if error:
        return {"ok": False, "error": error, "candidates": candidates, "parent": parent}
    kind = "class" if inspect.isclass(obj) else ("function" if callable(obj) else "object")
    params = None
    try:
        signature = inspect.signature(obj)
    except (ValueError, TypeError):
        signature = None
    if signature is not None:
        params = []
        for p in signature.parameters.values():
            default = None
            if p.default is not inspect.Parameter.empty:
                default = _MODULE_FILE.sub(r"\1>", _ADDRESS.sub("", repr(p.default)))
            params.append({"name": p.name, "kind": p.kind.name.lower(), "default": default})
    doc = obj.__doc__ if isinstance(getattr(obj, "__doc__", None), str) else ""
    # the signature lines of a builtin (several, for overloads) open its docstring
    head = "\n".join(doc.strip().splitlines()[:200])
    return {"ok": True, "kind": kind, "params": params, "doc": head}


def _format_frames(frames, code_lines):
    out = []
    for lineno, name in frames:
        text = code_lines[lineno - 1].strip() if 0 < lineno <= len(code_lines) else ""
        out.append([lineno, name, text])
    return out


def op_run(request):
    """``run``: run one snippet on its inputs; the compared variables, or the error with
    its frames in the snippet. The process is as it was before, afterwards; or, when the
    snippet left behind what cannot be undone, the run is an error saying what, and the
    reply asks for the worker to be discarded (``discard``)."""
    framework = request["framework"]
    op_import({"framework": framework})  # its own threads start before the run, not in it
    threads_before = _live_threads()
    try:
        reply = _run(request)
    except Exception as exc:  # a failure of ours: the worker still checks what was left
        reply = worker_error(exc)
    finally:
        _exit_if_forked()
        found = leftovers(framework, threads_before)
        restore_state(framework)
    if not found:
        return reply
    return {
        "discard": True,
        "ok": False,
        "error": left_behind_error(found),
        "frames": [],
        "stdout": reply.get("stdout", ""),
        "elapsed": reply.get("elapsed", 0.0),
    }


def _run(request):
    framework = request["framework"]
    result = op_import({"framework": framework})
    if not result["ok"]:
        return {"ok": False, "error": result["error"], "frames": [], "stdout": ""}
    module = _modules[framework]
    np = _np()
    code = request["code"]
    code_lines = code.splitlines()
    marker = "<apidiff-snippet>"
    _, factory = tensor_factory(framework)
    namespace = {"__name__": "__main__", "np": np, framework.split(".")[0]: module}
    for name, item in request.get("inputs", {}).items():
        array = decode_array(item["npy"])
        if item.get("as") == "numpy":
            namespace[name] = array
            continue
        try:
            namespace[name] = make_input(framework, factory, array, item.get("cast"))
        except Exception as exc:
            error = "cannot make input %r of dtype %s: %s" % (
                name,
                item.get("cast") or array.dtype,
                error_text(exc),
            )
            return {"ok": False, "error": error, "frames": [], "stdout": "", "elapsed": 0.0}
    stdout = io.StringIO()
    started = time.perf_counter()
    try:
        compiled = compile(code, marker, "exec")
    except SyntaxError as exc:
        frames = [[exc.lineno or 0, "<module>", (exc.text or "").strip()]]
        return {
            "ok": False,
            "error": "SyntaxError: %s" % exc.msg,
            "frames": frames,
            "stdout": "",
            "elapsed": 0.0,
        }
    # generated code around the snippet (modules, gradients): its errors name the part
    parts = [(GENERATED[key], request[key]) for key in ("setup", "finish") if request.get(key)]
    generated = {}
    for part, text in parts:
        generated[part] = (compile(text, part, "exec"), text.splitlines())
    reset_random_state(framework)
    try:
        try:
            with contextlib.redirect_stdout(stdout):
                if GENERATED["setup"] in generated:
                    exec(generated[GENERATED["setup"]][0], namespace)
                    reset_random_state(framework)  # the snippet's randomness as without setup
                exec(compiled, namespace)
                if GENERATED["finish"] in generated:
                    exec(generated[GENERATED["finish"]][0], namespace)
        finally:
            _exit_if_forked()
    except BaseException as exc:
        elapsed = time.perf_counter() - started
        tb = traceback.extract_tb(exc.__traceback__)
        frames = [(f.lineno, f.name) for f in tb if f.filename == marker]
        message = error_text(exc) + memory_note(exc)
        outside = [f for f in tb if f.filename in generated]
        if outside and not frames:
            lines = generated[outside[-1].filename][1]
            lineno = outside[-1].lineno or 0
            text = lines[lineno - 1].strip() if 0 < lineno <= len(lines) else ""
            message = "%s\n(in the %s: %s)" % (message, PART_NAMES[outside[-1].filename], text)
        return {
            "ok": False,
            "error": message,
            "frames": _format_frames(frames, code_lines),
            "stdout": _clip(stdout.getvalue()),
            "elapsed": elapsed,
        }
    elapsed = time.perf_counter() - started
    values = {}
    missing = []
    grads = {}
    collected = request.get("collect")
    budget = Budget(request.get("max_result"))
    try:
        for name in request.get("compare", []):
            if name not in namespace:
                missing.append(name)
                continue
            values[name] = encode_value(namespace[name], name=name, budget=budget)
        if collected:
            for label, value in (namespace.get(collected) or {}).items():
                grads[label] = encode_value(value, name="the gradient " + label, budget=budget)
    except ResultTooLarge as exc:
        return {
            "ok": False,
            "frames": [],
            "stdout": _clip(stdout.getvalue()),
            "elapsed": elapsed,
            "error": str(exc),
        }
    if missing:
        return {
            "ok": False,
            "frames": [],
            "stdout": _clip(stdout.getvalue()),
            "elapsed": elapsed,
            "error": "NameError: the snippet defines no %s to compare"
            % ", ".join(repr(n) for n in missing),
        }
    reply = {"ok": True, "stdout": _clip(stdout.getvalue()), "values": values, "elapsed": elapsed}
    if collected:
        reply["grads"] = grads
    return reply


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


OPS = {"hello": op_hello, "import": op_import, "signature": op_signature, "run": op_run}


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


if __name__ == "__main__":
    main()
