"""What makes an input of an example unusable beyond its types: names, shapes, ranges, values.

No Sphinx, no numpy.
"""

from __future__ import annotations

import math
from typing import Any

from sphinx_apidiff.model import schema
from sphinx_apidiff.model.loader import clip
from sphinx_apidiff.model.types import describe
from sphinx_apidiff.model.vocabulary import (
    DEFAULT_DTYPE,
    DEFAULT_HIGH,
    DEFAULT_LOW,
    FLOAT_MAX,
    INT_DTYPES,
    INT_RANGES,
    MAX_ELEMENTS,
)


def input_problem(name: str, spec: dict[str, Any], reserved: set[str]) -> str | None:
    """What is wrong with a validated input beyond its types, or None."""
    if name in reserved:
        return f"the name hides {name!r}, which the generated code uses; choose another"
    dtype = spec.get("dtype", DEFAULT_DTYPE)
    if "value" in spec:
        if any(k in spec for k in ("shape", "low", "high")):
            return "'value' excludes 'shape', 'low' and 'high'"
        return value_problem(spec["value"], dtype)
    if "shape" not in spec:
        return "needs 'shape' (generated data) or 'value' (literal data)"
    size = math.prod(spec["shape"])
    if size > MAX_ELEMENTS:
        return f"shape {spec['shape']} has {size} elements, at most {MAX_ELEMENTS} allowed"
    if ("low" in spec or "high" in spec) and dtype not in INT_DTYPES:
        return f"'low'/'high' apply to integer dtypes, not {dtype}"
    if dtype in INT_DTYPES:
        low, high = spec.get("low", DEFAULT_LOW), spec.get("high", DEFAULT_HIGH)
        if low >= high:
            return f"'low' ({low}) must be below 'high' ({high})"
        least, most = INT_RANGES[dtype]
        if low < least or high > most + 1:
            return f"'low' and 'high' must lie within {dtype} ({least} to {most + 1})"
    return None


def value_problem(value: Any, dtype: str) -> str | None:
    """Why ``value`` is not a number or a rectangular nested list of numbers of ``dtype``."""
    level, dims = [value], 0
    while level and all(isinstance(v, list) for v in level):
        if len({len(v) for v in level}) > 1:
            return f"'value': the lists at depth {dims + 1} have different lengths"
        dims += 1
        if dims > schema.MAX_DIMS:
            return f"'value' has more than {schema.MAX_DIMS} dimensions"
        level = [item for v in level for item in v]
        if len(level) > MAX_ELEMENTS:
            return f"'value' has more than {MAX_ELEMENTS} elements"
    for item in level:
        if isinstance(item, list):
            return f"'value': lists and numbers mixed at depth {dims + 1}"
        if not isinstance(item, int | float):
            return f"'value' holds numbers (or nested lists of them), not {describe(item)}"
        if dtype in INT_RANGES:
            least, most = INT_RANGES[dtype]
            if isinstance(item, float) and not math.isfinite(item):
                return f"'value': {item!r} is not an integer ({dtype})"
            if not least <= item <= most:
                return f"'value': {clip(item)} does not fit in {dtype}"
        elif dtype in FLOAT_MAX:
            # int and float compare exactly, without converting (10**400 is no float)
            finite = isinstance(item, int) or math.isfinite(item)
            if finite and abs(item) > FLOAT_MAX[dtype]:
                return f"'value': {clip(item)} does not fit in {dtype}"
    return None
