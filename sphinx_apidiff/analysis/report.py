"""A pair in the ``apidiff.json`` format: the build's report and ``check --format json``."""

from __future__ import annotations

from typing import Any

from sphinx_apidiff.analysis.pair import PairAnalysis
from sphinx_apidiff.execution.results import ExampleResult, cell_outcome
from sphinx_apidiff.model.example import SweepCell
from sphinx_apidiff.model.expectation import Stated
from sphinx_apidiff.model.spec import PairSpec, prose_text
from sphinx_apidiff.model.vocabulary import Status

#: 2: each compared value's ``pairwise`` and ``groups``; each run's ``frameworks`` (every
#: framework's own status) and ``groups``; an example's per-framework statements
REPORT_VERSION = 2


def pair_report(
    spec: PairSpec,
    analysis: PairAnalysis | None,
    *,
    source: str,
    docname: str | None = None,
    anchor: str | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """One pair of the report; ``analysis`` None: what the YAML alone says."""
    examples = []
    for index, example in enumerate(spec.examples):
        result = analysis.examples[index] if analysis and index < len(analysis.examples) else None
        entry: dict[str, Any] = {
            "title": prose_text(example.title, language),
            "line": example.line,
            "expect": example.expect,
            "status": result.status if result else Status.NOT_RUN,
            "stale": result.stale if result else None,
            "dtype": example.dtype,
            "results": _results(result) if result else {},
            **stability(result),
            **_run(result),
        }
        for key, stated in (
            ("expect_by_framework", example.stated),
            ("dtype_by_framework", example.dtype_stated),
        ):
            if stated is not None:
                entry[key] = _stated(stated)
        if example.recipe is not None and example.recipe.reason is not None:
            entry["recipe_reason"] = prose_text(example.recipe.reason, language)
        elif example.recipe is not None:
            run = analysis.recipes.get(index) if analysis else None
            entry["recipe"] = {
                "status": run.status if run else Status.NOT_RUN,
                "results": _results(run) if run else {},
                **stability(run),
                **_run(run),
            }
        if example.sweep is not None:
            cells = analysis.sweeps.get(index, []) if analysis else []
            entry["sweep"] = [_cell(cell, run) for cell, run in cells]
        examples.append(entry)
    return {
        "id": spec.id,
        "title": prose_text(spec.title, language),
        "docname": docname,
        "anchor": anchor,
        "source": source,
        "apis": spec.apis,
        "versions": analysis.versions if analysis else {},
        "category": analysis.category if analysis else spec.category,
        "kinds": [str(kind) for kind in analysis.kinds] if analysis else [],
        "params": [row.to_json() for row in analysis.rows] if analysis else [],
        "examples": examples,
    }


def _results(result: ExampleResult) -> dict[str, Any]:
    """The compared values of a run, each with its kind (a value of the snippet, or a
    gradient) and whether its dtypes agree."""
    return {
        name: {
            **comparison.to_json(),
            "kind": comparison.kind,
            "dtype_equal": comparison.dtype_equal,
        }
        for name, comparison in result.results.items()
    }


def stability(result: ExampleResult | None) -> dict[str, Any]:
    """How often a run ran and whether its runs agreed: ``runs`` (0 where it did not run)
    and ``stable``, and where they disagree, the ``spread`` (how many disagreed with the
    first run, the worst deviation between runs, what changed)."""
    if result is None or result.status == Status.NOT_RUN:
        return {"runs": 0, "stable": None}
    data: dict[str, Any] = {"runs": result.runs, "stable": result.stable}
    if result.spread is not None:
        data["spread"] = result.spread.to_json()
    return data


def _run(result: ExampleResult | None) -> dict[str, Any]:
    """Every framework's own status in a run, and the groups of those that ran (None
    where fewer than two ran)."""
    if result is None:
        return {"frameworks": {}, "groups": None}
    return {"frameworks": dict(result.frameworks), "groups": result.groups}


def _stated(stated: Stated) -> dict[str, Any]:
    """An author's per-framework statement, as the YAML gives it."""
    data: dict[str, Any] = {}
    if stated.error:
        data["error"] = list(stated.error)
    if stated.groups is not None:
        data["groups"] = [list(group) for group in stated.groups]
    elif stated.differs is not None:
        data["differs"] = list(stated.differs)
    return data


def _cell(cell: SweepCell, result: ExampleResult) -> dict[str, Any]:
    """One cell of a sweep: its dtype and seed, what it gave, and who rejected it."""
    outcome = cell_outcome(result)
    entry: dict[str, Any] = {
        "dtype": cell.dtype,
        "seed": cell.seed,
        "status": outcome.status,
        "results": _results(result),
        **stability(result),
        "frameworks": dict(outcome.frameworks),
        "groups": result.groups,
    }
    if outcome.failed:
        entry["failed"] = outcome.failed
    if result.stale:
        entry["stale"] = result.stale
    return entry


def report(pairs: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    """The whole report: its format version, the pairs, and any extra keys."""
    return {"version": REPORT_VERSION, "pairs": pairs, **extra}
