"""Hosting without the frameworks: the committed results store renders the same pages.

A store travels: one written on another machine, whose floats differ in the last
bits, renders the same verdicts and is left alone by a refresh here.
"""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from sphinx_apidiff.execution.agreement import disagreement, round_deviation
from sphinx_apidiff.execution.store import STORE_VERSION, Store

from .conftest import build_root, status_of, warnings_of
from .machines import perturb_store, report_disagreements, result_rows, without_deviations

pytestmark = pytest.mark.megengine  # every test here runs the real MegEngine

STORE = {"apidiff_store_path": "_apidiff_store"}


def body(path):
    """The page's main content (asset checksums in the head differ between build modes)."""
    html = path.read_text(encoding="utf-8")
    return html[html.index('role="main"') : html.rindex("</section>")]


@pytest.fixture(scope="module")
def live_store(rootdir, tmp_path_factory):
    """One live build of test-basic that writes its results store (``make store``)."""
    app = build_root(
        rootdir,
        "basic",
        tmp_path_factory.mktemp("live"),
        confoverrides={**STORE, "apidiff_store_update": True},
    )
    app.cleanup()
    assert warnings_of(app) == []
    return app


@pytest.fixture
def live(live_store, tmp_path):
    """This test's own copy of that build: the project with its store, its doctrees, its
    results cache and its pages, at ``tmp_path/live/basic`` (where :func:`_refresh` builds)."""
    src = tmp_path / "live" / "basic"
    shutil.copytree(live_store.srcdir, src, symlinks=True)
    built = Path(live_store.outdir).relative_to(live_store.srcdir)
    doctrees = Path(live_store.doctreedir).relative_to(live_store.srcdir)
    return SimpleNamespace(srcdir=src, outdir=src / built, doctreedir=src / doctrees)


def _live_with_store(rootdir, tmp_path):
    """A live build of its own (for a test that edits the project before building)."""
    app = build_root(
        rootdir, "basic", tmp_path / "live", confoverrides={**STORE, "apidiff_store_update": True}
    )
    app.cleanup()
    return app


def _build_without_frameworks(srcdir, outdir, *extra):
    """sphinx-build in a subprocess where neither torch nor megengine can be imported."""
    blocker = outdir.parent / "blocker"
    for name in ("torch", "megengine"):
        (blocker / name).mkdir(parents=True, exist_ok=True)
        (blocker / name / "__init__.py").write_text(
            f"raise ImportError('{name} is not installed on this host')\n", encoding="utf-8"
        )
    env = dict(os.environ, PYTHONPATH=str(blocker), APIDIFF_PYTHON_MEGENGINE=sys.executable)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-E",
            "-b",
            "html",
            "-D",
            "apidiff_execution_mode=cache",
            "-D",
            "apidiff_store_path=_apidiff_store",
            *extra,
            str(srcdir),
            str(outdir),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc


def test_store_renders_the_same_pages_without_torch_and_megengine(rootdir, tmp_path, live):
    store = live.srcdir / "_apidiff_store"
    assert sorted(p.name for p in store.glob("*.json")) == [
        "cat.json",
        "instance-norm.json",
        "relu-inline.json",
    ]
    stored = json.loads((store / "instance-norm.json").read_text(encoding="utf-8"))
    assert stored["signatures"]["megengine"]["version"] == "1.13.0"
    assert stored["examples"][0]["result"]["status"] == "match"

    out = tmp_path / "hosted"
    proc = _build_without_frameworks(live.srcdir, out)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    for page in ("instance_norm.html", "cat.html", "inline.html"):
        assert body(out / page) == body(live.outdir / page), page
    hosted = json.loads((out / "apidiff.json").read_text(encoding="utf-8"))
    assert hosted["pairs"][0]["examples"][0]["status"] == "match"


