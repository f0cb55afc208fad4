"""Gradients, declared modules and sweeps: new kinds of results in the same typed model."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_apidiff.execution.autodiff import finish_code, setup_code
from sphinx_apidiff.execution.comparison import compare_values
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import ExampleJob
from sphinx_apidiff.model.spec import parse_pair
from sphinx_apidiff.model.vocabulary import GENERATED_NAMES

from .conftest import MEGENGINE_PYTHON, build_root, root_fixture, status_of, warnings_of
from .machines import perturb_store, report_disagreements

app = root_fixture("grad")
ROOT = Path(__file__).parent / "roots" / "test-grad"

STORE = {"apidiff_store_path": "_apidiff_store"}
HEAD = "apis: {torch: torch.nn.Linear, megengine: megengine.module.Linear}\nexamples:\n"


def _pair(app, pair_id):
    pairs = json.loads((app.outdir / "apidiff.json").read_text("utf-8"))["pairs"]
    return next(p for p in pairs if p["id"] == pair_id)


# -- the format ---------------------------------------------------------------------------


def test_grad_names_inputs_and_modules_or_says_what_it_could_mean():
    text = HEAD + (
        "  - inputs: {x: {shape: [2, 3]}, i: {shape: [2], dtype: int64}}\n"
        "    modules: {fc: {torch: 'torch.nn.Linear(3, 1)', megengine: 'megengine.module.Linear(3, 1)'}}\n"
        "    code: {torch: 'y = fc(x).sum()', megengine: 'y = fc(x).sum()'}\n"
        "    grad: {of: y, upstream: dz, wrt: [x, fd, i]}\n"
    )
    spec, diags = parse_pair(text, "p.yaml")
    assert spec is not None and spec.examples == []
    assert [(d.line, d.message) for d in diags] == [
        (6, "grad.upstream: 'dz' is no input (the example is left out)"),
        (
            6,
            "grad.wrt: 'fd' is neither an input nor a module; did you mean 'fc'? "
            "(the example is left out)",
        ),
        (6, "grad.wrt: input 'i' is no float tensor (int64) (the example is left out)"),
    ]


def test_a_module_needs_an_expression_for_every_framework_with_code():
    text = HEAD + (
        "  - modules:\n"
        "      fc: {torch: 'torch.nn.Linear(3, 1)', weights: own}\n"
        "    code: {torch: 'y = 1', megengine: 'y = 1'}\n"
    )
    spec, diags = parse_pair(text, "p.yaml")
    assert [(d.line, d.message) for d in diags] == [(4, "module 'fc': no expression for megengine")]
    assert spec is not None and spec.examples[0].modules == []


def test_a_parameter_mapping_is_a_name_and_views_of_it():
    text = HEAD + (
        "  - modules:\n"
        "      m:\n"
        "        torch: torch.nn.RNN(3, 4)\n"
        "        megengine: megengine.module.RNN(3, 4)\n"
        "        names:\n"
        "          megengine:\n"
        "            weight_ih_l0: '_flatten_weights.reshape(-1)[0:12].reshape(4, 3)'\n"
        "            bias_ih_l0: 'import os'\n"
        "    code: {torch: 'y = 1', megengine: 'y = 1'}\n"
    )
    _, diags = parse_pair(text, "p.yaml")
    assert len(diags) == 1 and diags[0].line == 10
    assert "'import os' is not valid: a parameter name, then optional [index]" in diags[0].message


def test_a_sweep_is_its_cells_each_with_its_dtype_seed_and_tolerance():
    text = HEAD + (
        "  - inputs: {x: {shape: [2]}, i: {shape: [2], dtype: int64}}\n"
        "    seed: 5\n"
        "    code: {torch: 'y = x', megengine: 'y = x'}\n"
        "    sweep: {dtypes: [float32, float16, bfloat16, int32], seeds: 2, atol: {float16: 0.1}}\n"
    )
    spec, diags = parse_pair(text, "p.yaml")
    assert diags == []
    example = spec.examples[0]
    assert example.sweep.inputs == ["x"]  # the generated float inputs, not the int one
    cells = example.sweep.cells()
    assert [cell.id for cell in cells] == [
        "float32/5", "float32/6", "float16/5", "float16/6",
        "bfloat16/5", "bfloat16/6", "int32/5", "int32/6",
    ]  # fmt: skip
    half = example.for_cell(cells[2])
    assert [s.dtype for s in half.inputs] == ["float16", "int64"]
    assert (half.seed, half.atol, half.rtol) == (5, 0.1, 1e-3)
    brain = example.for_cell(cells[4])
    assert (brain.atol, brain.rtol) == (1e-2, 1e-2)  # bfloat16's floor above the example's
    assert example.for_cell(cells[6]).atol == example.atol


def test_a_sweep_names_real_inputs():
    text = HEAD + (
        "  - inputs: {x: {shape: [2]}}\n"
        "    code: {torch: 'y = x', megengine: 'y = x'}\n"
        "    sweep: {dtypes: [float16], inputs: [xx], rtol: {float32: 1}}\n"
    )
    _, diags = parse_pair(text, "p.yaml")
    assert [d.message for d in diags] == [
        "sweep.inputs: 'xx' is no input; did you mean 'x'? (the example is left out)",
        "sweep.rtol: 'float32' is not swept; did you mean 'float16'? (the example is left out)",
    ]


def test_the_gradient_code_is_each_frameworks_own():
    text = HEAD + (
        "  - inputs: {x: {shape: [2, 3]}, dy: {shape: [2, 1]}}\n"
        "    modules: {fc: {torch: 'torch.nn.Linear(3, 1)', megengine: 'megengine.module.Linear(3, 1)'}}\n"
        "    code: {torch: 'y = fc(x)', megengine: 'y = fc(x)'}\n"
        "    grad: {of: y, upstream: dy, wrt: [x, fc]}\n"
    )
    spec, _ = parse_pair(text, "p.yaml")
    example = spec.examples[0]
    torch_setup, mge_setup = setup_code(example, "torch"), setup_code(example, "megengine")
    assert "x.requires_grad_(True)" in torch_setup and "GradManager" not in torch_setup
    assert "grad_manager = GradManager().attach([x, *fc.parameters()])" in mge_setup
    assert 'same_weights(weights[param_name], "fc." + param_name)' in torch_setup
    assert finish_code(example, "torch").startswith("y.backward(dy)\n")
    assert finish_code(example, "megengine").startswith("grad_manager.backward(y, dy)\n")


def test_the_weight_code_is_short_and_says_each_mapped_parameter():
    """What a reader pastes: one small helper, then a line per parameter kept elsewhere."""
    spec, _ = parse_pair((ROOT / "pairs" / "sequential.yaml").read_text("utf-8"), "s.yaml")
    example = spec.examples[0]
    setup, finish = setup_code(example, "megengine"), finish_code(example, "megengine")
    assert "eval" not in setup + finish
    assert 'same_weights(weights["1.weight"].T.T, "net.2.weight")' in setup
    assert 'grads["net.2.weight.grad"] = None if grad is None else grad.T.T' in finish
    assert len((setup + finish).splitlines()) <= 40  # 48 with the generic helpers
    assert len(setup_code(example, "torch").splitlines()) <= 20  # 41 with them
    # the generated code's own names are names an example may not take
    names = {"grads", "grad_manager", "same_weights", "weights", "params", "grad", "param_name"}
    assert names <= set(GENERATED_NAMES)


# -- real torch and MegEngine ---------------------------------------------------------------


@pytest.mark.megengine
def test_the_root_builds_without_a_warning(app):
    assert warnings_of(app) == []


@pytest.mark.megengine
def test_an_input_gradient_matches(app):
    (example,) = _pair(app, "sigmoid")["examples"]
    assert example["status"] == "match"
    assert {name: r["kind"] for name, r in example["results"].items()} == {
        "y": "value",
        "x.grad": "grad",
    }
    grad = example["results"]["x.grad"]
    assert grad["shapes"] == {"torch": [3, 4], "megengine": [3, 4]}
    assert grad["passed"] and grad["max_abs"] < 1e-6


@pytest.mark.megengine
def test_parameter_gradients_match_through_renamed_parameters(app):
    (example,) = _pair(app, "sequential")["examples"]
    assert example["status"] == "match"
    grads = {n: r for n, r in example["results"].items() if r["kind"] == "grad"}
    # by PyTorch's names: MegEngine's nested layers are found through the mapping
    assert list(grads) == [
        "x.grad",
        "net.0.weight.grad",
        "net.0.bias.grad",
        "net.2.weight.grad",
        "net.2.bias.grad",
    ]
    assert grads["net.2.weight.grad"]["shapes"] == {"torch": [2, 4], "megengine": [2, 4]}
    assert all(r["passed"] and r["max_abs"] < 1e-5 for r in grads.values())
    assert min(r["max_rel"] for r in grads.values()) >= 0  # every row was really compared
    assert example["results"]["loss"]["passed"]  # the same weights went in on both sides


@pytest.mark.megengine
def test_a_gradient_that_really_differs_is_a_documented_difference(app):
    (example,) = _pair(app, "max")["examples"]
    assert example["status"] == "differ" and example["expect"] == "differ"
    value, grad = example["results"]["y"], example["results"]["x.grad"]
    assert value["passed"] and not grad["passed"]
    # two tied maxima: PyTorch gives each 0.5, MegEngine each 1.0
    assert grad["max_abs"] == 0.5
    assert {"values", "gradients"} <= set(_pair(app, "max")["kinds"])
    assert "gradients" not in _pair(app, "sequential")["kinds"]


@pytest.mark.megengine
def test_a_sweep_reports_the_dtype_megengine_rejects_as_a_finding(app):
    (example,) = _pair(app, "exp")["examples"]
    cells = {(c["dtype"], c["seed"]): c for c in example["sweep"]}
    assert list(cells) == [(d, s) for d in ("float32", "float16", "bfloat16") for s in (0, 1)]
    half = cells[("float16", 1)]
    assert half["status"] == "match"
    assert half["results"]["y"]["dtypes"] == {"torch": "float16", "megengine": "float16"}
    brain = cells[("bfloat16", 0)]
    assert brain["status"] == "unsupported"
    assert list(brain["failed"]) == ["megengine"]
    assert "bfloat16" in brain["failed"]["megengine"]
    assert example["status"] == "match"  # the example itself is unchanged by its sweep
    assert "support:megengine" in _pair(app, "exp")["kinds"]
    html = (app.outdir / "index.html").read_text("utf-8")
    assert "Across dtypes and seeds" in html and "unsupported" in html


@pytest.mark.megengine
def test_the_page_shows_gradient_rows_and_the_code_that_took_them(app):
    html = (app.outdir / "index.html").read_text("utf-8")
    assert "apidiff-badge-grad" in html
    assert "grad_manager" in html and "backward" in html  # the runnable code, as it ran
    assert "the parameters of net" in html


@pytest.mark.megengine
def test_editing_a_sweeps_dtypes_reruns_only_the_new_cells(rootdir, tmp_path):
    first = build_root(rootdir, "grad", tmp_path)
    first.cleanup()
    assert "sweep cells: 4 match, 2 unsupported (6 run)" in status_of(first)
    pair = first.srcdir / "pairs" / "exp.yaml"
    text = pair.read_text(encoding="utf-8")
    pair.write_text(text.replace("bfloat16]", "bfloat16, int32]"), encoding="utf-8")
    again = SphinxTestApp("html", srcdir=first.srcdir)
    again.build()
    again.cleanup()
    status = status_of(again)
    # the page is read again: its examples come from the cache, and of the sweep's eight
    # cells only the two of the new dtype run
    assert "4 examples: 0 run, 4 cached" in status
    assert "sweep cells: 6 match, 2 unsupported (2 run)" in status


@pytest.mark.megengine
def test_gradients_and_sweeps_travel_through_the_store(rootdir, tmp_path):
    """A store written on another CPU (deviations moved in their last bits, sweep cells
    included) renders the same gradients and sweep cells as the live build."""
    live = build_root(
        rootdir, "grad", tmp_path / "live", confoverrides={**STORE, "apidiff_store_update": True}
    )
    live.cleanup()
    store = live.srcdir / "_apidiff_store"
    stored = json.loads((store / "exp.json").read_text(encoding="utf-8"))
    assert sorted(stored["sweeps"][0]) == [
        f"{d}/{s}" for d in ("bfloat16", "float16", "float32") for s in (0, 1)
    ]
    assert (
        json.loads((store / "sigmoid.json").read_text("utf-8"))["examples"][0]["result"]["results"][
            "x.grad"
        ]["kind"]
        == "grad"
    )
    changed = perturb_store(store)
    assert any(name.startswith("exp[0:float16/") for name in changed)
    assert any(name.endswith(".x.grad") for name in changed)

    cached = SphinxTestApp(
        "html",
        srcdir=live.srcdir,
        builddir=tmp_path / "from-store",
        freshenv=True,
        confoverrides={
            **STORE,
            "apidiff_execution_mode": "cache",
            "apidiff_cache_path": "_nocache",
        },
    )
    cached.build()
    cached.cleanup()
    assert warnings_of(cached) == []
    report = json.loads((cached.outdir / "apidiff.json").read_text("utf-8"))
    live_report = json.loads((live.outdir / "apidiff.json").read_text("utf-8"))
    assert report_disagreements(report, live_report, live.srcdir) == []
    exp = next(p for p in report["pairs"] if p["id"] == "exp")
    assert [c["status"] for c in exp["examples"][0]["sweep"]] == ["match"] * 4 + ["unsupported"] * 2
    rows = {  # the rows of each page's results, in the order the page lists them
        (p["id"], i): list(e["results"])
        for p in live_report["pairs"]
        for i, e in enumerate(p["examples"])
    }
    assert {
        (p["id"], i): list(e["results"])
        for p in report["pairs"]
        for i, e in enumerate(p["examples"])
    } == rows
    assert rows[("sequential", 0)][:3] == ["loss", "x.grad", "net.0.weight.grad"]


def test_stored_gradients_come_back_in_the_order_of_the_run():
    """The store writes its keys sorted; a page read from it lists the gradients as a
    live run does: in grad.wrt order, a module's parameters in the module's order."""
    from sphinx_apidiff.execution.comparison import Comparison
    from sphinx_apidiff.execution.results import ExampleResult
    from sphinx_apidiff.execution.source_kinds import in_job_order
    from sphinx_apidiff.model.vocabulary import ResultKind

    text = HEAD + (
        "  - inputs: {x: {shape: [2, 3]}}\n"
        "    modules: {fc: {torch: 'torch.nn.Linear(3, 1)', megengine: 'megengine.module.Linear(3, 1)'}}\n"
        "    code: {torch: 'y = fc(x).sum()', megengine: 'y = fc(x).sum()'}\n"
        "    compare: [y]\n"
        "    grad: {of: y, wrt: [x, fc]}\n"
    )
    pair, diags = parse_pair(text, "p.yaml")
    assert diags == []
    job = ExampleJob(pair.examples[0], ["torch", "megengine"], pair_id=pair.id)
    live = ["y", "x.grad", "fc.weight.grad", "fc.bias.grad"]
    result = ExampleResult(
        results={
            name: Comparison(kind=ResultKind.GRAD if name.endswith(".grad") else ResultKind.VALUE)
            for name in live
        }
    )
    stored = json.loads(json.dumps(result.to_json(), sort_keys=True))
    assert list(in_job_order(ExampleResult.from_json(stored), job).results) == live
    del stored["order"]  # written before the order was kept: inputs, then modules
    again = list(in_job_order(ExampleResult.from_json(stored), job).results)
    assert again[:2] == ["y", "x.grad"]


def test_a_gradient_against_none_is_a_difference_not_a_crash():
    """One framework gives a parameter a gradient, the other none (a frozen parameter)."""
    values = {"torch": {"g": np.ones(2, dtype=np.float32)}, "megengine": {"g": None}}
    (result,) = compare_values(values, ["torch", "megengine"], ["g"], 1e-6, 1e-5).values()
    assert result.passed is False
    assert result.note == "values differ: array of shape [2] vs None"
    both = {"torch": {"g": None}, "megengine": {"g": None}}
    assert compare_values(both, ["torch", "megengine"], ["g"], 1e-6, 1e-5)["g"].passed


@pytest.mark.megengine
def test_an_error_carries_no_native_backtrace(tmp_path):
    """MegEngine appends a backtrace of addresses to its C++ errors: they change every run
    and name this machine's paths, so a stored error would never agree with a live one."""
    text = (
        "apis: {torch: torch.exp, megengine: megengine.functional.exp}\n"
        "examples:\n"
        "  - inputs: {x: {value: [true, false], dtype: bool}}\n"
        "    code: {torch: 'y = x', megengine: 'y = megengine.functional.exp(x)'}\n"
        "    compare: [y]\n"
    )
    pair, diags = parse_pair(text, "t.yaml")
    assert diags == []
    job = ExampleJob(pair.examples[0], ["torch", "megengine"], pair_id=pair.id)
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path / "cache") as engine:
        (result,) = engine.run([job])
    error = result.sides["megengine"].error
    assert "unsupport mode EXP for bool" in error  # the message stays
    assert "backtrace" not in error and ".so(" not in error, error


@pytest.mark.megengine
def test_a_default_names_a_module_not_where_it_lies(tmp_path):
    """megengine.save's pickle_module defaults to the pickle module, whose repr holds this
    machine's path: the signature, and the store, keep only its name."""
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path / "cache") as engine:
        found = engine.signatures([("megengine", "megengine.save")])
    signature = found[("megengine", "megengine.save")].signature
    assert signature is not None
    assert signature.get("pickle_module").default == "<module 'pickle'>"
