"""The one judgement of a run (analysis/verdicts.py), which the diagnostics and the page
both read: the verdict, its reason, the dtype badge and the status expected."""

from __future__ import annotations

import pytest

from sphinx_apidiff.analysis.verdicts import (
    DtypeBadge,
    judge_cell,
    judge_example,
    judge_recipe,
)
from sphinx_apidiff.execution.comparison import Comparison
from sphinx_apidiff.execution.results import CellStatus, ExampleResult
from sphinx_apidiff.model.example import ExampleSpec
from sphinx_apidiff.model.vocabulary import Status, Verdict


def _example(expect: str = "match", dtype: str = "same") -> ExampleSpec:
    return ExampleSpec(index=0, title=None, code={}, expect=expect, dtype=dtype)


def _run(status: str, *dtypes: str, passed: bool = True) -> ExampleResult:
    named = dict(zip(("torch", "megengine"), dtypes, strict=False))
    values = {"y": Comparison(dtypes=dict(named), passed=passed)}
    return ExampleResult(status=Status(status), results=values if dtypes else {})


@pytest.mark.parametrize(
    ("expect", "dtype", "run", "verdict", "badge", "expected"),
    [
        ("match", "same", _run("match", "float32", "float32"), "as-expected", "none", None),
        ("differ", "same", _run("differ", "float32", "float32"), "documented", "none", None),
        ("match", "same", _run("differ", "float32", "float32"), "unexpected", "none", "match"),
        ("match", "differs", _run("match", "float32", "int32"), "documented", "stated", None),
        ("match", "same", _run("match", "float32", "int32"), "unexpected", "unstated", None),
        (
            "match",
            "differs",
            _run("match", "float32", "float32"),
            "unexpected",
            "not-differing",
            None,
        ),
        ("match", "same", _run("differ", "float32", "int32"), "unexpected", "unstated", "match"),
        ("match", "same", _run("not-run"), "not-run", "none", None),
    ],
)
def test_an_example_is_judged_once(expect, dtype, run, verdict, badge, expected):
    judged = judge_example(_example(expect, dtype), run)
    assert (judged.verdict, judged.dtypes, judged.expected) == (verdict, badge, expected)
    assert bool(judged.reason) is (judged.verdict is Verdict.UNEXPECTED)


def test_the_reason_says_what_was_expected_and_what_came():
    judged = judge_example(_example("match"), _run("error"))
    assert judged.reason.startswith("expected match, got error")
    dtypes = judge_example(_example("match"), _run("match", "float32", "int32"))
    assert "say 'dtype: differs'" in dtypes.reason


def test_a_value_outside_tolerance_is_judged_as_a_differing_example():
    assert judge_example(_example("differ"), None).outside_tolerance is Verdict.DOCUMENTED
    assert judge_example(_example("match"), None).outside_tolerance is Verdict.UNEXPECTED


def test_a_recipe_must_match_and_its_dtypes_are_a_finding():
    matched = judge_recipe(_example("differ"), _run("match", "float32", "int32"))
    assert (matched.verdict, matched.dtypes) == (Verdict.AS_EXPECTED, DtypeBadge.FINDING)
    differs = judge_recipe(_example("differ"), _run("differ", "float32", "float32", passed=False))
    assert differs.verdict is Verdict.UNEXPECTED
    assert differs.reason.startswith("its recipe does not get the same result (differ)")
    assert judge_recipe(_example(), None).verdict is Verdict.NOT_RUN


def test_a_sweep_cell_is_a_finding_never_unexpected():
    cell = judge_cell(_run("differ", "float16", "float32", passed=False))
    assert cell.verdict is Verdict.AS_EXPECTED
    assert (cell.status, cell.dtypes) == (CellStatus.DIFFER, DtypeBadge.FINDING)
