"""Every claim is evidence: dtype verdicts and the kinds of difference of a pair."""

from __future__ import annotations

import json
import re

import pytest

from sphinx_apidiff.model.spec import parse_pair
from sphinx_apidiff.model.vocabulary import Verdict, verdict

from .conftest import root_fixture, unbroken, warnings_of

app = root_fixture("evidence")


@pytest.mark.parametrize(
    ("expect", "status", "dtype_expect", "dtype_equal", "expected"),
    [
        ("match", "match", "same", True, Verdict.AS_EXPECTED),
        ("match", "match", "same", False, Verdict.UNEXPECTED),  # a match hiding a dtype
        ("match", "match", "differs", False, Verdict.DOCUMENTED),
        ("match", "match", "differs", True, Verdict.UNEXPECTED),
        ("differ", "differ", "same", True, Verdict.DOCUMENTED),
        ("differ", "differ", "same", False, Verdict.UNEXPECTED),
        ("differ", "match", "same", True, Verdict.UNEXPECTED),
        ("error", "error", "same", True, Verdict.AS_EXPECTED),  # no values: dtypes moot
        ("match", "not-run", "same", False, Verdict.NOT_RUN),
    ],
)
def test_verdict_rule(expect, status, dtype_expect, dtype_equal, expected):
    assert verdict(expect, status, dtype_expect=dtype_expect, dtype_equal=dtype_equal) is expected


def test_recipe_none_excludes_code():
    text = (
        "apis: {torch: torch.abs, megengine: megengine.functional.abs}\n"
        "examples:\n"
        "  - code: {torch: 'y = 1', megengine: 'y = 1'}\n"
        "    expect: differ\n"
        "    recipe: {none: no equivalent, torch: 'y = 2'}\n"
    )
    spec, diags = parse_pair(text, "x.yaml")
    assert spec is not None and spec.examples == []
    assert [(d.line, d.message) for d in diags] == [
        (
            5,
            "recipe: 'none' (no equivalent) excludes code for a framework (the example is left out)",
        )
    ]


def test_recipe_is_read_with_lines():
    text = (
        "apis: {torch: torch.abs, megengine: megengine.functional.abs}\n"
        "examples:\n"
        "  - code: {torch: 'y = 1', megengine: 'y = 2'}\n"
        "    expect: differ\n"
        "    recipe:\n"
        "      megengine: |\n"
        "        y = 1\n"
    )
    spec, diags = parse_pair(text, "x.yaml")
    assert diags == []
    recipe = spec.examples[0].recipe
    assert recipe is not None and recipe.code["megengine"].text == "y = 1\n"
    assert recipe.code["megengine"].line == 7
    run = spec.examples[0].with_code(recipe.code)
    assert run.code["megengine"].text == "y = 1\n" and run.code["torch"].text == "y = 1"


@pytest.mark.megengine
def test_int64_and_int32_indices_are_a_dtype_difference(app):
    pair = json.loads((app.outdir / "apidiff.json").read_text("utf-8"))["pairs"][0]
    stated, unstated, wrong = pair["examples"]
    assert stated["status"] == unstated["status"] == "match"  # the values agree
    comparison = stated["results"]["i"]
    assert comparison["dtypes"] == {"torch": "int64", "megengine": "int32"}
    assert comparison["dtype_equal"] is False
    assert wrong["results"]["y"]["dtype_equal"] is True
    assert "dtype" in pair["kinds"]


@pytest.mark.megengine
def test_a_dtype_difference_must_be_stated_and_true(app):
    warnings = [w for w in warnings_of(app) if "[apidiff.exec]" in w]
    assert len(warnings) == 2, warnings
    unstated, wrong = warnings
    assert "argmax.yaml:22" in unstated and "i: int64 vs int32" in unstated
    assert "say 'dtype: differs'" in unstated
    assert "argmax.yaml:31" in wrong and "every compared value has the same dtype" in wrong


def _pair(app, pair_id):
    pairs = json.loads((app.outdir / "apidiff.json").read_text("utf-8"))["pairs"]
    return next(p for p in pairs if p["id"] == pair_id)


@pytest.mark.megengine
def test_a_recipe_runs_and_is_reported(app):
    works, fails, reason, missing = _pair(app, "std")["examples"]
    assert works["status"] == "differ"
    assert works["recipe"]["status"] == "match"
    assert works["recipe"]["results"]["y"]["max_abs"] < 1e-6
    assert fails["recipe"]["status"] == "differ"
    assert reason["recipe_reason"] == "The two constants are different on purpose."
    assert "recipe" not in reason and "recipe" not in missing and "recipe_reason" not in missing


@pytest.mark.megengine
def test_a_failing_or_missing_recipe_is_a_located_warning(app):
    warnings = [w for w in warnings_of(app) if "[apidiff.recipe]" in w]
    assert len(warnings) == 2, warnings
    fails, missing = warnings
    assert "std.yaml:28" in fails and "its recipe does not get the same result (differ)" in fails
    assert "std.yaml:43" in missing and "needs a recipe" in missing


def test_a_row_cites_examples_by_their_number_in_the_file():
    text = (
        "apis: {torch: torch.abs, megengine: megengine.functional.abs}\n"
        "params:\n"
        "  - {torch: input, megengine: inp, examples: [2, 3]}\n"
        "examples:\n"
        "  - code: {torch: 'y = 1'}\n"
        "    compare: [y]\n"  # unusable (compare needs two frameworks): dropped
        "  - code: {torch: 'y = 1', megengine: 'y = 1'}\n"
    )
    spec, diags = parse_pair(text, "x.yaml")
    assert [(d.line, d.message) for d in diags] == [
        (5, "compare needs code for at least two frameworks (the example is left out)"),
        (3, "params row: there is no example 3 (2 in this file)"),
    ]
    # example 2 of the file is the first (and only) usable one
    assert spec.params[0].examples == [0] and spec.examples[0].index == 1