def test_stale_result_is_marked(rootdir, tmp_path, live):
    pair = live.srcdir / "pairs" / "instance_norm.yaml"
    pair.write_text(
        pair.read_text(encoding="utf-8").replace(
            "InstanceNorm(3, affine=False)(x)", "InstanceNorm(3, affine=False, eps=1e-3)(x)"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "hosted"
    proc = _build_without_frameworks(live.srcdir, out)
    assert (
        "instance_norm.yaml:24: WARNING: example '4-D input': stored result is stale "
        "(the example changed since its result was stored) [apidiff.stale]" in proc.stderr
    )
    assert "stale result" in (out / "instance_norm.html").read_text(encoding="utf-8")


def test_store_refresh_is_deterministic_and_prunes(rootdir, tmp_path, live):
    store = live.srcdir / "_apidiff_store"
    before = {p.name: p.read_text(encoding="utf-8") for p in store.glob("*.json")}
    (live.srcdir / "inline.rst").write_text(
        "Inline pair\n===========\n\nNo pair any more.\n", encoding="utf-8"
    )
    shutil.rmtree(live.doctreedir)
    again = build_root(
        rootdir, "basic", tmp_path / "live", confoverrides={**STORE, "apidiff_store_update": True}
    )
    again.cleanup()
    after = {p.name: p.read_text(encoding="utf-8") for p in store.glob("*.json")}
    assert "relu-inline.json" not in after
    assert after == {k: v for k, v in before.items() if k != "relu-inline.json"}
    assert warnings_of(again) == []


def test_a_page_from_the_store_lists_the_results_in_compare_order(rootdir, tmp_path):
    """The store writes sorted keys; a page built from it lists the compared values as a live
    build does: in compare order, a tuple's pieces by index, each framework's in its column."""
    src = tmp_path / "live" / "basic"
    shutil.copytree(rootdir / "test-basic", src)
    pair = src / "pairs" / "cat.yaml"
    pair.write_text(
        pair.read_text(encoding="utf-8")
        .replace("b: {shape: [2, 4]}", "b: {shape: [2, 9]}")
        .replace("dim=1)\n", "dim=1)\n        parts = torch.split(y, 1, dim=1)\n")
        .replace(
            "axis=1)\n", "axis=1)\n        parts = megengine.functional.split(y, 12, axis=1)\n"
        )
        .replace("compare: [y]", "compare: [y, b, a, parts]"),
        encoding="utf-8",
    )
    live = _live_with_store(rootdir, tmp_path)
    names = ["y", "b", "a", *(f"parts[{i}]" for i in range(12))]  # sorted: a, b, parts[0], ...
    assert result_rows((live.outdir / "cat.html").read_text(encoding="utf-8")) == [names]
    stored = json.loads((src / "_apidiff_store" / "cat.json").read_text(encoding="utf-8"))
    assert list(stored["examples"][0]["result"]["results"]) == sorted(names)

    out = tmp_path / "hosted"
    proc = _build_without_frameworks(live.srcdir, out)
    assert proc.returncode == 0, proc.stderr
    assert result_rows((out / "cat.html").read_text(encoding="utf-8")) == [names]
    assert body(out / "cat.html") == body(live.outdir / "cat.html")
    report = json.loads((out / "apidiff.json").read_text(encoding="utf-8"))
    [example] = next(p for p in report["pairs"] if p["id"] == "cat")["examples"]
    assert list(example["results"]) == names
    assert {tuple(c["shapes"]) for c in example["results"].values()} == {("torch", "megengine")}


# -- the agreement rule -------------------------------------------------------------------


def _result(status="match", passed=True, max_abs=2.384185791015625e-07, max_rel=3.9e-06, **comp):
    comparison = {
        "shapes": {"torch": [2, 3], "megengine": [2, 3]},
        "dtypes": {"torch": "float32", "megengine": "float32"},
        "max_abs": max_abs,
        "max_rel": max_rel,
        "passed": passed,
        **comp,
    }
    side = {"ok": True, "stdout": "", "error": None, "frames": [], "elapsed": 0.0, "crashed": False}
    return {
        "title": "guide/x: an example",
        "content": "c0ffee",
        "versions": {"torch": "2.13.0+cpu", "megengine": "1.13.0"},
        "result": {
            "status": status,
            "results": {"y": comparison},
            "sides": {"torch": dict(side), "megengine": dict(side)},
            "versions": {"torch": "2.13.0+cpu", "megengine": "1.13.0"},
            "key": None,
            "reason": None,
        },
    }


def _with(entry, path, value):
    changed = copy.deepcopy(entry)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return changed


Y = ("result", "results", "y")


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ((*Y, "max_abs"), 0.0),  # 2.38e-07 vs 0.0, both within atol 1e-6 (the case)
        ((*Y, "max_abs"), 2.384185791015626e-07),  # last bit
        ((*Y, "max_rel"), 4.4e-05),  # above rtol, but max_abs is within atol on both sides
        (("result", "sides", "torch", "elapsed"), 3.5),  # timings are not findings
    ],
)
def test_results_that_agree(path, value):
    stored = _result()
    assert disagreement(stored, _with(stored, path, value), 1e-6, 1e-5) is None


