"""The frameworks the package knows, one adapter each: the one place that knows a framework.

An adapter has two halves. This one (:class:`.base.Framework`) lives in the build's
interpreter: the framework's name, the distribution its version is read from, the
environment its workers start with, and the code written around a snippet to copy
module weights in and take gradients. The other half is a module the worker loads by
its file path (``Framework.worker``) in the framework's own interpreter: tensors to and
from numpy, dtype names, seeding, settings restored after a run, error clean-up (see
``execution/runtime/worker/adapters/``).

PyTorch, MegEngine, PaddlePaddle and JAX ship here; a third party adds one through the
entry point group :data:`GROUP` (``docs/frameworks.rst``). A framework without an
adapter still runs, with the worker's generic behaviour. Nothing here imports a
framework, Sphinx or numpy: the model's checks read it too.
"""

from __future__ import annotations

import functools
from importlib import metadata

from sphinx_apidiff.frameworks.base import Framework
from sphinx_apidiff.frameworks.builtin import BUILTIN

__all__ = ["GROUP", "Framework", "autodiff", "get", "problems", "refresh"]

#: The entry point group through which another package adds a framework's adapter.
GROUP = "sphinx_apidiff.frameworks"


@functools.cache
def _discovered() -> tuple[dict[str, Framework], tuple[str, ...]]:
    """The adapters installed packages declare in :data:`GROUP`, and what went wrong
    loading the others (a broken entry point never stops a build)."""
    found: dict[str, Framework] = {}
    trouble: list[str] = []
    for point in metadata.entry_points(group=GROUP):
        try:
            loaded = point.load()
            adapter = loaded() if isinstance(loaded, type) else loaded
        except Exception as exc:
            trouble.append(f"{GROUP} entry point {point.name!r} ({point.value}): {exc}")
            continue
        if not isinstance(adapter, Framework):
            trouble.append(
                f"{GROUP} entry point {point.name!r} ({point.value}) is no "
                f"sphinx_apidiff.frameworks.Framework but {type(adapter).__name__}"
            )
            continue
        if adapter.name in BUILTIN:
            trouble.append(
                f"{GROUP} entry point {point.name!r}: {adapter.name} ships with "
                "sphinx-apidiff, whose adapter is kept"
            )
            continue
        found.setdefault(adapter.name, adapter)
    return found, tuple(trouble)


def refresh() -> None:
    """Look for installed adapters again (after packages were installed in this process)."""
    _discovered.cache_clear()


def get(framework: str) -> Framework | None:
    """The adapter of ``framework`` (``jax`` for ``jax.numpy`` too), or None: the worker's
    generic behaviour, and no gradients or shared weights."""
    installed = _discovered()[0]
    for name in (framework, framework.split(".", maxsplit=1)[0]):
        adapter = BUILTIN.get(name) or installed.get(name)
        if adapter is not None:
            return adapter
    return None


def autodiff() -> tuple[str, ...]:
    """The frameworks whose gradients an example can ask for (``grad:``)."""
    adapters = [*BUILTIN.values(), *_discovered()[0].values()]
    return tuple(adapter.name for adapter in adapters if adapter.gradients)


def problems() -> tuple[str, ...]:
    """Why some declared adapters were not loaded."""
    return _discovered()[1]
