"""Whether a stored example result is the same finding as a live one: the store's rule.

A results store travels across machines whose floats differ in the last bits.
:func:`disagreement` says where a stored result and a live one differ as
findings (statuses, verdicts, shapes, notes, errors, output, and deviations to
:data:`SIGNIFICANT_DIGITS` significant digits); :func:`round_deviation` and
:func:`rounded` give a deviation, and a store entry, as the store writes them.

No Sphinx imports here.
"""

from __future__ import annotations

import math
from typing import Any

#: Deviations are stored, and compared, to this many significant digits (pages show as many).
SIGNIFICANT_DIGITS = 3

DEVIATIONS = ("max_abs", "max_rel")


def round_deviation(value: float | None) -> float | None:
    """A deviation as the store writes it: rounded to :data:`SIGNIFICANT_DIGITS` digits."""
    if value is None or not math.isfinite(value):
        return value
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def _same_digits(stored: float, live: float) -> bool:
    """Equal to SIGNIFICANT_DIGITS digits: they round the same, or to neighbouring values
    (so that a value sitting on a rounding boundary does not flip between machines)."""
    a, b = round_deviation(stored), round_deviation(live)
    if a == b:
        return True
    assert a is not None and b is not None
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    unit = 10.0 ** (math.floor(math.log10(max(abs(a), abs(b)))) - (SIGNIFICANT_DIGITS - 1))
    return abs(a - b) <= unit * (1 + 1e-9)


def _within_tolerance(
    comparison: dict[str, Any], atol: float, rtol: float, verdict: str = "passed"
) -> bool:
    """A passing comparison (or pair, whose ``verdict`` is ``within``) whose deviation is at
    or below the tolerance by one measure."""
    max_abs, max_rel = comparison.get("max_abs"), comparison.get("max_rel")
    return bool(comparison.get(verdict)) and (
        (max_abs is not None and max_abs <= atol) or (max_rel is not None and max_rel <= rtol)
    )


def _pairwise_disagreement(
    path: str, stored: Any, live: Any, atol: float, rtol: float
) -> str | None:
    """The pairs of a comparison: the same pairs, each the same finding (its deviations to
    significant digits, as the comparison's own)."""
    if not (isinstance(stored, dict) and isinstance(live, dict)):
        return disagreement(stored, live, atol, rtol, path)
    if sorted(stored) != sorted(live):
        return f"{path}: {sorted(stored)} stored, {sorted(live)} live"
    for pair in sorted(stored):
        a, b = stored[pair], live[pair]
        if not (isinstance(a, dict) and isinstance(b, dict)):
            found = disagreement(a, b, atol, rtol, f"{path}.{pair}")
        else:
            found = _comparison_disagreement(f"{path}.{pair}", a, b, atol, rtol, "within")
        if found:
            return found
    return None


def _comparison_disagreement(
    path: str,
    stored: dict[str, Any],
    live: dict[str, Any],
    atol: float,
    rtol: float,
    verdict: str = "passed",
) -> str | None:
    for key in sorted(set(stored) | set(live)):
        if key == "pairwise":
            found = _pairwise_disagreement(
                f"{path}.{key}", stored.get(key), live.get(key), atol, rtol
            )
            if found:
                return found
        elif key not in DEVIATIONS:
            found = disagreement(stored.get(key), live.get(key), atol, rtol, f"{path}.{key}")
            if found:
                return found
    within = _within_tolerance(stored, atol, rtol, verdict)
    if within and _within_tolerance(live, atol, rtol, verdict):
        return None  # both within the tolerance: the same finding, whatever the last bits say
    for key in DEVIATIONS:
        a, b = stored.get(key), live.get(key)
        if a is None or b is None:
            same = a is None and b is None
        else:
            same = _same_digits(float(a), float(b))
        if not same:
            return (
                f"{path}.{key}: {a!r} stored, {b!r} live "
                f"(atol {atol:g}, rtol {rtol:g}, {SIGNIFICANT_DIGITS} significant digits)"
            )
    return None


def _same_instability(stored: dict[str, Any], live: dict[str, Any]) -> bool:
    """Both are results found unstable in as many runs: the same finding, whatever their
    numbers say (the values of an unstable result, its deviations, its output and its
    spread change from run to run by nature; keeping the stored one keeps the file)."""
    unstable = "unstable"  # Status.UNSTABLE; the rule reads JSON, as the store writes it
    return stored.get("status") == unstable == live.get("status") and stored.get(
        "runs"
    ) == live.get("runs")


def disagreement(stored: Any, live: Any, atol: float, rtol: float, path: str = "") -> str | None:
    """Why a stored example result is not the same finding as a live one; None if it is.

    The rule for a store that travels across CPUs: statuses, verdicts, shapes,
    dtypes, groups, notes, errors and output must be equal; the deviations (``max_abs``,
    ``max_rel``, of the comparison and of each of its ``pairwise`` pairs) must agree to
    :data:`SIGNIFICANT_DIGITS` significant digits, unless both are within the example's
    tolerance (``max_abs <= atol`` or ``max_rel <= rtol``). Timings are ignored. A result
    run several times must have run as many times and be as stable (``runs``, ``stable``);
    two results that are both unstable are the same finding. Works on a store entry, an
    :class:`~sphinx_apidiff.execution.results.ExampleResult` as JSON, or an example of the
    build report; ``path`` prefixes the key named in the answer.
    """
    if isinstance(stored, dict) and isinstance(live, dict):
        if _same_instability(stored, live):
            return None
        for key in sorted(set(stored) | set(live)):
            if key == "elapsed":
                continue
            a, b = stored.get(key), live.get(key)
            where = f"{path}.{key}" if path else key
            if key == "results" and isinstance(a, dict) and isinstance(b, dict):
                if sorted(a) != sorted(b):
                    return f"{where}: {sorted(a)} stored, {sorted(b)} live"
                for name in sorted(a):
                    found = _comparison_disagreement(
                        f"{where}.{name}", a[name], b[name], atol, rtol
                    )
                    if found:
                        return found
                continue
            found = disagreement(a, b, atol, rtol, where)
            if found:
                return found
        return None
    if stored != live:
        return f"{path}: {stored!r} stored, {live!r} live"
    return None


def _rounded(comparison: dict[str, Any]) -> dict[str, Any]:
    return {
        **comparison,
        **{k: round_deviation(comparison[k]) for k in DEVIATIONS if k in comparison},
    }


def rounded(entry: dict[str, Any]) -> dict[str, Any]:
    """A store entry with its deviations rounded (stable files, readable numbers)."""
    results = entry.get("result", {}).get("results", {})
    comparisons = {}
    for name, comp in results.items():
        comparisons[name] = _rounded(comp)
        if isinstance(comp.get("pairwise"), dict):
            comparisons[name]["pairwise"] = {
                key: _rounded(pair) for key, pair in comp["pairwise"].items()
            }
    entry = {**entry, "result": {**entry["result"], "results": comparisons}} if results else entry
    spread = entry.get("result", {}).get("spread")
    if isinstance(spread, dict) and "max_abs" in spread:
        spread = {**spread, "max_abs": round_deviation(spread["max_abs"])}
        entry = {**entry, "result": {**entry["result"], "spread": spread}}
    return entry
