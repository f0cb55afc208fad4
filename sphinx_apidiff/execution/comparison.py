"""Outputs compared across frameworks: pure numpy.

The inputs and the wire format are the execution's (:mod:`sphinx_apidiff.execution.inputs`).

No Sphinx imports here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sphinx_apidiff.model.vocabulary import ResultKind

__all__ = [
    "Comparison",
    "Opaque",
    "PairDeviation",
    "compare_arrays",
    "compare_values",
    "group_frameworks",
    "pair_key",
]


@dataclass(frozen=True)
class Opaque:
    """A value that is not an array (shown by its repr, compared by it)."""

    repr: str


def pair_key(first: str, second: str) -> str:
    """The key of a pair of frameworks in ``pairwise``: ``"torch|paddle"``, in declared order."""
    return f"{first}|{second}"


def group_frameworks(
    frameworks: Sequence[str], agree: Callable[[str, str], bool]
) -> list[list[str]]:
    """``frameworks`` partitioned into groups of frameworks that agree, deterministically.

    The frameworks are taken in their declared order; each joins the first group all of
    whose members it agrees with (``agree(earlier, later)``), or starts a new group. So
    every two members of a group agree, and the groups and their members keep the
    declared order. Agreement within a tolerance is not transitive: where A agrees with
    B and B with C but A not with C, the earlier ones win (``[[A, B], [C]]``), never a
    group whose members disagree.
    """
    groups: list[list[str]] = []
    for fw in frameworks:
        for group in groups:
            if all(agree(member, fw) for member in group):
                group.append(fw)
                break
        else:
            groups.append([fw])
    return groups


@dataclass(frozen=True)
class PairDeviation:
    """One pair of frameworks compared on one value: the deviation of the second from the
    first, whether their dtypes agree (None: a side is no array), and whether the two
    agree within the example's tolerance."""

    max_abs: float | None = 0.0
    max_rel: float | None = 0.0
    dtype_equal: bool | None = True
    within: bool = True

    def to_json(self) -> dict[str, Any]:
        return {
            "max_abs": self.max_abs,
            "max_rel": self.max_rel,
            "dtype_equal": self.dtype_equal,
            "within": self.within,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PairDeviation:
        return cls(data["max_abs"], data["max_rel"], data["dtype_equal"], data["within"])


@dataclass
class Comparison:
    """One compared value (a name, or ``name[i]`` inside a tuple), in every framework that
    produced it.

    ``pairwise`` holds each pair of those frameworks (:func:`pair_key`) and ``groups``
    the frameworks partitioned into groups that agree (:func:`group_frameworks`).
    ``max_abs``, ``max_rel`` and ``passed`` are the view against the reference (the
    first framework): its worst deviation from any other, and whether every pair agrees.
    """

    shapes: dict[str, list[int] | None] = field(default_factory=dict)
    dtypes: dict[str, str | None] = field(default_factory=dict)
    max_abs: float | None = 0.0
    max_rel: float | None = 0.0
    passed: bool = True
    note: str | None = None
    kind: ResultKind = ResultKind.VALUE  # a value of the snippet, or a gradient
    pairwise: dict[str, PairDeviation] = field(default_factory=dict)
    groups: list[list[str]] = field(default_factory=list)

    @property
    def dtype_equal(self) -> bool | None:
        """Every framework gave this array the same dtype (numpy's names, for all of them);
        None when a side is no array (the value's structure differs, not its dtype)."""
        if any(shape is None for shape in self.shapes.values()):
            return None
        return len(set(self.dtypes.values())) <= 1

    @property
    def frameworks(self) -> list[str]:
        """The frameworks that produced this value, in declared order."""
        return list(self.shapes)

    def pair(self, first: str, second: str) -> PairDeviation | None:
        """The comparison of two frameworks (in either order), None if one lacks the value."""
        return self.pairwise.get(pair_key(first, second)) or self.pairwise.get(
            pair_key(second, first)
        )

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "shapes": self.shapes,
            "dtypes": self.dtypes,
            "max_abs": self.max_abs,
            "max_rel": self.max_rel,
            "passed": self.passed,
            "pairwise": {key: pair.to_json() for key, pair in self.pairwise.items()},
            "groups": self.groups,
        }
        if self.note:
            data["note"] = self.note
        if self.kind is not ResultKind.VALUE:  # files of forward-only results stay as they were
            data["kind"] = self.kind
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Comparison:
        """From :meth:`to_json`'s form; a file written before pairwise comparisons (no
        ``pairwise``) gets them derived where that is exact: between two frameworks."""
        comparison = cls(
            shapes=data["shapes"],
            dtypes=data["dtypes"],
            max_abs=data["max_abs"],
            max_rel=data["max_rel"],
            passed=data["passed"],
            note=data.get("note"),
            kind=ResultKind(data.get("kind", ResultKind.VALUE)),
            pairwise={k: PairDeviation.from_json(v) for k, v in data.get("pairwise", {}).items()},
            groups=[list(group) for group in data.get("groups", [])],
        )
        if "pairwise" not in data:
            comparison.pairwise, comparison.groups = _derived(comparison)
        return comparison


