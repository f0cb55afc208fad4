"""Four real frameworks on one page: who agrees with whom, the frameworks that ran compared
where another failed, and statements of who differs, met and unmet.

torch, PaddlePaddle and JAX run in this interpreter, MegEngine in its own. The
differences are real ones: ``jax.image.resize`` anti-aliases when it shrinks (the other
three agree); uint8 ``cumsum`` promotes to int64 in torch and Paddle and wraps around in
MegEngine and JAX; Paddle has no float16 softmax on the CPU.
"""

from __future__ import annotations

import json
import os
import re

import pytest

from .conftest import root_fixture, warnings_of

pytestmark = pytest.mark.megengine

os.environ.setdefault("JAX_PLATFORMS", "cpu")  # no TPU notice in the build's output
app = root_fixture("fourway")

THREE = ["torch", "megengine", "paddle"]


@pytest.fixture(scope="module")
def report(app):
    data = json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
    return {pair["id"]: pair for pair in data["pairs"]} | {"version": data["version"]}


def _warnings(app, name):
    return [w for w in warnings_of(app) if f"pairs/{name}.yaml" in w]


def test_the_report_has_a_new_version(report):
    assert report["version"] == 2


def test_a_value_where_only_one_framework_differs(app, report):
    example = report["resize"]["examples"][0]
    y = example["results"]["y"]
    assert y["groups"] == [THREE, ["jax"]]
    assert example["groups"] == [THREE, ["jax"]]
    assert {key for key, pair in y["pairwise"].items() if not pair["within"]} == {
        "torch|jax",
        "megengine|jax",
        "paddle|jax",
    }
    assert y["pairwise"]["torch|jax"]["max_abs"] > 0.1  # far outside, not the last bits
    assert all(pair["dtype_equal"] for pair in y["pairwise"].values())  # Paddle's float32
    # stated ({differs: [jax]}) and met; the recipe for JAX alone makes all four agree
    assert example["expect"] == "differ" and example["expect_by_framework"] == {"differs": ["jax"]}
    assert example["recipe"]["status"] == "match"
    assert example["recipe"]["groups"] == [[*THREE, "jax"]]
    assert not [w for w in _warnings(app, "resize") if "Only JAX" in w]


def test_a_two_two_split(app, report):
    example = report["cumsum"]["examples"][0]
    y = example["results"]["y"]
    split = [["torch", "paddle"], ["megengine", "jax"]]
    assert y["groups"] == split and example["groups"] == split
    assert y["dtypes"] == {
        "torch": "int64",
        "megengine": "uint8",
        "paddle": "int64",
        "jax": "uint8",
    }
    assert y["pairwise"]["torch|paddle"] == {
        "max_abs": 0.0,
        "max_rel": 0.0,
        "dtype_equal": True,
        "within": True,
    }
    assert y["pairwise"]["torch|megengine"]["dtype_equal"] is False
    assert example["status"] == "differ"
    assert _warnings(app, "cumsum") == []  # the groups and the dtypes are as stated


def test_one_framework_fails_and_the_other_three_are_compared(app, report):
    example = report["softmax"]["examples"][0]
    assert example["status"] == "error"
    assert example["frameworks"] == {
        "torch": "ran",
        "megengine": "ran",
        "paddle": "error",
        "jax": "ran",
    }
    y = example["results"]["y"]
    assert list(y["dtypes"]) == ["torch", "megengine", "jax"]
    assert y["groups"] == [["torch", "megengine", "jax"]]
    assert set(y["pairwise"]) == {"torch|megengine", "torch|jax", "megengine|jax"}
    assert example["expect_by_framework"] == {"error": ["paddle"]}
    assert not [w for w in _warnings(app, "softmax") if "no float16" in w]  # as stated
    html = (app.outdir / "softmax.html").read_text(encoding="utf-8")
    assert "apidiff-traceback" in html and "apidiff-results" in html  # Paddle's error, the table


def test_an_unmet_statement_names_who_actually_differs(app, report):
    example = report["resize"]["examples"][1]
    assert example["expect_by_framework"] == {"differs": ["megengine"]}
    found = _warnings(app, "resize")
    assert any(
        "resize.yaml:24: WARNING: example 'A wrong claim of who differs': expected only "
        "megengine differs, measured torch = megengine = paddle; jax (jax differs from "
        "torch, megengine, paddle) [apidiff.exec]" in w
        for w in found
    ), found
    assert any(
        "resize.yaml:37: WARNING: unknown framework 'jaxx'" in w and "did you mean 'jax'?" in w
        for w in found
    ), found


def test_a_sweep_cell_one_framework_rejects_compares_the_others(report):
    (cell,) = report["softmax"]["examples"][1]["sweep"]
    assert (cell["dtype"], cell["status"]) == ("float16", "unsupported")
    assert cell["frameworks"] == {
        "torch": "ran",
        "megengine": "ran",
        "paddle": "rejected",
        "jax": "ran",
    }
    assert "float16" in cell["failed"]["paddle"]
    y = cell["results"]["y"]
    assert y["groups"] == [["torch", "megengine", "jax"]]
    assert set(y["dtypes"].values()) == {"float16"}


def test_a_sweep_cell_of_four_frameworks_says_who_differs(app, report):
    """int8 cumsum: torch and Paddle sum in int64, MegEngine and JAX wrap around in int8;
    the int32 cell, whose values all four agree on (in int64 or int32), says nothing more."""
    cells = {c["dtype"]: c for c in report["cumsum"]["examples"][1]["sweep"]}
    assert cells["int8"]["groups"] == [["torch", "paddle"], ["megengine", "jax"]]
    assert cells["int32"]["groups"] == [["torch", "megengine", "paddle", "jax"]]
    html = (app.outdir / "cumsum.html").read_text(encoding="utf-8")
    said = re.findall(r'<span class="apidiff-sweep-agreement">\s*(.*?)</span>', html)
    assert said == ["PyTorch = PaddlePaddle; MegEngine = JAX"]
