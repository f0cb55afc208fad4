"""The core without Sphinx: YAML model, signatures, parameter diff, comparisons."""

from __future__ import annotations

import math
import sys

import numpy as np
import pytest

from sphinx_apidiff.analysis import params as diff
from sphinx_apidiff.execution import comparison as compare
from sphinx_apidiff.execution.inputs import make_inputs, prelude
from sphinx_apidiff.model import schema, spec
from sphinx_apidiff.model.signature import (
    KEYWORD_ONLY,
    Param,
    Signature,
    parse_signature_text,
    signature_from_docstring,
)

PAIR = """\
id: instance-norm
apis:
  torch: torch.nn.InstanceNorm2d
  megengine: megengine.module.InstanceNorm
summary: {en: English, zh_CN: 中文}
params:
  - torch: num_features
    megengine: num_channels
    note: Channels.
examples:
  - title: first
    inputs:
      x: {shape: [2, 3]}
      i: {shape: [4], dtype: int64, low: 3, high: 5}
      b: {value: [true, false], dtype: bool}
    code:
      torch: |
        y = x

        z = 2
      megengine: y = x
    compare: [y]
"""


def test_core_imports_no_sphinx():
    """`lint-imports` (pyproject.toml) checks the package's own imports; this checks what
    they load at run time, the third-party packages' own imports included: every module
    outside the extension, the command line's too, loads neither Sphinx nor docutils."""
    import subprocess

    code = """
import importlib, pkgutil, sys
names = ["sphinx_apidiff.pipeline", "sphinx_apidiff.options", "sphinx_apidiff.files"]
for layer in ("model", "execution", "analysis", "authoring"):
    package = importlib.import_module(f"sphinx_apidiff.{layer}")
    names += [m.name for m in pkgutil.walk_packages(package.__path__, f"{package.__name__}.")]
# the worker's halves of the adapters import their framework: they run in its interpreter only
names = [name for name in names if ".worker.adapters." not in name]
assert len(names) > 40, names
for name in names:
    importlib.import_module(name)
sys.exit(sorted({m.split(".")[0] for m in sys.modules} & {"sphinx", "docutils"}) or None)
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert proc.returncode == 0, proc.stderr


def test_parse_keeps_lines():
    pair, diags = spec.parse_pair(PAIR, "p.yaml")
    assert diags == []
    assert pair.id == "instance-norm" and pair.title == "InstanceNorm2d"
    assert pair.reference == "torch"
    assert pair.params[0].name_lines == {"torch": 7, "megengine": 8}
    example = pair.examples[0]
    assert example.line == 11
    assert example.code["torch"].line == 18  # first line of the block scalar
    assert example.code["megengine"].line == 21  # a plain scalar on its key's line
    assert [i.name for i in example.inputs] == ["x", "i", "b"]
    assert spec.prose_text(pair.summary, "zh_CN") == "中文"
    assert spec.prose_text(pair.summary, "zh") == "English"
    assert spec.prose_text(pair.summary, "fr") == "English"


def test_inline_offset_and_default_id():
    pair, _ = spec.parse_pair(
        "apis:\n  torch: torch.nn.ReLU\n  megengine: megengine.module.ReLU\n",
        "doc.rst",
        line_offset=10,
    )
    assert pair.id == "relu" and pair.api_lines["torch"] == 12


@pytest.mark.parametrize(
    ("text", "subtype", "fragment", "line"),
    [
        ("apis: [", "yaml", "malformed YAML", 1),
        ("apis:\n  torch: a.b\n  megengine: c.d\ntitel: x\n", "spec", "did you mean 'title'", 4),
        ("apis:\n  torch: a.b\n", "spec", "at least 2", 1),
        (
            "apis:\n  torch: a.b\n  megengine: c.d\nx: !!python/name:os.system\n",
            "yaml",
            "not allowed",
            4,
        ),
        ("apis:\n  torch: a.b\n  megengine: c.d\napis: {}\n", "spec", "duplicate key", 4),
        (
            "apis:\n  torch: a.b\n  megengine: c.d\nexamples:\n  - code: {torch: y=1}\n"
            "    compare: [y]\n",
            "spec",
            "at least two frameworks",
            5,
        ),
        (
            "apis:\n  torch: a.b\n  megengine: c.d\nexamples:\n  - code: {torch: y=1, mge: y=1}\n",
            "framework",
            "did you mean 'megengine'",
            5,
        ),
        (
            "apis:\n  torch: a.b\n  megengine: c.d\nexamples:\n  - code: {torch: y=1}\n"
            "    inputs: {x: {shape: [2], low: 1}}\n",
            "spec",
            "integer dtypes",
            6,
        ),
    ],
)
def test_bad_input_diagnostics(text, subtype, fragment, line):
    _, diags = spec.parse_pair(text, "p.yaml")
    assert any(d.subtype == subtype and fragment in d.message and d.line == line for d in diags), (
        diags
    )


def test_an_invalid_example_title_drops_only_the_title():
    """The example is still run and shown (headed "Example N"), and the warning says so."""
    text = PAIR.replace("title: first", "title: [first, second]")
    pair, diags = spec.parse_pair(text, "p.yaml")
    assert pair is not None and len(pair.examples) == 1
    assert pair.examples[0].title is None and pair.examples[0].compare == ["y"]
    (diag,) = diags
    assert diag.line == 11 and diag.message == (
        "example 1, title: expected text or a mapping from language to text, got a list "
        "(the example is kept, with a generated title)"
    )


def test_the_docs_modules_example_with_names_is_valid():
    """docs/yaml.rst shows ``names:`` where it goes: inside a module's entry."""
    import textwrap
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "yaml.rst").read_text("utf-8")
    blocks = [b.split("\n\n", 1)[0] for b in text.split("::\n\n")[1:]]
    [shown] = [b for b in blocks if "names:" in b and "modules:" in b]
    modules = textwrap.indent(textwrap.dedent(shown), "    ")
    pair = (
        "apis: {torch: torch.nn.Conv2d, megengine: megengine.module.Conv2d}\n"
        "examples:\n"
        "  - inputs: {x: {shape: [1, 3, 5, 5]}}\n"
        f"{modules}\n"
        "    code: {torch: y = conv(x), megengine: y = conv(x)}\n"
        "    compare: [y]\n"
    )
    spec_, diags = spec.parse_pair(pair, "p.yaml")
    assert diags == [] and spec_ is not None
    names = {m.name: m.names for m in spec_.examples[0].modules}
    assert names["conv"] == {"megengine": {"bias": "bias[0, :, 0, 0]"}}


