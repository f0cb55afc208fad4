"""Executed examples on the real torch and MegEngine: statuses, numbers, faults, the cache."""

from __future__ import annotations

import json
import re

import pytest
from sphinx.testing.util import SphinxTestApp

from .conftest import build_root, root_fixture, status_of, warnings_of

app = root_fixture("exec")


@pytest.fixture(scope="module")
def examples(app):
    report = json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
    return {(p["id"], e["title"]): e for p in report["pairs"] for e in p["examples"]}


def html(app, page):
    return (app.outdir / "pages" / f"{page}.html").read_text(encoding="utf-8")


def text(app, page):
    """The page's text without tags (highlighting splits code into spans)."""
    return re.sub(r"<[^>]+>", "", html(app, page))


@pytest.mark.megengine
def test_matching_example_reports_real_numbers(examples):
    ex = examples[("match", "4-D input")]
    assert ex["status"] == "match"
    y = ex["results"]["y"]
    assert y["shapes"] == {"torch": [2, 3, 8, 8], "megengine": [2, 3, 8, 8]}
    assert isinstance(y["max_abs"], float) and 0 <= y["max_abs"] < 1e-5
    assert y["max_rel"] < 1e-4 and y["passed"]


@pytest.mark.megengine
def test_documented_difference_is_not_a_failure(app, examples):
    ex = examples[("avgpool", "Padding counted by PyTorch only")]
    assert ex["status"] == "differ" and ex["expect"] == "differ"
    assert ex["results"]["y"]["max_abs"] > 0.1 and not ex["results"]["y"]["passed"]
    page = html(app, "avgpool")
    assert "documented difference" in page
    assert not any("avgpool.yaml" in w for w in warnings_of(app))


@pytest.mark.megengine
def test_integer_literal_and_tuple_values(examples):
    ex = examples[("inputs", "Integer and literal inputs, tuple output")]
    assert ex["status"] == "match"
    assert set(ex["results"]) == {"y[0]", "y[1]", "z", "b"}
    # MegEngine returns int32 indices where torch returns int64: shown, not a failure
    assert ex["results"]["y[1]"]["dtypes"] == {"torch": "int64", "megengine": "int32"}
    assert ex["results"]["z"]["dtypes"]["torch"] == "float64"
    assert ex["results"]["b"]["dtypes"] == {"torch": "bool", "megengine": "bool"}
    numbers = examples[("inputs", "A list of numbers and a Python float")]
    assert numbers["status"] == "match" and set(numbers["results"]) == {"y[0]", "y[1]", "y[2]", "s"}


@pytest.mark.megengine
def test_nan_inf_and_shape_mismatch(examples):
    assert examples[("nan", "NaN and -inf in the same places")]["status"] == "match"
    one_sided = examples[("nan", "NaN on one side only")]
    assert one_sided["status"] == "differ"
    assert "NaN/inf" in one_sided["results"]["y"]["note"]
    shapes = examples[("nan", "Shapes differ")]
    assert shapes["status"] == "differ"
    assert shapes["results"]["y"]["shapes"] == {"torch": [4], "megengine": [1, 4]}
    assert shapes["results"]["y"]["max_abs"] is None


@pytest.mark.megengine
def test_legacy_snippet_gives_located_warning_and_readable_traceback(app, examples):
    assert examples[("legacy-instance-norm", "The legacy page's example")]["status"] == "error"
    [warning] = [w for w in warnings_of(app) if "legacy.yaml" in w]
    assert re.search(r"pairs/legacy\.yaml:7: WARNING: .*expected match, got error", warning)
    assert "line 17" in warning and "set_default_config" in warning
    assert "[apidiff.exec]" in warning
    page = text(app, "legacy")
    assert "Traceback (most recent call last)" in page
    assert "pairs/legacy.yaml" in page and "line 17" in page
    # trimmed to the snippet's own frames: nothing from the worker or the framework
    assert "runtime/worker" not in page and "site-packages" not in page
    # every other page still built
    assert (app.outdir / "pages" / "match.html").exists()


@pytest.mark.megengine
def test_hang_and_crash_are_errors_and_later_examples_still_run(app, examples):
    hang = examples[("faults", "A snippet that hangs")]
    crash = examples[("faults", "A snippet that kills its worker")]
    assert hang["status"] == "error" and crash["status"] == "error"
    assert examples[("faults", "Runs after the hang and the crash")]["status"] == "match"
    page = text(app, "faults")
    assert "timed out after 3 s" in page
    assert "the worker process died (exit code 3)" in page
    assert "ValueError: bad value" in page and "in helper" in page