@pytest.mark.parametrize(
    ("stored", "live"),
    [
        (0.5, 0.5000000000000001),
        (0.4157845228910446, 0.416),  # the store writes 3 significant digits
        (0.4157845228910446, 0.41578454),  # another CPU
        (1.235, 1.2349999),  # either side of a rounding boundary
        (4294967296.0, 4294967296.0),
    ],
)
def test_deviations_outside_tolerance_agree_to_three_digits(stored, live):
    entry = _result("differ", False, stored, 0.1)
    assert disagreement(entry, _with(entry, (*Y, "max_abs"), live), 1e-6, 1e-5) is None


@pytest.mark.parametrize(
    ("path", "value", "expected"),
    [
        (("result", "status"), "differ", "result.status: 'match' stored, 'differ' live"),
        ((*Y, "passed"), False, "result.results.y.passed: True stored, False live"),
        ((*Y, "shapes", "megengine"), [3, 2], "result.results.y.shapes.megengine: [2, 3] stored"),
        ((*Y, "dtypes", "megengine"), "float64", "result.results.y.dtypes.megengine: 'float32'"),
        ((*Y, "note"), "1 NaN/inf position(s) differ", "result.results.y.note: None stored"),
        (("result", "sides", "torch", "ok"), False, "result.sides.torch.ok: True stored"),
        (("result", "sides", "torch", "stdout"), "(2, 3)\n", "result.sides.torch.stdout: ''"),
        (("content",), "beef", "content: 'c0ffee' stored, 'beef' live"),
        (("versions", "torch"), "2.14.0", "versions.torch: '2.13.0+cpu' stored, '2.14.0' live"),
        (("result", "results"), {}, "result.results: ['y'] stored, [] live"),
    ],
)
def test_results_that_do_not_agree(path, value, expected):
    stored = _result()
    found = disagreement(stored, _with(stored, path, value), 1e-6, 1e-5)
    assert found is not None and found.startswith(expected), found


def test_a_deviation_crossing_the_tolerance_does_not_agree():
    stored = _result(max_abs=5e-07, max_rel=5e-06)
    # still passing (rtol), but now above atol and rtol: a different finding
    live = _with(_with(stored, (*Y, "max_abs"), 3e-06), (*Y, "max_rel"), 3e-05)
    found = disagreement(stored, live, 1e-6, 1e-5)
    assert found == (
        "result.results.y.max_abs: 5e-07 stored, 3e-06 live "
        "(atol 1e-06, rtol 1e-05, 3 significant digits)"
    )


def test_differing_deviations_do_not_agree():
    stored = _result("differ", False, 0.5, 0.1)
    found = disagreement(stored, _with(stored, (*Y, "max_abs"), 0.41), 1e-6, 1e-5)
    assert found is not None and found.startswith("result.results.y.max_abs: 0.5 stored, 0.41 live")
    for other in (0.502, 0.498, None):
        assert disagreement(stored, _with(stored, (*Y, "max_abs"), other), 1e-6, 1e-5)
    # a failing comparison is never "within tolerance", even with a zero relative deviation
    counted = _result("differ", False, 2.0, 0.0)
    assert disagreement(counted, _with(counted, (*Y, "max_abs"), 3.0), 1e-6, 1e-5)


