"""Pairwise comparisons, groups, partial results and per-framework statements, on
constructed data: no framework runs here."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from sphinx_apidiff.analysis.verdicts import judge_example
from sphinx_apidiff.execution.agreement import disagreement, rounded
from sphinx_apidiff.execution.cache import content_key
from sphinx_apidiff.execution.comparison import Comparison, compare_values, group_frameworks
from sphinx_apidiff.execution.results import (
    CellStatus,
    ExampleJob,
    ExampleResult,
    Reply,
    cell_outcome,
)
from sphinx_apidiff.execution.runtime.worker.values import encode_array
from sphinx_apidiff.execution.source_kinds import StoreSource, example_result
from sphinx_apidiff.execution.store import Store, before_pairwise
from sphinx_apidiff.model.expectation import Stated
from sphinx_apidiff.model.spec import parse_pair
from sphinx_apidiff.model.vocabulary import Expect, FrameworkStatus, Status, Subtype, Verdict

FOUR = ["torch", "megengine", "paddle", "jax"]
BASE = np.array([1.0, 2.0, 3.0], dtype=np.float32)


def _values(**arrays: np.ndarray) -> dict[str, dict[str, np.ndarray]]:
    return {fw: {"y": array} for fw, array in arrays.items()}


# -- groups --------------------------------------------------------------------------


def test_groups_keep_the_declared_order_and_the_earlier_ones_win_where_agreement_is_not_transitive():
    agree = {("a", "b"), ("b", "c")}  # a~b, b~c, but not a~c
    groups = group_frameworks(["a", "b", "c"], lambda x, y: (x, y) in agree)
    assert groups == [["a", "b"], ["c"]]  # never a group whose members disagree
    # the order decides, not the names
    assert group_frameworks(["c", "b", "a"], lambda x, y: (y, x) in agree) == [["c", "b"], ["a"]]


@given(
    st.integers(2, 6).flatmap(
        lambda n: st.tuples(
            st.just(n), st.sets(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)))
        )
    )
)
def test_groups_partition_in_order_and_every_two_members_agree(case):
    n, pairs = case
    names = [f"f{i}" for i in range(n)]
    agreeing = {frozenset((names[a], names[b])) for a, b in pairs}

    def agree(x: str, y: str) -> bool:
        return frozenset((x, y)) in agreeing

    groups = group_frameworks(names, agree)
    assert sorted(fw for group in groups for fw in group) == sorted(names)  # a partition
    assert [group[0] for group in groups] == sorted((g[0] for g in groups), key=names.index)
    for group in groups:
        assert group == sorted(group, key=names.index)  # declared order
        assert all(agree(a, b) for i, a in enumerate(group) for b in group[i + 1 :])
    assert group_frameworks(names, agree) == groups  # the same every time


def test_one_framework_that_differs_is_a_group_of_its_own():
    shifted = BASE + 0.5
    found = compare_values(
        _values(torch=BASE, megengine=BASE.copy(), paddle=BASE.copy(), jax=shifted),
        FOUR,
        ["y"],
        1e-6,
        1e-5,
    )["y"]
    assert found.groups == [["torch", "megengine", "paddle"], ["jax"]]
    assert list(found.pairwise) == [
        "torch|megengine",
        "torch|paddle",
        "torch|jax",
        "megengine|paddle",
        "megengine|jax",
        "paddle|jax",
    ]
    assert found.pairwise["paddle|jax"].within is False
    assert found.pairwise["paddle|jax"].max_abs == pytest.approx(0.5)
    assert found.pairwise["torch|megengine"].within is True
    # the reference's view stays: its worst deviation, and not passed
    assert found.max_abs == pytest.approx(0.5) and found.passed is False


def test_a_two_two_split_with_dtypes_pair_by_pair():
    wide = np.array([200, 401, 603], dtype=np.int64)
    wrapped = np.array([200, 145, 91], dtype=np.uint8)
    found = compare_values(
        _values(torch=wide, megengine=wrapped, paddle=wide.copy(), jax=wrapped.copy()),
        FOUR,
        ["y"],
        1e-6,
        1e-5,
    )["y"]
    assert found.groups == [["torch", "paddle"], ["megengine", "jax"]]
    assert found.pairwise["torch|paddle"].dtype_equal is True
    assert found.pairwise["megengine|jax"].dtype_equal is True
    assert found.pairwise["torch|jax"].dtype_equal is False
    assert found.dtype_equal is False


def test_a_pair_outside_the_reference_can_split_the_groups():
    """Both others are within tolerance of the reference, but not of each other: the
    groups say so, and the value does not pass."""
    found = compare_values(
        _values(a=np.array([1.0]), b=np.array([1.0 + 0.8e-6]), c=np.array([1.0 - 0.8e-6])),
        ["a", "b", "c"],
        ["y"],
        1e-6,
        0.0,
    )["y"]
    assert found.groups == [["a", "b"], ["c"]]
    assert found.passed is False


def test_two_frameworks_give_todays_figures_and_one_pair():
    found = compare_values(
        _values(torch=BASE, megengine=BASE + 1e-3), ["torch", "megengine"], ["y"], 1e-6, 1e-5
    )["y"]
    assert list(found.pairwise) == ["torch|megengine"]
    pair = found.pairwise["torch|megengine"]
    assert (pair.max_abs, pair.max_rel, pair.within) == (found.max_abs, found.max_rel, False)
    assert found.groups == [["torch"], ["megengine"]]


# -- partial results ------------------------------------------------------------------


def _reply(array: np.ndarray | None) -> Reply:
    if array is None:
        return Reply(ok=False, error="RuntimeError: no float16 kernel")
    return Reply(ok=True, values={"y": {"t": "array", "npy": encode_array(array)}})


def _job(frameworks: list[str]) -> ExampleJob:
    apis = ", ".join(f"{fw}: {fw}.f" for fw in frameworks)
    code = ", ".join(f"{fw}: 'y = 1'" for fw in frameworks)
    text = f"apis: {{{apis}}}\nexamples:\n  - code: {{{code}}}\n    compare: [y]\n"
    spec, _ = parse_pair(text, "p.yaml")
    assert spec is not None
    return ExampleJob(spec.examples[0], frameworks)


def test_the_frameworks_that_ran_are_compared_when_another_failed():
    replies = {"torch": _reply(BASE), "megengine": _reply(BASE), "paddle": _reply(None)}
    replies["jax"] = _reply(BASE + 1)
    result = example_result(_job(FOUR), replies, None)
    assert result.status == Status.ERROR  # a framework failed: the run's status
    assert result.frameworks == {
        "torch": FrameworkStatus.RAN,
        "megengine": FrameworkStatus.RAN,
        "paddle": FrameworkStatus.ERROR,
        "jax": FrameworkStatus.RAN,
    }
    assert result.results["y"].frameworks == ["torch", "megengine", "jax"]
    assert result.groups == [["torch", "megengine"], ["jax"]]
    # in a sweep's cell, the one that fails where others run rejects the dtype
    outcome = cell_outcome(result)
    assert outcome.status is CellStatus.UNSUPPORTED
    assert outcome.frameworks["paddle"] is FrameworkStatus.REJECTED


def test_two_frameworks_where_one_failed_compare_nothing_as_before():
    result = example_result(
        _job(["torch", "megengine"]), {"torch": _reply(BASE), "megengine": _reply(None)}, None
    )
    assert result.status == Status.ERROR and result.results == {} and result.groups is None


# -- statements per framework -----------------------------------------------------------


def test_a_statement_holds_only_for_the_groups_it_states():
    one_out = [["torch", "megengine", "paddle"], ["jax"]]
    assert Stated(differs=("jax",)).unmet([], one_out) is None
    found = Stated(differs=("megengine",)).unmet([], one_out)
    assert found is not None and "jax differs from torch, megengine, paddle" in found
    split = [["torch", "paddle"], ["megengine", "jax"]]
    assert Stated(groups=(("torch", "paddle"), ("megengine", "jax"))).unmet([], split) is None
    assert Stated(differs=("jax",)).unmet([], split) is not None
    assert Stated(error=("paddle",)).unmet(["paddle"], [["torch", "megengine", "jax"]]) is None
    failed = Stated(error=("paddle",)).unmet([], [FOUR])
    assert failed is not None and "none failed" in failed
    assert Stated(differs=("jax",)).expect is Expect.DIFFER
    assert Stated(error=("paddle",)).expect is Expect.ERROR


YAML = """\
apis:
  torch: torch.cumsum
  megengine: megengine.functional.cumsum
  paddle: paddle.cumsum
  jax: jax.numpy.cumsum
