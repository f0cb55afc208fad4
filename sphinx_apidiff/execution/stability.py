"""Repeated runs of one job, and whether they agree: the stability rule.

An example (its recipe, a cell of its sweep) runs ``apidiff_repeat`` times, or its own
``repeat:`` times (:func:`runs_wanted`). The first run goes to the framework's usual
lane (a warm worker, when pools are on); the second to a lane of its own whose worker
is started for this build and has never run the job (:func:`fresh_run`); later runs go
back to the usual lanes, after the first. A fresh worker matters because what makes a
result change from run to run often lives in the process, not in the snippet: state a
run leaves behind that the worker does not put back (a module's cache, a kernel chosen
once, a global random state the worker does not know of), first-run effects (lazy
initialisation, kernel selection and autotuning once per process, JAX's compilation),
and MegEngine's asynchronous execution, whose dispatch queue and memory pool outlive a
run within one process (the worker asks for synchronous dispatch, yet a kernel whose
result depends on what the process did before still gives another result in another
process: MegEngine 1.13's argmax of booleans returns other indices, in the billions, in
every run). A run in the same worker right after the first sees the state the first
left; a run in another process sees none of it.

:func:`spread` compares every run with the first, per framework, value by value
(:func:`value_changes`): a changed status (a framework that fails in one run only), a
changed shape, dtype or structure, or values beyond :data:`RUN_ULPS` ulps make the
result **unstable** (its own status, never a match), with its :class:`Spread`.

The run-to-run tolerance: identical inputs give bit-identical results on one machine
unless the framework is nondeterministic. Measured (torch 2.13, MegEngine 1.13, Paddle
3.3, JAX 0.10 on this project's CPU machine): a sum of 2**20 float32, a 256 x 256 matmul,
a convolution and a softmax gave the same bits in three fresh processes and three times
within each. Only a change of the thread count (torch, 1 vs 2 threads) moved a sum of
2**22 float32 values, by 1 ulp of the result. Workers run with the same thread count,
so the rule allows :data:`RUN_ULPS` ulps of the largest magnitude of the array (a
reordered reduction, never more), and nothing for integers and booleans: real
nondeterminism (unseeded randomness, a race, uninitialised memory) is many orders larger.

No Sphinx imports here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from sphinx_apidiff.execution.inputs import decode_value
from sphinx_apidiff.model.example import ExampleSpec
from sphinx_apidiff.model.vocabulary import Expect

#: Runs an example that documents instability (``expect: unstable``) gets at least: one
#: run cannot show it.
UNSTABLE_RUNS = 2
#: Which run goes to a worker that is fresh for it (0 is the first run).
FRESH_RUN = 1
#: Values of two runs differ when they are further apart than this many ulps of the
#: array's largest magnitude (see the module's docstring for the measurement).
RUN_ULPS = 4
#: Most changes a :class:`Spread` names (the rest are counted in ``disagreeing``).
MAX_CHANGES = 5


def runs_wanted(example: ExampleSpec, default: int) -> int:
    """How many times a job runs: its example's ``repeat:``, else ``apidiff_repeat``; at
    least :data:`UNSTABLE_RUNS` when the example documents instability."""
    wanted = example.repeat if example.repeat is not None else default
    if example.expect == Expect.UNSTABLE:
        wanted = max(wanted, UNSTABLE_RUNS)
    return max(1, wanted)


def fresh_run(run: int) -> bool:
    """Whether run ``run`` (from 0) goes to a worker that did not run the first."""
    return run == FRESH_RUN


@dataclass(frozen=True)
class Spread:
    """How the runs of an unstable result disagree: how many runs disagree with the first,
    the worst deviation of a value between runs (None where nothing numeric changed, only
    a status, shape or dtype), and what changed (``"y (torch): values"``)."""

    disagreeing: int
    max_abs: float | None = None
    changes: tuple[str, ...] = field(default_factory=tuple)

    def to_json(self) -> dict[str, Any]:
        """As the cache and the store keep it."""
        return {
            "disagreeing": self.disagreeing,
            "max_abs": self.max_abs,
            "changes": list(self.changes),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Spread:
        """From :meth:`to_json`'s form."""
        return cls(
            disagreeing=int(data["disagreeing"]),
            max_abs=data.get("max_abs"),
            changes=tuple(data.get("changes", ())),
        )


def _run_tolerance(a: np.ndarray, b: np.ndarray) -> float:
    """What two runs of one array may differ by: :data:`RUN_ULPS` ulps of its largest
    magnitude (floats); nothing (integers, booleans)."""
    if not (np.issubdtype(a.dtype, np.inexact) and np.issubdtype(b.dtype, np.inexact)):
        return 0.0
    finite = [np.abs(x[np.isfinite(x)]) for x in (a, b)]
    scale = max((float(x.max()) for x in finite if x.size), default=0.0)
    eps = float(np.finfo(np.result_type(a.dtype, b.dtype)).eps)
    return RUN_ULPS * eps * scale


