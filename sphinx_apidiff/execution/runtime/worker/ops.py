"""The requests a worker serves: ``hello``, ``import``, ``signature`` and ``run``.

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import contextlib
import importlib
import inspect
import io
import os
import sys
import time
import traceback

from .adapter import adapter_of, load_adapter
from .leftovers import _exit_if_forked, _live_threads, left_behind_error, leftovers
from .shared import (
    _ADDRESS,
    _MODULE_FILE,
    GENERATED,
    PART_NAMES,
    PROTOCOL,
    _baselines,
    _clip,
    _modules,
    _np,
    error_text,
    memory_note,
    worker_error,
)
from .state import reset_random_state, restore_state, snapshot_state, warm_up
from .values import Budget, ResultTooLarge, decode_array, encode_value


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
    """``import``: import the framework and load its adapter from the file ``adapter``
    names, if any (once); its version and the name of its tensor factory."""
    framework = request["framework"]
    if framework not in _modules:
        try:
            _modules[framework] = importlib.import_module(framework)
        except BaseException as exc:
            error = "%s: %s%s" % (type(exc).__name__, exc, memory_note(exc))
            return {"ok": False, "error": error}
    if framework not in _baselines:
        try:
            load_adapter(framework, request.get("adapter"))
        except BaseException as exc:
            error = "cannot load the adapter %s: %s: %s" % (
                request.get("adapter"),
                type(exc).__name__,
                exc,
            )
            return {"ok": False, "error": error}
        reset_random_state(framework)
        warm_up(framework)
        snapshot_state(framework)
    module = _modules[framework]
    return {
        "ok": True,
        "version": str(getattr(module, "__version__", "unknown")),
        "factory": adapter_of(framework).factory_name,
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
    # its own threads start before the run, not in it
    op_import({"framework": framework, "adapter": request.get("adapter")})
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
    result = op_import({"framework": framework, "adapter": request.get("adapter")})
    if not result["ok"]:
        return {"ok": False, "error": result["error"], "frames": [], "stdout": ""}
    module = _modules[framework]
    np = _np()
    code = request["code"]
    code_lines = code.splitlines()
    marker = "<apidiff-snippet>"
    adapter = adapter_of(framework)
    namespace = {"__name__": "__main__", "np": np, framework.split(".")[0]: module}
    for name, item in request.get("inputs", {}).items():
        array = decode_array(item["npy"])
        if item.get("as") == "numpy":
            namespace[name] = array
            continue
        try:
            namespace[name] = adapter.to_tensor(array, item.get("cast"))
        except Exception as exc:
            error = "cannot make input %r of dtype %s: %s" % (
                name,
                item.get("cast") or array.dtype,
                adapter.error_text(error_text(exc)),
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
        message = adapter.error_text(error_text(exc)) + memory_note(exc)
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
    budget = Budget(request.get("max_result"), adapter)
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


OPS = {"hello": op_hello, "import": op_import, "signature": op_signature, "run": op_run}