def test_a_problem_that_drops_an_example_says_so():
    text = PAIR.replace("compare: [y]", "compare: [y]\n    atol: many")
    pair, diags = spec.parse_pair(text, "p.yaml")
    assert pair is not None and pair.examples == []
    (diag,) = diags
    assert (
        diag.message == "example 1, atol: expected a number, got a string (the example is left out)"
    )


def test_signature_parsing_and_format():
    sig = parse_signature_text("cat(tensors, dim=0, *, out=None) -> Tensor")
    assert sig.names() == ["tensors", "dim", "out"]
    assert sig.get("out").kind == KEYWORD_ONLY and sig.get("dim").default == "0"
    assert (
        sig.format("torch.cat") == "torch.cat(\n    tensors,\n    dim=0,\n    *,\n    out=None\n)"
    )
    doc = "\nconv2d(input, weight, bias=None, stride=1) -> Tensor\n\nApplies a 2D convolution."
    assert signature_from_docstring(doc, "torch.nn.functional.conv2d").names()[:2] == [
        "input",
        "weight",
    ]
    assert parse_signature_text("not a signature") is None
    assert parse_signature_text("f(a b)") is None
    kwargs = Signature([Param("self"), Param("x"), Param("kwargs", "var_keyword")])
    assert kwargs.names() == ["x"]


def _sig(*params):
    return Signature([Param(name, default=default) for name, default in params])


