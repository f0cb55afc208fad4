"""Defaults compared as values, and the dtype rule in every run: an example's, its
recipe's, each cell of its sweep (gradients included)."""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sphinx_apidiff.analysis.params import build_rows
from sphinx_apidiff.model.signature import Param, Signature, same_default
from sphinx_apidiff.model.vocabulary import TagKind

from .conftest import root_fixture, unbroken, warnings_of

app = root_fixture("dtypes")


# -- defaults by value -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("0", "0.0", True),  # the same number, written two ways
        ("1e-08", "1e-8", True),
        ("0.1", "0.9", False),
        ("(1, 1)", "1", False),  # a tuple is no scalar
        ("(1, 1)", "(1.0, 1)", True),
        ("(1, 1)", "[1, 1]", False),
        ("False", "0", False),  # a bool is no number
        ("(False,)", "(0,)", False),
        ("True", "True", True),
        ("None", "None", True),
        ("None", "0", False),
        ("'mean'", '"mean"', True),
        ("'mean'", "'sum'", False),
        ("<module 'pickle'>", "<module 'pickle'>", True),  # no literal: compared as text
        ("<module 'pickle'>", "<module 'dill'>", False),
        (None, None, True),  # neither has a default
        (None, "0", False),
    ],
)
def test_defaults_compare_as_values(a, b, same):
    assert same_default(a, b) is same
    assert same_default(b, a) is same


def test_a_default_written_0_and_0_0_is_no_default_difference():
    signatures = {
        "torch": Signature([Param("momentum", default="0"), Param("lr", default="0.1")]),
        "megengine": Signature([Param("momentum", default="0.0"), Param("lr", default="0.9")]),
    }
    rows, _ = build_rows(["torch", "megengine"], signatures, [])
    tagged = {row.key: row.has(TagKind.DEFAULT) for row in rows}
    assert tagged == {"momentum": False, "lr": True}
    assert rows[0].defaults == {"torch": "0", "megengine": "0.0"}  # shown as each writes it


_LITERALS = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.tuples(inner, inner),
    max_leaves=6,
)
_DEFAULTS = st.none() | _LITERALS.map(repr) | st.text(max_size=20)


@given(_DEFAULTS, _DEFAULTS)
def test_the_default_rule_is_symmetric(a, b):
    assert same_default(a, b) == same_default(b, a)


@given(_DEFAULTS)
def test_equal_defaults_are_always_the_same(a):
    assert same_default(a, a)


@given(_LITERALS, _LITERALS)
def test_literals_that_are_equal_values_are_the_same_default(a, b):
    # where Python's == and the bool rule agree, the rule is value equality
    has_bool = "True" in repr((a, b)) or "False" in repr((a, b))
    if a == b and not has_bool:
        assert same_default(repr(a), repr(b))


# -- dtypes in every run (real torch and MegEngine) ---------------------------------------


def _pair(app, pair_id="mul"):
    pairs = json.loads((app.outdir / "apidiff.json").read_text("utf-8"))["pairs"]
    return next(p for p in pairs if p["id"] == pair_id)


def _sweep_rows(html: str, nth: int = 0) -> dict[str, str]:
    """The rows of the ``nth`` sweep matrix of the page, by dtype."""
    table = html.split('class="apidiff-results apidiff-sweep')[nth + 1]
    table = table[: table.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S)[1:]
    return {re.search(r'<span class="pre">(\w+)</span>', row)[1]: row for row in rows}


@pytest.mark.megengine
def test_the_root_builds_without_a_warning(app):
    assert warnings_of(app) == []


@pytest.mark.megengine
def test_a_sweep_cell_whose_dtypes_differ_shows_the_badge_and_gives_the_kind(app):
    pair = _pair(app)
    sweeping, _ = pair["examples"]
    # the example's own run (float32) has the same dtypes everywhere
    assert all(r["dtype_equal"] for r in sweeping["results"].values())
    cells = {c["dtype"]: c for c in sweeping["sweep"]}
    wide = cells["float64"]["results"]
    assert cells["float64"]["status"] == "match"  # the values agree
    assert wide["y"]["dtypes"] == {"torch": "float64", "megengine": "float32"}
    assert wide["y"]["dtype_equal"] is False
    assert "dtype" in pair["kinds"]
    rows = _sweep_rows((app.outdir / "index.html").read_text("utf-8"))
    assert "dtypes differ" in rows["float64"]
    assert "dtypes differ" not in rows["float32"]


@pytest.mark.megengine
def test_a_gradient_whose_dtypes_differ_shows_the_badge_and_gives_the_kind(app):
    pair = _pair(app, "sigmoid")
    (example,) = pair["examples"]
    (cell,) = example["sweep"]
    # the value is cast to float32 in PyTorch: only the gradient keeps float64
    assert cell["results"]["y"]["dtype_equal"] is True
    grad = cell["results"]["x.grad"]
    assert grad["kind"] == "grad"
    assert grad["dtypes"] == {"torch": "float64", "megengine": "float32"}
    assert "dtype" in pair["kinds"]
    rows = _sweep_rows((app.outdir / "index.html").read_text("utf-8"), nth=1)
    assert "dtypes differ" in rows["float64"]


@pytest.mark.megengine
def test_a_recipe_whose_dtypes_differ_shows_the_badge(app):
    _, documented = _pair(app)["examples"]
    assert documented["results"]["y"]["dtype_equal"] is True  # the example's own run
    recipe = documented["recipe"]
    assert recipe["status"] == "match"
    assert recipe["results"]["y"]["dtypes"] == {"torch": "int32", "megengine": "int16"}
    html = (app.outdir / "index.html").read_text("utf-8")
    box = html[html.index("How to get the same result") :]
    status = box[: box.index("</p>", box.index('class="apidiff-status"'))]
    assert "dtypes differ" in status


@pytest.mark.megengine
def test_the_dtype_table_lists_the_pair(app):
    html = (app.outdir / "index.html").read_text("utf-8")
    table = unbroken(html[html.index('class="apidiff-overview') :])
    table = table[: table.index("</table>")]
    assert "torch.mul" in table and "torch.sigmoid" in table