def test_deviations_are_stored_to_three_significant_digits():
    assert round_deviation(2.384185791015625e-07) == 2.38e-07
    assert round_deviation(0.4157845228910446) == 0.416
    assert round_deviation(4294967296.0) == 4290000000.0
    assert round_deviation(0.0) == 0.0
    assert round_deviation(None) is None
    assert round_deviation(float("inf")) == float("inf")


def _store_file(tmp_path, entry, version=STORE_VERSION):
    data = {
        "version": version,
        "id": "x",
        "apis": {"torch": "torch.x"},
        "signatures": {},
        "examples": [entry],
    }
    file = tmp_path / "x.json"
    file.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return file


def test_refresh_keeps_an_agreeing_file_byte_for_byte(tmp_path):
    stored = _result(max_abs=2.3800000000000003e-07)  # not even rounded: written elsewhere
    file = _store_file(tmp_path, stored)
    before = file.read_bytes()
    store = Store(tmp_path, update=True)
    live = _with(_with(stored, (*Y, "max_abs"), 0.0), ("result", "sides", "torch", "elapsed"), 2.0)
    store.record_example("x", {"torch": "torch.x"}, 0, live, atol=1e-6, rtol=1e-5)
    assert store.flush() == []
    assert file.read_bytes() == before


def test_refresh_rewrites_a_changed_result_rounded(tmp_path):
    file = _store_file(tmp_path, _result("differ", False, 0.5, 0.1))
    store = Store(tmp_path, update=True)
    live = _result("differ", False, 0.4157845228910446, 0.1234567)
    store.record_example("x", {"torch": "torch.x"}, 0, live, atol=1e-6, rtol=1e-5)
    assert store.flush() == [file]
    written = json.loads(file.read_text(encoding="utf-8"))["examples"][0]["result"]["results"]
    assert (written["y"]["max_abs"], written["y"]["max_rel"]) == (0.416, 0.123)


def test_refresh_rewrites_a_version_1_file_in_the_current_format(tmp_path):
    file = _store_file(tmp_path, _result(), version=1)
    store = Store(tmp_path)
    assert store.example("x", 0)["result"]["status"] == "match"  # read as it is
    store = Store(tmp_path, update=True)
    store.record_example("x", {"torch": "torch.x"}, 0, _result(), atol=1e-6, rtol=1e-5)
    assert store.flush() == [file]
    data = json.loads(file.read_text(encoding="utf-8"))
    assert data["version"] == STORE_VERSION
    assert data["examples"][0]["result"]["results"]["y"]["max_abs"] == 2.38e-07


# -- a store from another machine ---------------------------------------------------------


def _files(store):
    return {p.name: p.read_bytes() for p in sorted(store.glob("*.json"))}


def _refresh(rootdir, tmp_path, quiet=True):
    """A refresh from a live build (``make store``); the results cache answers, as on a rebuild.
    ``quiet``: the build must give no warning."""
    app = build_root(
        rootdir,
        "basic",
        tmp_path / "live",
        freshenv=True,
        confoverrides={**STORE, "apidiff_store_update": True},
    )
    app.cleanup()
    if quiet:
        assert warnings_of(app) == []
    return app


def test_a_store_from_another_machine_renders_the_same_verdicts(rootdir, tmp_path, live):
    changed = perturb_store(live.srcdir / "_apidiff_store")
    assert "cat[0].y" in changed and "instance-norm[0].y" in changed  # 0.0 and 2.38e-07 moved

    out = tmp_path / "hosted"
    proc = _build_without_frameworks(live.srcdir, out)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr  # nothing stale
    for page in ("instance_norm.html", "cat.html", "inline.html"):
        hosted, here = body(out / page), body(live.outdir / page)
        assert without_deviations(hosted) == without_deviations(here), page
    assert "<td><p>2.38e-07</p></td>" in body(out / "cat.html")  # another machine's 0.0
    reports = [
        json.loads((d / "apidiff.json").read_text(encoding="utf-8")) for d in (out, live.outdir)
    ]
    assert [e["status"] for p in reports[0]["pairs"] for e in p["examples"]] == ["match", "match"]
    assert report_disagreements(*reports, live.srcdir) == []