def test_rows_tags_and_category():
    torch = _sig(
        ("num_features", None),
        ("eps", "1e-05"),
        ("momentum", "0.1"),
        ("affine", "False"),
        ("device", "None"),
    )
    mge = _sig(("num_channels", None), ("eps", "1e-05"), ("affine", "True"))
    explicit = [spec.ParamRowSpec(names={"torch": "num_features", "megengine": "num_channels"})]
    rows, diags = diff.build_rows(
        ["torch", "megengine"], {"torch": torch, "megengine": mge}, explicit
    )
    assert diags == []
    by_name = {r.names["torch"]: r for r in rows}
    assert [str(t) for t in by_name["num_features"].tags] == ["renamed"]
    assert [str(t) for t in by_name["eps"].tags] == []
    assert [str(t) for t in by_name["momentum"].tags] == ["missing:megengine"]
    assert [str(t) for t in by_name["affine"].tags] == ["default"]
    assert by_name["device"].ignored
    assert [r.names["torch"] for r in rows] == [
        "num_features",
        "eps",
        "momentum",
        "affine",
        "device",
    ]
    assert diff.categorize(rows, ["torch", "megengine"]) == "missing-params"


@pytest.mark.parametrize(
    ("torch", "mge", "rename", "category"),
    [
        ((("x", None),), (("x", None),), None, "identical"),
        ((("x", None),), (("y", None),), ("x", "y"), "renamed"),
        ((("x", None),), (("x", None), ("extra", "1")), None, "extra-params"),
        ((("x", "1"),), (("x", "2"), ("extra", "1")), None, "defaults"),
        ((("x", None), ("out", "None")), (("x", None),), None, "identical"),
        ((("x", None), ("more", "1")), (("x", "3"),), None, "missing-params"),
    ],
)
def test_category_taxonomy(torch, mge, rename, category):
    explicit = (
        [spec.ParamRowSpec(names={"torch": rename[0], "megengine": rename[1]})] if rename else []
    )
    rows, _ = diff.build_rows(
        ["torch", "megengine"], {"torch": _sig(*torch), "megengine": _sig(*mge)}, explicit
    )
    assert diff.categorize(rows, ["torch", "megengine"]) == category


def test_unknown_parameter_suggestion():
    rows, diags = diff.build_rows(
        ["torch", "megengine"],
        {"torch": _sig(("momentum", "0.1")), "megengine": None},
        [spec.ParamRowSpec(names={"torch": "momentun"}, name_lines={"torch": 9})],
    )
    assert diags[0].line == 9 and "did you mean 'momentum'?" in diags[0].message
    typo = next(r for r in rows if r.names["torch"] == "momentun")
    assert "unknown:torch" in [str(t) for t in typo.tags]
    # with MegEngine's signature unknown, nothing is claimed missing there
    assert [str(t) for t in next(r for r in rows if r.names["torch"] == "momentum").tags] == []


def test_inputs_are_seeded_and_typed():
    pair, _ = spec.parse_pair(PAIR, "p.yaml")
    inputs = pair.examples[0].inputs
    a = make_inputs(inputs, 0)
    b = make_inputs(inputs, 0)
    assert sorted(a) == sorted(b) == ["b", "i", "x"]
    assert all(np.array_equal(a[k], b[k]) for k in a)
    # the seed decides the numbers: another seed draws others
    assert not np.array_equal(make_inputs(inputs, 1)["x"], a["x"])
    assert a["x"].dtype == np.float32 and a["x"].shape == (2, 3)
    assert a["i"].dtype == np.int64 and set(np.unique(a["i"])) <= {3, 4}
    assert a["b"].tolist() == [True, False]
    # the prelude rebuilds exactly the same arrays
    namespace = {}
    exec(prelude(inputs, 0, "numpy", "asarray"), namespace)
    assert all(np.array_equal(namespace[k], a[k]) for k in a)


def test_compare_arrays():
    close = compare.compare_arrays(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-7]), 1e-6, 1e-5)
    assert close.passed and 0 < close.max_abs < 1e-6
    far = compare.compare_arrays(np.array([1.0, 2.0]), np.array([1.0, 3.0]), 1e-6, 1e-5)
    assert not far.passed and far.max_abs == 1.0 and far.max_rel == 0.5
    nan = compare.compare_arrays(
        np.array([math.nan, math.inf, 1]), np.array([math.nan, math.inf, 1]), 0, 0
    )
    assert nan.passed
    one_sided = compare.compare_arrays(np.array([math.nan, 1.0]), np.array([0.0, 1.0]), 1, 1)
    assert not one_sided.passed and "NaN/inf" in one_sided.note
    signs = compare.compare_arrays(np.array([math.inf]), np.array([-math.inf]), 1, 1)
    assert not signs.passed
    shape = compare.compare_arrays(np.zeros((2, 3)), np.zeros((3, 2)), 1, 1)
    assert not shape.passed and shape.max_abs is None and "shapes differ" in shape.note