@pytest.mark.megengine
def test_output_is_captured_and_escaped(app):
    page = html(app, "match")
    assert "&lt;script&gt;alert(" in page and "<script>alert(" not in page
    assert "&lt;b&gt;megengine&lt;/b&gt;" in page
    # the generated input line a reader can paste
    assert "rng = np.random.default_rng(0)" in text(app, "match")
    # MegEngine's own stderr noise never reaches the page
    assert "CUDA" not in page and "cuda" not in page


@pytest.mark.megengine
def test_summary_line(app):
    assert re.search(
        r"apidiff: 13 examples: 13 run, 0 cached, 6 matched, 3 differed, 4 errored", status_of(app)
    )


def _rebuild(srcdir):
    app = SphinxTestApp("html", srcdir=srcdir)
    app.build()
    app.cleanup()
    return status_of(app)


@pytest.mark.megengine
def test_cache_no_change_prose_edit_code_edit(rootdir, tmp_path):
    first = build_root(rootdir, "exec", tmp_path)
    first.cleanup()
    src = first.srcdir
    assert "no example needed executing" in _rebuild(src)

    pair = src / "pairs" / "nan.yaml"
    text = pair.read_text(encoding="utf-8")
    pair.write_text("summary: Natural logarithm, edited prose.\n" + text, encoding="utf-8")
    assert "3 examples: 0 run, 3 cached" in _rebuild(src)

    edited = pair.read_text(encoding="utf-8").replace(
        "y = x.sum(dim=0)", "y = x.sum(dim=0)  # edited"
    )
    pair.write_text(edited, encoding="utf-8")
    assert "3 examples: 1 run, 2 cached" in _rebuild(src)


@pytest.mark.megengine
def test_corrupt_cache_entry_is_recomputed(rootdir, tmp_path):
    first = build_root(rootdir, "exec", tmp_path)
    first.cleanup()
    cache = first.srcdir / "_build" / "doctrees" / "apidiff-cache"  # `check` finds it
    entries = sorted(cache.glob("ex-*.json"))
    assert len(entries) == 16  # the 13 examples and the runs of 3 recipes
    for entry in entries:
        entry.write_text(entry.read_text()[:20], encoding="utf-8")  # truncated
    app = SphinxTestApp("html", srcdir=first.srcdir, freshenv=True)
    app.build()
    app.cleanup()
    assert "13 examples: 13 run, 0 cached" in status_of(app)
    assert "recipes: 3 match" in status_of(app)


@pytest.mark.megengine
def test_framework_upgrade_invalidates_its_results(rootdir, tmp_path, monkeypatch):
    """A new framework version (as the runtime reports it) re-reads its pages and re-runs."""
    import dataclasses

    from sphinx_apidiff.execution import engine as execute

    first = build_root(rootdir, "basic", tmp_path)
    first.cleanup()
    assert "no example needed executing" in _rebuild(first.srcdir)

    real_probe = execute.probe

    def upgraded(framework, python, timeout=60.0):
        fp = real_probe(framework, python, timeout)
        return dataclasses.replace(fp, version="1.13.1") if framework == "megengine" else fp

    monkeypatch.setattr(execute, "probe", upgraded)
    assert "2 examples: 2 run, 0 cached" in _rebuild(first.srcdir)


@pytest.mark.parametrize(
    ("mode", "summary", "status"),
    [
        (
            "off",
            "2 examples: 0 run, 0 cached, 0 matched, 0 differed, 0 errored, 2 not run",
            "not-run",
        ),
        (
            "cache",
            "2 examples: 0 run, 0 cached, 0 matched, 0 differed, 0 errored, 2 not run",
            "not-run",
        ),
        pytest.param(
            "force", "2 examples: 2 run, 0 cached, 2 matched", "match", marks=pytest.mark.megengine
        ),
    ],
)
def test_execution_modes(rootdir, tmp_path, mode, summary, status):
    app = build_root(rootdir, "basic", tmp_path, confoverrides={"apidiff_execution_mode": mode})
    app.cleanup()
    assert summary in status_of(app)
    report = json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
    assert {e["status"] for p in report["pairs"] for e in p["examples"]} == {status}
    if mode == "force":  # everything again, cache or not
        again = SphinxTestApp(
            "html", srcdir=app.srcdir, freshenv=True, confoverrides={"apidiff_execution_mode": mode}
        )
        again.build()
        again.cleanup()
        assert "2 examples: 2 run, 0 cached" in status_of(again)
