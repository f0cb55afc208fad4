"""What a snippet receives and gives back: inputs drawn once, and values off the wire.

Every framework receives the same arrays, drawn in order from one seeded
generator (:func:`make_inputs`); :func:`prelude` is the code that rebuilds them,
shown on the page so that a reader can paste and run a snippet. The wire format
is the worker's own, one definition for both ends of the pipe.

No Sphinx imports here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sphinx_apidiff.execution.comparison import Opaque
from sphinx_apidiff.execution.runtime.worker.values import decode_array, encode_array
from sphinx_apidiff.model.example import InputSpec
from sphinx_apidiff.model.vocabulary import DEFAULT_HIGH, DEFAULT_LOW, FLOAT_DTYPES, INT_DTYPES


def _bounds(spec: InputSpec) -> tuple[int, int]:
    """An integer input's ``[low, high)``, the defaults filled in."""
    low = DEFAULT_LOW if spec.low is None else spec.low
    high = DEFAULT_HIGH if spec.high is None else spec.high
    return low, high


#: Dtypes numpy lacks: an input of one travels as float32, holding values the dtype can
#: represent, and each framework casts it (``cast`` in the run request).
CAST_DTYPES = ("bfloat16",)


def to_bfloat16_values(array: np.ndarray) -> np.ndarray:
    """float32 values rounded to the nearest bfloat16 (ties to even), still as float32: the
    cast to bfloat16 in any framework is then exact."""
    bits = np.ascontiguousarray(array, dtype=np.float32).view(np.uint32).astype(np.uint64)
    rounded = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return rounded.astype(np.uint32).view(np.float32).reshape(array.shape)


def make_inputs(inputs: list[InputSpec], seed: int) -> dict[str, np.ndarray]:
    """The arrays every framework receives, drawn in order from one seeded generator."""
    rng = np.random.default_rng(seed)
    arrays: dict[str, np.ndarray] = {}
    for spec in inputs:
        if spec.dtype in CAST_DTYPES:
            drawn = rng.standard_normal(tuple(spec.shape)).astype(np.float32)
            arrays[spec.name] = to_bfloat16_values(
                np.array(spec.value, dtype=np.float32) if spec.value is not None else drawn
            )
        elif spec.value is not None:
            arrays[spec.name] = np.array(spec.value, dtype=spec.dtype)
        elif spec.dtype in FLOAT_DTYPES:
            arrays[spec.name] = rng.standard_normal(tuple(spec.shape)).astype(spec.dtype)
        elif spec.dtype in INT_DTYPES:
            low, high = _bounds(spec)
            arrays[spec.name] = rng.integers(low, high, size=tuple(spec.shape)).astype(spec.dtype)
        else:  # bool
            arrays[spec.name] = rng.integers(0, 2, size=tuple(spec.shape)).astype(bool)
    return arrays


def prelude(inputs: list[InputSpec], seed: int, framework: str, factory: str | None) -> str:
    """Code that rebuilds the inputs exactly, so a reader can paste and run the snippet."""
    top = framework.split(".", maxsplit=1)[0]
    lines = ["import numpy as np", f"import {top}"]
    if any(spec.value is None for spec in inputs):
        lines.append(f"rng = np.random.default_rng({seed})")
    for spec in inputs:
        shape = tuple(spec.shape)
        if spec.value is not None:
            expr = f"np.array({spec.value!r}, dtype={spec.dtype!r})"
        elif spec.dtype in FLOAT_DTYPES:
            expr = f"rng.standard_normal({shape!r}).astype({spec.dtype!r})"
        elif spec.dtype in INT_DTYPES:
            low, high = _bounds(spec)
            expr = f"rng.integers({low}, {high}, size={shape!r}).astype({spec.dtype!r})"
        else:
            expr = f"rng.integers(0, 2, size={shape!r}).astype(bool)"
        if not spec.as_numpy:
            expr = f"{top}.{factory or 'tensor'}({expr})"
        lines.append(f"{spec.name} = {expr}")
    return "\n".join(lines)


def encode_inputs(inputs: list[InputSpec], seed: int) -> dict[str, dict[str, str]]:
    """The inputs as a run request carries them: ``.npy`` bytes, and tensor or numpy."""
    arrays = make_inputs(inputs, seed)
    encoded: dict[str, dict[str, str]] = {}
    for spec in inputs:
        item = {
            "npy": encode_array(arrays[spec.name]),
            "as": "numpy" if spec.as_numpy else "tensor",
        }
        if spec.dtype in CAST_DTYPES:
            item["cast"] = spec.dtype
        encoded[spec.name] = item
    return encoded


class FrameworkArray(np.ndarray):
    """An array a framework sent, whose dtype in that framework numpy lacks (bfloat16):
    its values as float32, and the framework's dtype name."""

    framework_dtype: str | None = None


def decode_value(encoded: dict[str, Any]) -> Any:
    """A value a worker sent: an array, a list of values, None, or an :class:`Opaque`."""
    kind = encoded.get("t")
    if kind == "array":
        array = decode_array(encoded["npy"])
        # a dtype name in the framework's namespace (``paddle.float32``) is numpy's name
        own = str(encoded.get("dtype") or "").rsplit(".", 1)[-1]
        if own and own != str(array.dtype):
            array = array.view(FrameworkArray)
            array.framework_dtype = own
        return array
    if kind == "seq":
        return [decode_value(item) for item in encoded["items"]]
    if kind == "none":
        return None
    return Opaque(encoded.get("repr", "?"))