def test_uncited_rows_are_the_changed_defaults_without_evidence():
    from sphinx_apidiff.analysis.pair import PairAnalysis, uncited_rows
    from sphinx_apidiff.analysis.params import Row
    from sphinx_apidiff.model.vocabulary import Tag, TagKind

    spec, _ = parse_pair("apis: {torch: torch.abs, megengine: megengine.functional.abs}\n", "x")
    default = Tag(TagKind.DEFAULT)
    rows = [
        Row({"torch": "p", "megengine": "drop_prob"}, {}, [default], line=4),
        Row({"torch": "q", "megengine": "q"}, {}, [default], examples=[0], line=5),  # cited
        Row({"torch": "r", "megengine": "r"}, {}, [default], ignored=True, line=6),
        Row({"torch": "s", "megengine": "t"}, {}, [Tag(TagKind.RENAMED)], line=7),
        Row({"torch": "u", "megengine": "v"}, {}, [Tag(TagKind.MEANING)], line=8),
    ]
    problems = uncited_rows(spec, PairAnalysis(rows=rows))
    assert [(d.subtype, d.line) for d in problems] == [("evidence", 4), ("evidence", 8)]
    assert problems[0].message.startswith("parameter p / drop_prob: its default differs")
    assert problems[1].message.startswith("parameter u / v: its meaning differs")


def test_meaning_differs_is_a_tag_of_its_row():
    from sphinx_apidiff.analysis.params import build_rows

    text = (
        "apis: {torch: torch.split, megengine: megengine.functional.split}\n"
        "params:\n"
        "  - {torch: split_size_or_sections, megengine: nsplits_or_sections, meaning: differs}\n"
        "  - {torch: dim, megengine: axis, meaning: same}\n"
    )
    spec, diags = parse_pair(text, "x.yaml")
    assert diags == [] and [r.meaning_differs for r in spec.params] == [True, False]
    rows, _ = build_rows(spec.frameworks, {"torch": None, "megengine": None}, spec.params)
    assert [[str(t) for t in r.tags] for r in rows] == [["meaning"], []]


@pytest.mark.megengine
def test_the_table_shows_the_verdicts_of_the_cited_examples(app):
    html = (app.outdir / "index.html").read_text("utf-8")
    start = html.index("The indices agree; their dtypes do not.")
    cell = html[start : html.index("</td>", start)]
    assert "Shown by:" in cell
    assert cell.count('href="#argmax-example-') == 2
    # each named as its example is headed, and linked to that heading
    for title in ("Indices, their dtypes stated", "Indices, their dtypes not stated"):
        link = re.search(r'href="#([^"]+)"[^>]*>' + re.escape(title) + "<", cell)
        assert link, (title, cell)
        heading = re.search(rf'<section[^>]* id="{link[1]}">\s*<h\d>([^<]+)<', html)
        assert heading and heading[1] == title
    assert "Example 1" not in cell and "Example 2" not in cell
    assert cell.count("apidiff-badge-documented") == 1  # example 1: the dtypes stated
    assert cell.count("apidiff-badge-failed") == 1  # example 2: they are not


def test_the_reference_cannot_be_missing():
    text = "apis: {torch: {none: torch.abs}, megengine: megengine.functional.abs}\n"
    spec, diags = parse_pair(text, "x.yaml")
    assert spec is None
    assert [(d.line, d.message) for d in diags] == [
        (1, "the reference (the first API) cannot be {none: ...}: name an API it has")
    ]


@pytest.mark.megengine
def test_no_counterpart_is_checked_and_shown(app):
    flip, absent = _pair(app, "flip"), _pair(app, "abs")
    assert flip["category"] == absent["category"] == "unsupported"
    assert "unsupported:megengine" in flip["kinds"]
    assert [e["status"] for e in flip["examples"]] == ["match"]  # the workaround
    # a name that exists is a located warning: the page's claim is false
    [wrong] = [w for w in warnings_of(app) if "abs.yaml" in w]
    assert "abs.yaml:3" in wrong and "[apidiff.api]" in wrong
    assert "megengine.functional.abs exists in MegEngine" in wrong
    html = (app.outdir / "index.html").read_text("utf-8")
    assert "No counterpart in MegEngine." in html
    assert "Checked at build time: megengine.functional.flip does not exist." in html
    assert "MegEngine (workaround)" in html


def _overviews(html: str) -> tuple[str, str]:
    """The root's two overview tables: ``:kind: unsupported``, then ``unsupported:megengine``."""
    html = unbroken(html)
    first = html.index('class="apidiff-overview')
    second = html.index("apidiff-by-framework", first)
    return html[first:second], html[second:]


@pytest.mark.megengine
def test_a_kind_without_its_framework_means_any_framework(app):
    html = (app.outdir / "index.html").read_text("utf-8")
    for table in _overviews(html):
        assert table.count("torch.flip") == 1 and "torch.abs" in table
        assert "torch.std" not in table and "torch.argmax" not in table
        assert "no such API" in table  # the missing API, not "no counterpart" (a parameter's)


@pytest.mark.megengine
def test_a_page_with_no_counterpart_says_what_its_parameter_table_is(app):
    html = (app.outdir / "index.html").read_text("utf-8")
    assert 'id="flip-params"' not in html  # no parameter row of its own: no table
    start = html.index('id="abs-params"')
    section = html[start : html.index('class="apidiff-overview', start)]
    intro = "No counterpart in MegEngine: the rows are the parameters of PyTorch"
    assert intro in section
    assert "<code" in section and ">out<" in section  # the reference's ignored parameter ...
    assert "not counted" not in section  # ... unmarked: nothing is counted here
