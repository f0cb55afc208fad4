"""A framework's adapter in the worker: its own module's functions (``adapters/``), loaded
by file path, and the generic behaviour for what it leaves out or for a framework
without one.

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import importlib.util
import random

from .shared import FACTORY_CANDIDATES, TENSOR_FACTORIES, _adapters, _modules, _np


def _get_dotted(root, dotted):
    obj = root
    for part in dotted.split("."):
        obj = getattr(obj, part)
    return obj


def plain(array):
    """An array of numpy's own dtypes: one of a dtype numpy lacks (ml_dtypes' bfloat16,
    which JAX gives) as its values in float32."""
    if array.dtype.type.__module__.split(".")[0] == "numpy":
        return array
    try:
        return array.astype("float32")
    except (TypeError, ValueError):
        return array


class Adapter:
    """What the worker does with one framework: the adapter module's function where it
    has one (``own``), the generic way where it has none."""

    def __init__(self, framework, module, own=None):
        self.framework = framework
        self.module = module
        self.own = own
        self.prefix = framework.split(".")[0] + "."
        self.factory_name, self.factory = self._factory()

    def _hook(self, name):
        return getattr(self.own, name, None) if self.own is not None else None

    def _factory(self):
        """The name and the function that make a tensor of a numpy array, or (None, None)."""
        declared = getattr(self.own, "FACTORY", None) or TENSOR_FACTORIES.get(self.framework)
        for name in ([declared] if declared else []) + list(FACTORY_CANDIDATES):
            try:
                factory = _get_dotted(self.module, name)
            except AttributeError:
                continue
            if callable(factory):
                return name, factory
        return None, None

    def to_tensor(self, array, cast=None):
        """The tensor a snippet gets of ``array``, cast to ``cast`` (bfloat16) if given."""
        hook = self._hook("to_tensor")
        if hook is not None:
            return hook(array, cast)
        if self.factory is None:
            raise RuntimeError("no tensor factory found in %s" % self.framework)
        return self.factory(array, dtype=cast) if cast else self.factory(array)

    def to_numpy(self, value):
        """A value (a tensor, a number, an array) as a numpy array of numpy's own dtypes,
        or None."""
        np = _np()
        if isinstance(value, np.ndarray):
            return plain(value)
        if isinstance(value, (bool, int, float, complex, np.generic)):
            return plain(np.asarray(value))
        hook = self._hook("to_numpy")
        if hook is not None:
            array = hook(value)
            if array is not None:
                return plain(np.asarray(array))
        numpy_method = getattr(value, "numpy", None)
        if callable(numpy_method):
            return plain(np.asarray(numpy_method()))
        if hasattr(value, "__array__"):
            return plain(np.asarray(value))
        return None

    def dtype_name(self, value):
        """The name of a value's dtype, numpy's spelling (``float32``, not
        ``paddle.float32``), or None."""
        hook = self._hook("dtype_name")
        name = hook(value) if hook is not None else None
        if name is not None:
            return name
        dtype = getattr(value, "dtype", None)
        if dtype is None:
            return None
        name = str(dtype)
        return name[len(self.prefix) :] if name.startswith(self.prefix) else name

    def seed(self):
        """Every snippet starts from the same global random state."""
        random.seed(0)
        _np().random.seed(0)
        hook = self._hook("seed")
        if hook is not None:
            hook()

    def settings(self):
        """The framework's process-wide settings a snippet can change: (getter, setter)."""
        hook = self._hook("settings")
        return list(hook()) if hook is not None else []

    def warm_up(self):
        """One small operation, so that what the framework starts on first use (threads,
        pools) is part of the baseline and never taken for a snippet's doing."""
        hook = self._hook("warm_up")
        try:
            if hook is not None:
                hook()
            else:
                self.to_numpy(self.to_tensor(_np().ones((2, 2), dtype="float32")) * 2)
        except Exception:
            pass

    def error_text(self, text):
        """A snippet's error as the framework's adapter cleans it up."""
        hook = self._hook("error_text")
        if hook is None:
            return text
        try:
            return hook(text) or text
        except Exception:
            return text


#: The generic adapter of values that belong to no framework (numpy arrays, numbers).
GENERIC = Adapter("numpy", None)


def load_adapter(framework, path=None):
    """The adapter of an imported framework, its module loaded from ``path`` (once)."""
    if framework in _adapters:
        return _adapters[framework]
    own = None
    if path:
        name = "apidiff_worker.adapters._%s" % framework.replace(".", "_")
        spec = importlib.util.spec_from_file_location(name, path)
        if spec is None or spec.loader is None:
            raise ImportError("no Python module at %s" % path)
        own = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(own)
    adapter = Adapter(framework, _modules[framework], own)
    _adapters[framework] = adapter
    return adapter


def adapter_of(framework):
    """The loaded adapter of ``framework`` (the generic one before its import)."""
    return _adapters.get(framework) or GENERIC