def _derived(comparison: Comparison) -> tuple[dict[str, PairDeviation], list[list[str]]]:
    """The pairwise view of a comparison stored without one: exact for two frameworks
    (their one pair is the reference's view); for more, only whether all agree is known
    (every pair then agrees; otherwise nothing is said of a pair, each in its own group)."""
    fws = comparison.frameworks
    if len(fws) == 2:
        pair = PairDeviation(
            comparison.max_abs, comparison.max_rel, comparison.dtype_equal, comparison.passed
        )
        groups = [fws] if comparison.passed else [[fw] for fw in fws]
        return {pair_key(*fws): pair}, groups
    if comparison.passed:
        return {}, [fws]
    return {}, [[fw] for fw in fws]


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
    """Compare decoded values, by name, between every pair of ``frameworks`` (those that
    ran, in declared order; the first is the reference of the derived view).

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
    ref = values[frameworks[0]]
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
    notes: dict[str, str] = {}
    for i, first in enumerate(frameworks):
        for second in frameworks[i + 1 :]:
            pair, note = _compare_pair(values[first], values[second], atol, rtol)
            if pair.dtype_equal is not None:
                pair = replace(pair, dtype_equal=result.dtypes[first] == result.dtypes[second])
            result.pairwise[pair_key(first, second)] = pair
            if note and i == 0:
                notes[second] = note
    result.groups = group_frameworks(
        frameworks, lambda a, b: result.pairwise[pair_key(a, b)].within
    )
    result.passed = all(pair.within for pair in result.pairwise.values())
    against_ref = [result.pairwise[pair_key(frameworks[0], fw)] for fw in frameworks[1:]]
    if all(isinstance(values[fw], np.ndarray) for fw in frameworks):
        if any(pair.max_abs is None for pair in against_ref):
            result.max_abs = result.max_rel = None
        else:
            result.max_abs = max((pair.max_abs or 0.0 for pair in against_ref), default=0.0)
            result.max_rel = max((pair.max_rel or 0.0 for pair in against_ref), default=0.0)
        shown = [note if len(frameworks) == 2 else f"{fw}: {note}" for fw, note in notes.items()]
        result.note = "; ".join(shown) or None
    else:
        result.max_abs = result.max_rel = None
        if not result.passed:
            kinds = " vs ".join(_describe(values[fw]) for fw in frameworks)
            result.note = f"values differ: {kinds}"
    out[label] = result


def _compare_pair(
    first: Any, second: Any, atol: float, rtol: float
) -> tuple[PairDeviation, str | None]:
    """Two frameworks' values compared (the deviation of the second from the first), and a
    note on how they differ beyond the numbers."""
    if isinstance(first, np.ndarray) and isinstance(second, np.ndarray):
        one = compare_arrays(first, second, atol, rtol)
        return PairDeviation(one.max_abs, one.max_rel, True, one.passed), one.note
    # an array on one side and not on another (a gradient and None) is a difference;
    # comparing them with == would compare elementwise
    arrays = (np.ndarray, list)
    same = not isinstance(first, arrays) and not isinstance(second, arrays) and first == second
    return PairDeviation(None, None, None, bool(same)), None