def test_a_refresh_over_another_machines_store_rewrites_only_real_changes(rootdir, tmp_path, live):
    store = live.srcdir / "_apidiff_store"
    perturb_store(store)
    before = _files(store)

    again = _refresh(rootdir, tmp_path)
    assert _files(store) == before
    assert "0 pair(s) written, 0 removed" in status_of(again)

    # a real change: an example edited so that its shape changes, and a stored dtype that
    # the frameworks do not give (as if a framework had changed)
    pair = live.srcdir / "pairs" / "cat.yaml"
    pair.write_text(
        pair.read_text(encoding="utf-8").replace("b: {shape: [2, 4]}", "b: {shape: [2, 5]}"),
        encoding="utf-8",
    )
    norm = json.loads((store / "instance-norm.json").read_text(encoding="utf-8"))
    norm["examples"][0]["result"]["results"]["y"]["dtypes"]["megengine"] = "float64"
    (store / "instance-norm.json").write_text(
        json.dumps(norm, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    tampered = _files(store)
    again = _refresh(rootdir, tmp_path)
    after = _files(store)
    assert "2 pair(s) written, 0 removed" in status_of(again)
    assert after["relu-inline.json"] == tampered["relu-inline.json"]
    assert after["cat.json"] != tampered["cat.json"]
    assert after["instance-norm.json"] != tampered["instance-norm.json"]
    cat = json.loads(after["cat.json"])["examples"][0]["result"]["results"]["y"]
    assert cat["shapes"] == {"torch": [2, 8], "megengine": [2, 8]}
    norm = json.loads(after["instance-norm.json"])["examples"][0]["result"]["results"]["y"]
    assert norm["dtypes"]["megengine"] == "float32"
    assert norm["max_abs"] == round_deviation(norm["max_abs"])  # written rounded


def test_a_refresh_where_a_framework_is_missing_keeps_its_stored_results(
    rootdir, tmp_path, monkeypatch, live
):
    store = live.srcdir / "_apidiff_store"
    before = _files(store)
    monkeypatch.setenv("APIDIFF_PYTHON_MEGENGINE", str(tmp_path / "no-such-python"))
    app = _refresh(rootdir, tmp_path, quiet=False)
    assert any("[apidiff.runtime]" in w for w in warnings_of(app))
    assert _files(store) == before  # the stored MegEngine results are not news to lose
    assert "0 pair(s) written, 0 removed" in status_of(app)


def test_unreadable_store_files_are_located_warnings(rootdir, tmp_path, live):
    store = live.srcdir / "_apidiff_store"
    (store / "cat.json").write_text("<<<<<<< HEAD\n{}\n", encoding="utf-8")  # a merge conflict
    norm = json.loads((store / "instance-norm.json").read_text(encoding="utf-8"))
    (store / "instance-norm.json").write_text(json.dumps({**norm, "version": 99}), "utf-8")
    out = tmp_path / "hosted"
    proc = _build_without_frameworks(live.srcdir, out)
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr
    assert (
        f"{store / 'cat.json'}:1: WARNING: cannot read the stored results: Expecting value: "
        "line 1 column 1 (char 0) [apidiff.store]" in proc.stderr
    ), proc.stderr
    assert (
        f"{store / 'instance-norm.json'}:1: WARNING: stored results in format 99, not one this "
        "sphinx-apidiff reads (1, 2, 3): ignored; refresh the results store [apidiff.store]"
        in proc.stderr
    ), proc.stderr
    assert "inline.html" in {p.name for p in out.iterdir()}


def test_a_refresh_replaces_an_unreadable_store_file(rootdir, tmp_path, live):
    store = live.srcdir / "_apidiff_store"
    good = (store / "cat.json").read_bytes()
    (store / "cat.json").write_text("<<<<<<< HEAD\n{}\n", encoding="utf-8")
    again = _refresh(rootdir, tmp_path)  # no warning: the refresh is the cure
    assert "cat.json:1: cannot read the stored results" in status_of(again)
    assert (store / "cat.json").read_bytes() == good
