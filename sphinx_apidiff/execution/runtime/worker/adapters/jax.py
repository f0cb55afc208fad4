"""JAX in the worker (see the package's docstring for what each name does).

JAX has no global random state (its random functions take a key) and computes in
float32 unless ``jax_enable_x64`` is set: a float64 input becomes float32, as a reader
who pastes the runnable code sees too.
"""

import re

import jax
import jax.numpy as jnp

FACTORY = "numpy.asarray"

#: JAX's note after an error whose traceback it filtered.
_FILTERED = re.compile(r"\n-{10,}\nFor simplicity, JAX has removed its internal frames.*\Z", re.S)

#: Options of ``jax.config`` a snippet can change that change what JAX computes.
_OPTIONS = (
    "jax_enable_x64",
    "jax_default_matmul_precision",
    "jax_numpy_rank_promotion",
    "jax_numpy_dtype_promotion",
    "jax_disable_jit",
    "jax_debug_nans",
    "jax_debug_infs",
    "jax_default_prng_impl",
)


def to_tensor(array, cast):
    # ``jax.device_put``, not ``jnp.asarray``: the array the page's ``jnp.asarray`` makes
    # (dtype, weak type, placement, bits; a bfloat16 cast rounds on the host as XLA does),
    # without the program ``jnp.asarray`` compiles for each new shape and dtype (a fifth
    # of a first four-way build's compilations)
    if cast:
        array = array.astype(getattr(jnp, cast))
    return jax.device_put(array)


def settings():
    found = []
    for name in _OPTIONS:
        if hasattr(jax.config, name):
            found.append(
                (
                    lambda name=name: getattr(jax.config, name),
                    lambda value, name=name: jax.config.update(name, value),
                )
            )
    return found


def error_text(text):
    return _FILTERED.sub("", text).strip()
