"""The process's state after the framework's import: remembered, and put back after
every run (module attributes, settings, numpy's options, sys, the environment, warnings).

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import gc
import inspect
import os
import random
import signal
import sys
import warnings

from .leftovers import _children, _sigmask
from .shared import _baselines, _modules, _np
from .values import tensor_factory, to_numpy


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


def _cwd():
    try:
        return os.getcwd()
    except OSError:  # removed under us
        return None
