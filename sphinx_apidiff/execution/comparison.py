"""Outputs compared across frameworks: pure numpy.

The inputs and the wire format are the execution's (:mod:`sphinx_apidiff.execution.inputs`).

No Sphinx imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sphinx_apidiff.model.vocabulary import ResultKind

__all__ = ["Comparison", "Opaque", "compare_arrays", "compare_values"]


@dataclass(frozen=True)
class Opaque:
    """A value that is not an array (shown by its repr, compared by it)."""

    repr: str


@dataclass
class Comparison:
    """One compared value (a name, or ``name[i]`` inside a tuple)."""

    shapes: dict[str, list[int] | None] = field(default_factory=dict)
    dtypes: dict[str, str | None] = field(default_factory=dict)
    max_abs: float | None = 0.0
    max_rel: float | None = 0.0
    passed: bool = True
    note: str | None = None
    kind: ResultKind = ResultKind.VALUE  # a value of the snippet, or a gradient

    @property
    def dtype_equal(self) -> bool | None:
        """Every framework gave this array the same dtype (numpy's names, for all of them);
        None when a side is no array (the value's structure differs, not its dtype)."""
        if any(shape is None for shape in self.shapes.values()):
            return None
        return len(set(self.dtypes.values())) <= 1

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "shapes": self.shapes,
            "dtypes": self.dtypes,
            "max_abs": self.max_abs,
            "max_rel": self.max_rel,
            "passed": self.passed,
        }
        if self.note:
            data["note"] = self.note
        if self.kind is not ResultKind.VALUE:  # files of forward-only results stay as they were
            data["kind"] = self.kind
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Comparison:
        return cls(
            shapes=data["shapes"],
            dtypes=data["dtypes"],
            max_abs=data["max_abs"],
            max_rel=data["max_rel"],
            passed=data["passed"],
            note=data.get("note"),
            kind=ResultKind(data.get("kind", ResultKind.VALUE)),
        )


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"array of shape {list(value.shape)}"
    if isinstance(value, list):
        return f"sequence of {len(value)}"
    if value is None:
        return "None"
    return "object"


def _as_float(array: np.ndarray) -> np.ndarray:
    if array.dtype == bool:
        return array.astype(np.int8).astype(np.float64)
    if np.iscomplexobj(array):
        return array
    return array.astype(np.float64)


def compare_arrays(ref: np.ndarray, other: np.ndarray, atol: float, rtol: float) -> Comparison:
    """Elementwise ``|other - ref| <= atol + rtol * |ref|``; NaN/inf equal only in place."""
    result = Comparison()
    if ref.shape != other.shape:
        result.max_abs = result.max_rel = None
        result.passed = False
        result.note = f"shapes differ: {list(ref.shape)} vs {list(other.shape)}"
        return result
    a = _as_float(ref)
    b = _as_float(other)
    fin_a, fin_b = np.isfinite(a), np.isfinite(b)
    both = fin_a & fin_b
    nonfinite_same = (~fin_a & ~fin_b) & ((a == b) | (np.isnan(a) & np.isnan(b)))
    mismatched = ~(both | nonfinite_same)
    diff = np.abs(a[both] - b[both])
    scale = np.abs(a[both])
    result.max_abs = float(diff.max()) if diff.size else 0.0
    nonzero = scale > 0
    # Relative deviation where the reference is non-zero (elsewhere it is infinite
    # and atol alone decides the verdict).
    result.max_rel = float((diff[nonzero] / scale[nonzero]).max()) if nonzero.any() else 0.0
    within = bool(np.all(diff <= atol + rtol * scale))
    count = int(mismatched.sum())
    result.passed = within and count == 0
    if count:
        result.note = f"{count} NaN/inf position(s) differ"
    return result


def compare_values(
    values: dict[str, dict[str, Any]],
    frameworks: list[str],
    names: list[str],
    atol: float,
    rtol: float,
    kind: ResultKind = ResultKind.VALUE,
) -> dict[str, Comparison]:
    """Compare decoded values, by name, of every framework against the first.

    Tuples and lists are flattened into ``name[0]``, ``name[1]``, ... A name a
    framework lacks is compared as None (a gradient of a parameter it does not have).
    """
    out: dict[str, Comparison] = {}
    for name in names:
        _compare_tree(
            name, {fw: values[fw].get(name) for fw in frameworks}, frameworks, atol, rtol, out
        )
    if kind is not ResultKind.VALUE:
        for comparison in out.values():
            comparison.kind = kind
    return out


def _compare_tree(
    label: str,
    values: dict[str, Any],
    frameworks: list[str],
    atol: float,
    rtol: float,
    out: dict[str, Comparison],
) -> None:
    ref_fw = frameworks[0]
    ref = values[ref_fw]
    if isinstance(ref, list) and all(isinstance(values[fw], list) for fw in frameworks):
        lengths = {len(values[fw]) for fw in frameworks}
        if len(lengths) == 1:
            for i in range(len(ref)):
                _compare_tree(
                    f"{label}[{i}]",
                    {fw: values[fw][i] for fw in frameworks},
                    frameworks,
                    atol,
                    rtol,
                    out,
                )
            return
    result = Comparison()
    for fw in frameworks:
        value = values[fw]
        if isinstance(value, np.ndarray):
            result.shapes[fw] = [int(n) for n in value.shape]
            result.dtypes[fw] = getattr(value, "framework_dtype", None) or str(value.dtype)
        else:
            result.shapes[fw] = None
            result.dtypes[fw] = None if value is None else type(value).__name__
    if all(isinstance(values[fw], np.ndarray) for fw in frameworks):
        worst_abs: float | None = 0.0
        worst_rel: float | None = 0.0
        notes = []
        for fw in frameworks[1:]:
            one = compare_arrays(ref, values[fw], atol, rtol)
            result.passed = result.passed and one.passed
            if one.note:
                notes.append(one.note if len(frameworks) == 2 else f"{fw}: {one.note}")
            if one.max_abs is None or worst_abs is None:
                worst_abs = worst_rel = None
            else:
                worst_abs = max(worst_abs, one.max_abs)
                worst_rel = max(worst_rel or 0.0, one.max_rel or 0.0)
        result.max_abs, result.max_rel = worst_abs, worst_rel
        result.note = "; ".join(notes) or None
    else:
        # an array on one side and not on another (a gradient and None) is a difference;
        # comparing them with == would compare elementwise
        same = not any(isinstance(values[fw], np.ndarray | list) for fw in frameworks) and all(
            values[fw] == ref for fw in frameworks[1:]
        )
        result.max_abs = result.max_rel = None
        result.passed = bool(same)
        if not same:
            kinds = " vs ".join(_describe(values[fw]) for fw in frameworks)
            result.note = f"values differ: {kinds}"
    out[label] = result
