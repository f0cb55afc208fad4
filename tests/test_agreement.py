"""Who agrees with whom on a page of more than two frameworks, from constructed groups
and pairwise deviations (the fields of a compared value in the N-way report)."""

from __future__ import annotations

import pytest
from docutils import nodes

from sphinx_apidiff.analysis.agreement import Shape, agreement, differs_in, main_group
from sphinx_apidiff.execution.comparison import Comparison, PairDeviation
from sphinx_apidiff.sphinx_ext.render.agreement import (
    agreement_parts,
    agreement_text,
    pairwise_table,
    value_groups,
    value_pairwise,
)
from sphinx_apidiff.sphinx_ext.render.design import columns

FWS = ["torch", "megengine", "paddle", "jax"]
LABELS = {"torch": "PyTorch", "megengine": "MegEngine", "paddle": "PaddlePaddle", "jax": "JAX"}


@pytest.mark.parametrize(
    ("groups", "text"),
    [
        ([FWS], "all four agree"),
        ([["torch", "megengine", "paddle"], ["jax"]], "only JAX differs"),
        ([["jax"], ["torch", "megengine", "paddle"]], "only JAX differs"),  # any order in
        ([["torch", "paddle"], ["megengine", "jax"]], "PyTorch = PaddlePaddle; MegEngine = JAX"),
        # the float32 cumsum of the issue: MegEngine and Paddle bit-identical, the others apart
        (
            [["torch"], ["megengine", "paddle"], ["jax"]],
            "MegEngine = PaddlePaddle; PyTorch, JAX each differ",
        ),
        ([["torch"], ["megengine"], ["paddle"], ["jax"]], "no two agree"),
        ([["torch", "megengine", "jax"]], "all three agree; no value from PaddlePaddle"),
        ([["torch", "jax"], ["megengine"]], "only MegEngine differs; no value from PaddlePaddle"),
    ],
)
def test_agreement_says_who_agrees_with_whom(groups, text):
    assert agreement_text(groups, FWS, LABELS) == text


def test_agreement_keeps_the_declared_order():
    found = agreement([["jax", "megengine"], ["paddle", "torch"]], FWS)
    assert found.shape is Shape.SPLIT
    assert found.together == [["torch", "paddle"], ["megengine", "jax"]]
    assert agreement([["torch"], ["jax"]], FWS).absent == ["megengine", "paddle"]


def test_main_group_is_the_references_unless_another_is_larger():
    assert main_group([["torch", "paddle"], ["megengine", "jax"]], "torch") == ["torch", "paddle"]
    assert main_group([["torch"], ["megengine", "paddle", "jax"]], "torch") == [
        "megengine",
        "paddle",
        "jax",
    ]
    assert main_group([["torch"], ["megengine"]], "jax") == ["torch"]  # first on a tie
    assert main_group([], "torch") == []


def test_differs_in_collects_every_value_of_every_example():
    values = [
        [FWS],  # an example where all agree
        [["torch", "megengine", "paddle"], ["jax"]],  # resize: JAX anti-aliases
        [["torch", "paddle"], ["megengine", "jax"]],  # uint8 cumsum: 2-2
        [["torch", "megengine"]],  # Paddle and JAX failed: not counted here
    ]
    assert differs_in(values, FWS) == ["megengine", "jax"]
    assert differs_in([[FWS]], FWS) == []
    assert differs_in([], FWS) == []


def test_pairwise_table_has_a_cell_per_two_frameworks():
    pairwise = {
        "torch|megengine": {
            "max_abs": 1.7e-6,
            "max_rel": 1e-6,
            "dtype_equal": True,
            "within": True,
        },
        "torch|jax": {"max_abs": 0.895, "max_rel": 0.5, "dtype_equal": True, "within": False},
        "megengine|jax": {"max_abs": 0.895, "max_rel": 0.5, "dtype_equal": False, "within": False},
    }
    table = pairwise_table("y", pairwise, ["torch", "megengine", "jax"], LABELS)
    rows = [
        [entry.astext() for entry in row.findall(nodes.entry)] for row in table.findall(nodes.row)
    ]
    assert rows[0] == ["y: max abs. deviation", "PyTorch", "MegEngine", "JAX"]
    assert rows[1] == ["PyTorch", "—", "1.7e-06 within tolerance", "0.895 differs"]
    assert rows[2][3] == "0.895 differs dtypes differ"  # the key in declared order, read both ways
    assert rows[3][2] == rows[2][3] and rows[3][3] == "—"


def Value(groups, pairwise):
    """A compared value of the N-way report with these groups and pairwise deviations."""
    return Comparison(
        pairwise={key: PairDeviation.from_json(pair) for key, pair in pairwise.items()},
        groups=groups,
    )


def test_parts_are_for_more_than_two_frameworks_with_groups():
    document = nodes.document(None, None)
    where = nodes.paragraph()
    value = Value([["torch", "megengine", "paddle"], ["jax"]], {})
    values = {"y": (value_groups(value), value_pairwise(value))}
    [box] = agreement_parts(values, FWS, LABELS, document, where)
    assert box.astext() == "Who agrees, within the tolerance:\n\ny: only JAX differs"
    assert agreement_parts(values, ["torch", "megengine"], LABELS, document, where) == []
    old = Comparison()  # a value of a report without the N-way fields
    assert (
        agreement_parts(
            {"y": (value_groups(old), value_pairwise(old))}, FWS, LABELS, document, where
        )
        == []
    )


@pytest.mark.parametrize(
    ("cards", "most", "per_row"),
    [(1, 3, 1), (2, 3, 2), (3, 3, 3), (4, 3, 2), (5, 3, 3), (6, 3, 3), (8, 3, 2), (4, 1, 1)],
)
def test_cards_lay_out_in_rows_of_equal_count(cards, most, per_row):
    assert columns(cards, most) == per_row
