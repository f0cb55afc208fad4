"""The one YAML writer of the authoring tools: every scalar reads back, comments stay.

``sphinx-apidiff new`` and ``sphinx-apidiff import`` both write through
:mod:`sphinx_apidiff.authoring.yamltext` (test_legacy checks that they do). Here:
whatever a value is, the text written loads back (``yaml.safe_load``) to the same
value, in every place a value can go; and comments are written where they are added.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from sphinx_apidiff.authoring.yamltext import Flow, Mapping, Sequence, scalar

_HOME = tempfile.mkdtemp(prefix="apidiff-hypothesis-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
set_hypothesis_home_dir(_HOME)

# Strings that YAML 1.1 (PyYAML) reads as something else, or that break a line when plain.
TRICKY = [
    *["yes", "no", "Yes", "NO", "on", "off", "y", "n", "true", "False", "null", "Null", "~"],
    *["", "1e3", "1.0e3", "1_000", "0x1f", "0o17", "017", "1:20", ".inf", "-.inf", ".nan"],
    *["2001-12-14", "<<", "=", ": ", "a: b", "a:", "#", "a #b", "a# b", "- x", "-", "? x", "?"],
    *["!tag", "&anchor", "*alias", "|", ">", "@at", "`tick", "%YAML", "'", '"', "'a'", '"a"'],
    *["[a]", "{a: b}", "a, b", "a]", "a}", ",", "\\", "\\n", " leading", "trailing ", " "],
    *["\ttab", "tab\t", "a\tb", "默认值不同。", "参数 ``dim`` 对应 ``axis``：", "\u3000全角\u3000"],
    *["é", "😀", "\x00", "\x07", "\x1b[0m", "\x7f", "\x85", "\u2028", "\u2029", "\ufeff"],
    *["line1\nline2", "ends\n", "no end\nx", "\nleading newline", "  indented\nsecond\n"],
    *["a\n\n", "\n", "\n\n", "a\n\nb\n", "a\r\nb", "code:\n    indented\n\tand tab\n"],
    *["trailing space \nnext", "#\n# not a comment\n", "---\n...\n", "x\n  - y\n"],
]


def _places(value: str) -> list[tuple[Mapping, object]]:
    """The value in each place a value can go, and the data that must load back."""
    return [
        (Mapping().add("k", value), {"k": value}),
        (Mapping().add("k", [value, "x"]), {"k": [value, "x"]}),
        (Mapping().add("k", {"inner": value}), {"k": {"inner": value}}),
        (
            Mapping().add("k", Sequence().append({"a": value, "b": value})),
            {"k": [{"a": value, "b": value}]},
        ),
        (
            Mapping().add("k", Flow({"en": value, "zh_CN": value})),
            {"k": {"en": value, "zh_CN": value}},
        ),
        (Mapping().add("k", Flow([value, value])), {"k": [value, value]}),
        (Mapping().add("k", value, comment="a comment"), {"k": value}),
        (Mapping().add(value or "empty", 1), {value or "empty": 1}),
        (Mapping().add("k", Flow({value or "empty": value})), {"k": {value or "empty": value}}),
    ]


@pytest.mark.parametrize("value", TRICKY)
def test_every_scalar_reads_back(value):
    for doc, data in _places(value):
        text = doc.document()
        assert yaml.safe_load(text) == data, text


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_any_text_reads_back(value):
    for doc, data in _places(value):
        assert yaml.safe_load(doc.document()) == data


@settings(max_examples=100, deadline=None, database=None)
@given(st.lists(st.text(alphabet=st.sampled_from("ab :#-\n\t'\"|>{}[],默"), max_size=12)))
def test_text_of_yaml_characters_reads_back(parts):
    value = "".join(parts)
    for doc, data in _places(value):
        assert yaml.safe_load(doc.document()) == data


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("yes", '"yes"'),
        ("null", '"null"'),
        ("1:20", '"1:20"'),
        ("a: b", '"a: b"'),
        ("a #b", '"a #b"'),
        (" leading", '" leading"'),
        ("\u2028", '"\\u2028"'),
        ("1e3", "1e3"),  # a string to PyYAML: no quotes needed
        ("默认值不同。", "默认值不同。"),  # CJK stays readable
        ("torch.nn.Conv2d", "torch.nn.Conv2d"),
    ],
)
def test_plain_when_safe_quoted_when_not(value, written):
    assert scalar(value) == written


def test_code_and_multiline_prose_are_blocks():
    code = "m = torch.nn.ReLU()\ny = m(x)\n"
    assert scalar(code, indent=4) == "|\n    m = torch.nn.ReLU()\n    y = m(x)"
    assert scalar("no final newline\nx", indent=2) == "|-\n  no final newline\n  x"
    assert scalar("  indented first\nx\n", indent=2) == "|2\n    indented first\n  x"
    text = Mapping().add("code", {"torch": code}).document()
    assert text == "code:\n  torch: |\n    m = torch.nn.ReLU()\n    y = m(x)\n"


def test_comments_where_they_are_added():
    row = Mapping().add("torch", "dim", comment="review: paired by similarity (0.90)")
    row.add("megengine", "axis")
    example = Mapping().add("compare", Flow(["shape"]))
    example.comment("compares output shapes")
    doc = Mapping()
    doc.comment("yaml-language-server: $schema=x", "")
    doc.add("params", Sequence().append(row))
    doc.add("examples", [example])
    doc.comment("Legacy example:", "import torch", "", "y = 1", blank_before=True)
    assert doc.document() == (
        "# yaml-language-server: $schema=x\n"
        "#\n"
        "params:\n"
        "  - torch: dim  # review: paired by similarity (0.90)\n"
        "    megengine: axis\n"
        "examples:\n"
        "  - compare: [shape]\n"
        "    # compares output shapes\n"
        "\n"
        "# Legacy example:\n"
        "# import torch\n"
        "#\n"
        "# y = 1\n"
    )
    with pytest.raises(ValueError, match="line break"):
        Mapping().comment("two\nlines")
    with pytest.raises(ValueError, match="duplicate key"):
        Mapping().add("k", 1).add("k", 2)


def test_other_scalars_read_back():
    values = [None, True, False, 0, -3, 10**30, 0.5, 1e-300, float("inf"), float("-inf")]
    doc = Mapping().add("values", values).add("flow", Flow(values)).add("empty", {}).add("none", [])
    assert yaml.safe_load(doc.document()) == {
        "values": values,
        "flow": values,
        "empty": {},
        "none": [],
    }