def test_compare_values_flattens_tuples_and_reports_structure():
    values = {
        "torch": {"y": [np.array([1.0]), np.array([2])]},
        "megengine": {"y": [np.array([1.0]), np.array([2], dtype=np.int32)]},
    }
    result = compare.compare_values(values, ["torch", "megengine"], ["y"], 1e-6, 1e-5)
    assert set(result) == {"y[0]", "y[1]"} and all(r.passed for r in result.values())
    assert result["y[1]"].dtypes == {"torch": "int64", "megengine": "int32"}
    mismatch = compare.compare_values(
        {"torch": {"y": [np.array(1.0)]}, "megengine": {"y": np.array(1.0)}},
        ["torch", "megengine"],
        ["y"],
        1e-6,
        1e-5,
    )
    assert not mismatch["y"].passed and "values differ" in mismatch["y"].note


def test_json_schema_is_the_validator():
    doc = schema.json_schema()
    assert doc["required"] == ["apis"] and doc["additionalProperties"] is False
    assert set(doc["properties"]) == set(schema.PAIR.keys)
    example = doc["properties"]["examples"]["items"]
    assert set(example["properties"]) == set(schema.EXAMPLE.keys)
    word, by_framework = example["properties"]["expect"]["oneOf"]
    assert word["enum"] == ["match", "differ", "error", "unstable"]
    assert set(by_framework["properties"]) == {"error", "differs", "groups"}


def test_docstring_overloads_are_merged_and_loose_lines_parsed():
    doc = (
        "sum(input, *, dtype=None) -> Tensor\n\nReturns the sum.\n\n"
        ".. function:: sum(input, dim, keepdim=False, *, dtype=None) -> Tensor\n"
        "   :noindex:\n\n    >>> torch.sum(a, 1)\n"
    )
    sig = signature_from_docstring(doc, "torch.sum")
    assert sig.names() == ["input", "dim", "keepdim", "dtype"]
    assert sig.get("dtype").kind == KEYWORD_ONLY
    # not valid Python (a default before a required parameter), as in torch.arange
    loose = parse_signature_text("arange(start=0, end, step=1, *, out=None) -> Tensor")
    assert loose.names() == ["start", "end", "step", "out"]
    assert loose.get("end").default is None and loose.get("out").kind == KEYWORD_ONLY


def test_draft_pairs_renames_not_lookalikes():
    from sphinx_apidiff.authoring.draft import pair_params

    relu = pair_params(_sig(("inplace", "False")), _sig(("name", "None")))
    assert relu == []  # `name` never counts, and inplace is not a rename of anything
    softmax = pair_params(
        _sig(("input", None), ("dim", "None"), ("dtype", "None")),
        _sig(("inp", None), ("axis", "None")),
    )
    assert [(a, b) for a, b, _ in softmax] == [("input", "inp"), ("dim", "axis")]
    norm = pair_params(
        _sig(("num_features", None), ("momentum", "0.1")),
        _sig(("num_channels", None), ("affine", "True")),
    )
    assert [(a, b) for a, b, _ in norm] == [("num_features", "num_channels")]


def test_no_module_over_500_lines_and_no_class_over_250():
    """The house's size rule: a module that grows past it has two
    concerns, a class past it renders or decides too much."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "sphinx_apidiff"
    too_long = []
    for path in sorted(package.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.count("\n") > 500:
            too_long.append(f"{path.relative_to(package)}: {text.count(chr(10))} lines")
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.ClassDef) and node.end_lineno - node.lineno + 1 > 250:
                too_long.append(f"{path.relative_to(package)}: class {node.name}")
    assert too_long == []