def _array_change(a: np.ndarray, b: np.ndarray) -> tuple[str | None, float | None]:
    """What changed in one array between two runs (None: nothing), and by how much."""
    if a.shape != b.shape:
        return f"shape {list(a.shape)} vs {list(b.shape)}", None
    dtype_a = getattr(a, "framework_dtype", None) or str(a.dtype)
    dtype_b = getattr(b, "framework_dtype", None) or str(b.dtype)
    if dtype_a != dtype_b:
        return f"dtype {dtype_a} vs {dtype_b}", None
    x = a.astype(np.complex128 if np.iscomplexobj(a) else np.float64)
    y = b.astype(np.complex128 if np.iscomplexobj(b) else np.float64)
    fin_x, fin_y = np.isfinite(x), np.isfinite(y)
    same_nonfinite = (~fin_x & ~fin_y) & ((x == y) | (np.isnan(x) & np.isnan(y)))
    if not np.all((fin_x & fin_y) | same_nonfinite):
        return "NaN/inf positions", None
    both = fin_x & fin_y
    deviation = float(np.abs(x[both] - y[both]).max()) if both.any() else 0.0
    if deviation > _run_tolerance(a, b):
        return "values", deviation
    return None, None


def _tree_changes(label: str, a: Any, b: Any, out: list[tuple[str, float | None]]) -> None:
    if isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            _tree_changes(f"{label}[{i}]", x, y, out)
        return
    if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
        what, deviation = _array_change(a, b)
        if what is not None:
            out.append((f"{label}: {what}", deviation))
        return
    if isinstance(a, np.ndarray | list) or isinstance(b, np.ndarray | list) or a != b:
        out.append((f"{label}: value", None))


def value_changes(
    first: Mapping[str, Any], other: Mapping[str, Any], framework: str
) -> list[tuple[str, float | None]]:
    """What changed in one framework's encoded values (by name) from one run to another:
    ``("y (torch): values", deviation)`` per value that changed."""
    out: list[tuple[str, float | None]] = []
    for name in dict.fromkeys([*first, *other]):
        a = decode_value(first[name]) if name in first else None
        b = decode_value(other[name]) if name in other else None
        _tree_changes(f"{name} ({framework})", a, b, out)
    return out


@dataclass(frozen=True)
class RunOutcome:
    """One run of a job as the stability rule reads it: its status, and per framework
    whether it ran, its encoded values and gradients."""

    status: str
    ok: Mapping[str, bool]
    values: Mapping[str, Mapping[str, Any]]
    grads: Mapping[str, Mapping[str, Any]]


def run_changes(first: RunOutcome, other: RunOutcome) -> list[tuple[str, float | None]]:
    """Everything that changed from the first run to ``other``: the status, a framework
    that ran in one and failed in the other, and the values and gradients of each."""
    changes: list[tuple[str, float | None]] = []
    if first.status != other.status:
        changes.append((f"status: {first.status} vs {other.status}", None))
    for fw in first.ok:
        if first.ok[fw] != other.ok.get(fw):
            ran = "ran" if first.ok[fw] else "failed"
            changes.append((f"{fw}: {ran} in the first run only", None))
        elif first.ok[fw]:
            changes += value_changes(first.values.get(fw, {}), other.values.get(fw, {}), fw)
            changes += value_changes(first.grads.get(fw, {}), other.grads.get(fw, {}), fw)
    return changes


def spread(runs: Sequence[RunOutcome]) -> Spread | None:
    """How the runs disagree with the first; None when they all agree (a stable result)."""
    disagreeing = 0
    worst: float | None = None
    named: list[str] = []
    for run in runs[1:]:
        changes = run_changes(runs[0], run)
        if not changes:
            continue
        disagreeing += 1
        for what, deviation in changes:
            if deviation is not None:
                worst = deviation if worst is None else max(worst, deviation)
            if what not in named:
                named.append(what)
    if not disagreeing:
        return None
    return Spread(disagreeing, worst, tuple(named[:MAX_CHANGES]))


def describe(runs: int, found: Spread) -> str:
    """One line on an unstable result: ``2 of 2 repeats differ from the first run (max abs
    deviation between runs 0.53): y (torch): values``."""
    deviation = (
        f" (max abs deviation between runs {found.max_abs:.3g})"
        if found.max_abs is not None
        else ""
    )
    what = f": {'; '.join(found.changes)}" if found.changes else ""
    return f"{found.disagreeing} of {runs - 1} repeats differ from the first run{deviation}{what}"
