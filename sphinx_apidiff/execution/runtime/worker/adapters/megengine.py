"""MegEngine in the worker (see the package's docstring for what each name does)."""

import megengine

FACTORY = "Tensor"


def seed():
    megengine.random.seed(0)
    # Synchronous dispatch: with MegEngine's default asynchronous queue on the CPU,
    # back-to-back advanced-indexing calls have been seen to return wrong values.
    config = getattr(megengine, "config", None)
    if config is not None and hasattr(config, "async_level"):
        config.async_level = 0


def settings():
    config = getattr(megengine, "config", None)
    found = []
    # Whether operators convert Python numbers and numpy arrays to tensors: an optimizer's
    # step() turns it off while it runs and leaves it off when it raises, after which even
    # ``x * 2.0`` fails ("py_apply expects tensor as inputs") in every later snippet.
    try:
        from megengine.core.tensor import utils
    except ImportError:
        utils = None
    if utils is not None and hasattr(utils, "get_convert_inputs"):
        found.append((utils.get_convert_inputs, utils.set_convert_inputs))
    for name in ("benchmark_kernel", "deterministic_kernel", "disable_memory_forwarding"):
        if config is not None and hasattr(config, name):
            found.append(
                (
                    lambda name=name: getattr(config, name),
                    lambda value, name=name: setattr(config, name, value),
                )
            )
    return found
