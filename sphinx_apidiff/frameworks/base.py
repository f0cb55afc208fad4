"""A framework's adapter, the build's half: plain data, so that a third party writes one
as a constructor call (``docs/frameworks.rst``).

No Sphinx, numpy or framework imports here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

#: sphinx-apidiff's folder in the user's cache folder.
USER_CACHE = "sphinx-apidiff"


def user_cache_folder(environ: dict[str, str]) -> str:
    """sphinx-apidiff's folder in the user's cache folder: ``$XDG_CACHE_HOME/sphinx-apidiff``,
    else ``~/.cache/sphinx-apidiff`` (``environ`` is the build's environment)."""
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(os.path.abspath(base), USER_CACHE)


@dataclass(frozen=True, eq=False)
class Framework:
    """What the build needs to know of a framework.

    The code templates are Python text that the page shows in its runnable code, so they
    are written as a reader would write them; ``""`` means the framework cannot do it.
    Gradients come in one of two styles: autograd (``backward``: tensors record what is
    done to them, PyTorch, MegEngine, PaddlePaddle) or functional (``grad``: the snippet
    becomes a function of the inputs, JAX).
    """

    #: The module a snippet imports, and the framework's name in a pair's ``code:``.
    name: str
    #: The distribution whose version the cache keys and the page name (``paddlepaddle``).
    distribution: str = ""
    #: The attribute of the module that makes a tensor of a numpy array (``numpy.asarray``).
    factory: str = "tensor"
    #: The path of the worker's half (a Python 3.8+ module; see ``worker/adapters``).
    worker: str | None = None
    #: Environment variables the workers start with, unless the build's environment sets them.
    environ: dict[str, str] = field(default_factory=dict)
    #: Environment variables naming a folder in the build's result cache (the value is the
    #: folder's name there), unless the build's environment sets them: the framework's own
    #: cache of compiled code, kept and cleared with the results.
    cache_env: dict[str, str] = field(default_factory=dict)
    #: Environment variables naming a folder in sphinx-apidiff's folder of the user's cache
    #: (:func:`user_cache_folder`; the value is the folder's name there), unless the build's
    #: environment sets them: a cache of compiled code whose entries depend only on what
    #: they compile, shared by every build on the machine (a clean build, another clone).
    user_cache_env: dict[str, str] = field(default_factory=dict)
    #: Prefixes of environment variables that change what the framework computes: a warm
    #: worker serves only builds that agree on them.
    env_prefixes: tuple[str, ...] = ()

    # -- module weights (``weights: shared``) ------------------------------------------
    #: The numpy copy of a parameter ``p``.
    to_array: str = ""
    #: Code that loads the filled numpy copies ``weights`` into ``{module}``.
    load: str = ""

    # -- gradients, autograd style ------------------------------------------------------
    #: Code that makes the input ``{name}`` tracked, or "".
    requires_grad: str = ""
    #: Code that starts recording, given ``{tensors}`` to attach, or "".
    record: str = ""
    #: Code that back-propagates ``{of}``.
    backward: str = ""
    #: ... against the upstream gradient ``{upstream}``.
    backward_upstream: str = ""

    # -- gradients, functional style ------------------------------------------------------
    #: The gradients of the function ``{function}`` (scalar result) with respect to its
    #: arguments ``{argnums}``, called on ``{args}``: a tuple.
    grad: str = ""
    #: ``(result, pullback)`` of ``{function}`` at ``{args}``; ``pullback(upstream)`` is the
    #: tuple of gradients.
    vjp: str = ""

    @property
    def dist(self) -> str:
        """The distribution name, the module's when none is given."""
        return self.distribution or self.name.split(".", maxsplit=1)[0]

    @property
    def gradients(self) -> bool:
        """Can an example ask for this framework's gradients?"""
        return bool(self.backward or self.grad)

    @property
    def functional(self) -> bool:
        """Are gradients taken of the snippet made a function (JAX), not recorded?"""
        return bool(self.grad) and not self.backward

    @property
    def module_gradients(self) -> bool:
        """Can gradients be taken with respect to a declared module's parameters?"""
        return bool(self.backward)

    def worker_env(
        self, environ: dict[str, str], cache: str | os.PathLike[str] | None = None
    ) -> dict[str, str]:
        """The adapter's variables that ``environ`` (the build's environment) leaves unset;
        those of :attr:`cache_env` only for a build with a result cache (folder ``cache``)."""
        env = {key: value for key, value in self.environ.items() if key not in environ}
        if self.user_cache_env:
            user = user_cache_folder(environ)
            env.update(
                (key, os.path.join(user, folder))
                for key, folder in self.user_cache_env.items()
                if key not in environ
            )
        if cache is not None:
            env.update(
                (key, os.path.join(os.path.abspath(cache), folder))
                for key, folder in self.cache_env.items()
                if key not in environ
            )
        return env
