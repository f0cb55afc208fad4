"""The process's state after the framework's import: remembered, and put back after
every run (module attributes, settings, numpy's options, sys, the environment, warnings).

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import gc
import inspect
import os
import signal
import sys
import warnings

from .adapter import adapter_of
from .leftovers import _children, _sigmask
from .shared import _baselines, _modules, _np


def reset_random_state(framework):
    """Every snippet starts from the same global random state (its adapter's seeding)."""
    adapter_of(framework).seed()


def warm_up(framework):
    """One small operation of the framework (see :meth:`.adapter.Adapter.warm_up`)."""
    adapter_of(framework).warm_up()


def snapshot_state(framework):
    """Remember the process's state just after the framework's import and a first
    operation: what every run starts from, in this build and in any later build served
    by a warm worker."""
    np = _np()
    module = _modules[framework]
    settings = adapter_of(framework).settings()
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