examples:
  - code: {torch: y = 1, megengine: y = 1, paddle: y = 1, jax: y = 1}
    compare: [y]
    expect: EXPECT
"""


def _parse(expect: str):
    return parse_pair(YAML.replace("EXPECT", expect), "p.yaml")


def test_an_unknown_framework_in_a_statement_is_a_located_warning():
    spec, diags = _parse("{differs: [jaxx]}")
    assert spec is not None and spec.examples  # the example is kept
    assert [(d.subtype, d.line) for d in diags] == [(Subtype.FRAMEWORK, 9)]
    assert "did you mean 'jax'?" in diags[0].message
    _, diags = _parse("{differ: [jax]}")
    assert "did you mean 'differs'?" in diags[0].message


def test_the_word_forms_mean_what_they_did():
    spec, diags = _parse("differ")
    assert diags == [] and spec is not None
    assert spec.examples[0].expect is Expect.DIFFER and spec.examples[0].stated is None


def test_an_unmet_statement_makes_the_example_unexpected_and_names_who_differs():
    spec, _ = _parse("{differs: [megengine]}")
    assert spec is not None
    example = spec.examples[0]
    result = example_result(
        ExampleJob(example, FOUR),
        {fw: _reply(BASE + (fw == "jax")) for fw in FOUR},
        None,
    )
    judged = judge_example(example, result)
    assert judged.verdict is Verdict.UNEXPECTED
    assert "torch = megengine = paddle; jax (jax differs" in judged.reason
    met = _parse("{differs: [jax]}")[0]
    assert met is not None
    assert judge_example(met.examples[0], result).verdict is Verdict.DOCUMENTED


def test_dtypes_stated_per_framework_are_checked_by_their_groups():
    spec, diags = _parse(
        "{groups: [[torch, paddle], [megengine, jax]]}\n    dtype: {differs: [jax]}"
    )
    assert diags == [] and spec is not None
    example = spec.examples[0]
    wide, wrapped = np.array([200, 401], dtype=np.int64), np.array([200, 145], dtype=np.uint8)
    arrays = {"torch": wide, "megengine": wrapped, "paddle": wide, "jax": wrapped}
    result = example_result(
        ExampleJob(example, FOUR), {fw: _reply(a) for fw, a in arrays.items()}, None
    )
    assert result.dtype_groups == [["torch", "paddle"], ["megengine", "jax"]]
    judged = judge_example(example, result)
    assert judged.verdict is Verdict.UNEXPECTED
    assert judged.reason == (
        "dtypes: expected only jax has other dtypes, measured torch = paddle; megengine = jax "
        "(megengine, jax have other dtypes than torch, paddle)"
    )


# -- store and cache ----------------------------------------------------------------------


def _stored(comparison: Comparison) -> dict:
    return {"result": {"status": "differ", "results": {"y": comparison.to_json()}}}


def test_pairwise_deviations_are_compared_to_significant_digits():
    found = compare_values(
        _values(torch=BASE, megengine=BASE, jax=BASE + 0.123456),
        ["torch", "megengine", "jax"],
        ["y"],
        1e-6,
        1e-5,
    )["y"]
    stored = rounded(_stored(found))
    assert stored["result"]["results"]["y"]["pairwise"]["megengine|jax"]["max_abs"] == 0.123
    assert disagreement(stored, _stored(found), 1e-6, 1e-5) is None  # the last bits
    moved = _stored(found)
    moved["result"]["results"]["y"]["pairwise"]["megengine|jax"]["max_abs"] = 0.2
    why = disagreement(stored, moved, 1e-6, 1e-5)
    assert why is not None and why.startswith("result.results.y.pairwise.megengine|jax.max_abs")


def test_a_result_stored_before_pairwise_comparisons():
    old = {
        k: v
        for k, v in compare_values(
            _values(torch=BASE, megengine=BASE + 1), ["torch", "megengine"], ["y"], 1e-6, 1e-5
        )["y"]
        .to_json()
        .items()
        if k not in ("pairwise", "groups")
    }
    two = Comparison.from_json(old)  # two frameworks: derived, exactly
    assert two.pairwise["torch|megengine"].within is False
    assert two.groups == [["torch"], ["megengine"]]
    assert before_pairwise({"result": {"results": {"y": old}, "sides": {}}}) is None
    three = {**old, "shapes": {fw: [3] for fw in FOUR[:3]}}
    why = before_pairwise({"result": {"results": {"y": three}, "sides": {}}})
    assert why is not None and "refresh the results store" in why


def test_an_example_result_keeps_its_pairs_through_json():
    result = ExampleResult(
        Status.DIFFER,
        compare_values(
            _values(torch=BASE, megengine=BASE, jax=BASE + 1),
            ["torch", "megengine", "jax"],
            ["y"],
            1e-6,
            1e-5,
        ),
    )
    again = ExampleResult.from_json(result.to_json())
    assert again.results["y"].pairwise == result.results["y"].pairwise
    assert again.results["y"].groups == [["torch", "megengine"], ["jax"]]


def test_a_three_way_result_stored_before_pairwise_comparisons_is_stale(tmp_path):
    job = _job(FOUR[:3])
    job.pair_id = "p"
    old = compare_values(
        _values(torch=BASE, megengine=BASE, paddle=BASE + 1), FOUR[:3], ["y"], 1e-6, 1e-5
    )["y"].to_json()
    del old["pairwise"], old["groups"]
    side = {"ok": True, "stdout": "", "error": None, "frames": [], "elapsed": 0.0}
    result = {"status": "differ", "results": {"y": old}, "sides": dict.fromkeys(FOUR[:3], side)}
    for one in result["sides"].values():
        one["crashed"] = False
    entry = {"content": content_key(job), "result": result}
    data = {"version": 2, "id": "p", "apis": {}, "signatures": {}, "examples": [entry]}
    (tmp_path / "p.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    store = Store(tmp_path)
    assert store.problems == []  # read, not refused
    found = StoreSource(store, lambda fw: None).example(job, None)
    assert isinstance(found, ExampleResult) and found.status == Status.DIFFER
    assert found.stale is not None and "before pairwise comparisons" in found.stale
