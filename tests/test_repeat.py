"""Repeated runs and stability: ``apidiff_repeat`` and ``repeat:`` run each example, recipe
and sweep cell several times, one run in a worker of its own; runs that disagree make the
result ``unstable``, on the page, in the summary, the report, the cache and the store."""

from __future__ import annotations

import base64
import io
import json
import re
from pathlib import Path

import numpy as np
import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_apidiff.authoring.cli import main
from sphinx_apidiff.execution.agreement import disagreement
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import (
    RECIPE,
    SWEEP,
    CellStatus,
    ExampleJob,
    ExampleResult,
    SideResult,
    Stats,
    cell_outcome,
)
from sphinx_apidiff.execution.source_kinds import CacheSource
from sphinx_apidiff.execution.stability import (
    RUN_ULPS,
    RunOutcome,
    Spread,
    runs_wanted,
    spread,
)
from sphinx_apidiff.execution.validate import RESULT, problems
from sphinx_apidiff.model.spec import parse_pair
from sphinx_apidiff.model.vocabulary import Status, Verdict, verdict
from sphinx_apidiff.options import ApidiffConfig

from .conftest import build_root, status_of, unbroken, warnings_of

# -- the stability rule on constructed runs -----------------------------------------------


def encoded(array) -> dict[str, str]:
    """An array as a worker sends it."""
    buffer = io.BytesIO()
    np.save(buffer, np.asarray(array), allow_pickle=False)
    return {"t": "array", "npy": base64.b64encode(buffer.getvalue()).decode("ascii")}


def run(y, status="match", ok=True, grads=None) -> RunOutcome:
    values = {"y": encoded(y)} if y is not None else {}
    return RunOutcome(
        status, {"torch": ok}, {"torch": values}, {"torch": grads or {}} if ok else {}
    )


ONE = np.array([1.0, 2.0, 4.0], dtype=np.float32)


def test_identical_runs_are_stable():
    assert spread([run(ONE), run(ONE.copy()), run(ONE.copy())]) is None


def test_a_few_ulps_are_a_reordered_reduction_not_instability():
    nudged = ONE.copy()
    nudged[0] = np.nextafter(nudged[0], np.float32(2))  # 1 ulp of 1.0; the scale is 4.0
    assert spread([run(ONE), run(nudged)]) is None


def test_values_beyond_the_run_tolerance_are_unstable():
    eps = float(np.finfo(np.float32).eps)
    moved = ONE + np.float32(4.0 * eps * (RUN_ULPS + 2))  # more ulps of 4.0 than allowed
    found = spread([run(ONE), run(ONE.copy()), run(moved)])
    assert found is not None
    assert found.disagreeing == 1  # the second run agrees, the third does not
    assert found.changes == ("y (torch): values",)
    assert found.max_abs == pytest.approx(4.0 * eps * (RUN_ULPS + 2), rel=0.5)


def test_integers_must_be_equal():
    assert spread([run(np.array([3])), run(np.array([4]))]) is not None


@pytest.mark.parametrize(
    ("other", "change"),
    [
        (run(ONE[:2]), "y (torch): shape [3] vs [2]"),
        (run(ONE.astype(np.float64)), "y (torch): dtype float32 vs float64"),
        (run(np.array([1.0, np.nan, 4.0], dtype=np.float32)), "y (torch): NaN/inf positions"),
        (run(None, "error", ok=False), "torch: ran in the first run only"),
        (run(ONE, "differ"), "status: match vs differ"),
        (run(ONE, grads={"x.grad": encoded(ONE * 2)}), "x.grad (torch): value"),
    ],
)
def test_a_changed_shape_dtype_status_or_structure_is_unstable(other, change):
    found = spread([run(ONE), other])
    assert found is not None
    assert change in found.changes
    assert found.max_abs is None  # nothing numeric to measure


def test_how_many_runs_an_example_gets():
    pair, _ = parse_pair(
        "apis: {torch: torch.abs, numpy: numpy.abs}\nexamples:\n"
        "  - {code: {torch: y = 1}}\n"
        "  - {code: {torch: y = 1}, repeat: 5}\n"
        "  - {code: {torch: y = 1}, repeat: 1}\n"
        "  - {code: {torch: y = 1}, expect: unstable}\n",
        "t.yaml",
    )
    assert [runs_wanted(ex, 3) for ex in pair.examples] == [3, 5, 1, 3]
    # one run cannot show instability: a documented one runs twice at least
    assert [runs_wanted(ex, 1) for ex in pair.examples] == [1, 5, 1, 2]


def test_unstable_is_as_expected_only_where_documented():
    assert verdict("unstable", Status.UNSTABLE) is Verdict.DOCUMENTED
    assert verdict("match", Status.UNSTABLE) is Verdict.UNEXPECTED
    assert verdict("differ", Status.UNSTABLE) is Verdict.UNEXPECTED
    assert verdict("unstable", Status.MATCH) is Verdict.UNEXPECTED


# -- what the cache and the store keep ----------------------------------------------------


def unstable_result(runs=3) -> ExampleResult:
    return ExampleResult(
        status=Status.UNSTABLE,
        runs=runs,
        stable=False,
        spread=Spread(2, 0.5, ("y (torch): values",)),
    )


def test_results_keep_runs_stable_and_spread_and_validate():
    data = unstable_result().to_json()
    assert problems(RESULT, data) == []
    back = ExampleResult.from_json(data)
    assert (back.status, back.runs, back.stable, back.spread) == (
        Status.UNSTABLE,
        3,
        False,
        Spread(2, 0.5, ("y (torch): values",)),
    )
    # a result run once is written as before repeats existed
    assert "runs" not in ExampleResult(status=Status.MATCH).to_json()
    assert problems(RESULT, {**data, "runs": 0})
    assert problems(RESULT, {**data, "spread": {"disagreeing": "2"}})


def test_the_store_keeps_one_unstable_finding_and_notices_a_changed_one():
    stored = unstable_result().to_json()
    live = {**unstable_result().to_json(), "spread": Spread(1, 9.0).to_json()}
    assert disagreement(stored, live, 1e-6, 1e-5) is None  # random numbers, same finding
    stable = {**ExampleResult(status=Status.MATCH, runs=3).to_json()}
    assert disagreement(stored, stable, 1e-6, 1e-5)  # found unstable, now stable
    assert disagreement(stored, unstable_result(runs=5).to_json(), 1e-6, 1e-5)
    assert disagreement(ExampleResult(status=Status.MATCH).to_json(), stable, 1e-6, 1e-5)


class OneEntry:
    """A cache that holds one entry."""

    problems: list = []

    def __init__(self, value):
        self.value = value

    def get(self, kind, key):
        return self.value


def test_the_cache_answers_only_with_as_many_runs_as_asked():
    pair, _ = parse_pair(
        "apis: {torch: t.abs, numpy: n.abs}\nexamples:\n  - {code: {torch: y = 1}}", "t"
    )
    job = ExampleJob(pair.examples[0], ["torch"])
    once = ExampleResult(status=Status.MATCH).to_json()
    thrice = ExampleResult(status=Status.MATCH, runs=3).to_json()
    assert CacheSource(OneEntry(once), repeat=3).example(job, "k") is None  # runs it again
    assert CacheSource(OneEntry(thrice), repeat=3).example(job, "k").runs == 3
    assert CacheSource(OneEntry(once), repeat=None).example(job, "k").runs == 1  # mode cache


def test_an_unstable_sweep_cell_keeps_who_failed_it():
    # MegEngine's argmax of booleans gives other indices in every run; torch refuses bool
    cell = ExampleResult(
        status=Status.UNSTABLE,
        runs=3,
        stable=False,
        spread=Spread(2, 4.1e9, ("i (megengine): values",)),
        sides={
            "torch": SideResult(ok=False, error='RuntimeError: "argmax_cpu" not implemented'),
            "megengine": SideResult(ok=True),
        },
    )
    outcome = cell_outcome(cell)
    assert outcome.status is CellStatus.UNSTABLE
    assert outcome.failed == {"torch": 'RuntimeError: "argmax_cpu" not implemented'}


def test_the_summary_counts_unstable_results():
    stats = Stats()
    stats.count(unstable_result(), live=True)
    stats.count(unstable_result(), live=True, variant=SWEEP)
    stats.count(unstable_result(), live=True, variant=RECIPE)
    line = stats.summary()
    assert "1 unstable;" in line
    assert "recipes: 1 unstable" in line
    assert "sweep cells: 1 unstable" in line


def test_the_option_is_validated():
    cfg, found = ApidiffConfig.from_mapping({"apidiff_repeat": 0})
    assert cfg.repeat == 1 and "apidiff_repeat must be a whole number" in found[0]
    cfg, found = ApidiffConfig.from_mapping({"apidiff_repeat": 3})
    assert (cfg.repeat, found) == (3, [])


# -- the engine: a worker of its own --------------------------------------------------------


def test_the_repeat_lane_never_leases_a_warm_worker(tmp_path):
    engine = Engine(cache_path=tmp_path, pool_idle=60.0, repeat=3)
    assert engine._make_runtime("numpy").pool is not None
    assert engine._make_runtime("numpy", fresh=True).pool is None


def test_a_second_run_is_in_another_process(tmp_path):
    pair, _ = parse_pair(
        "apis: {numpy: numpy.abs, torch: torch.abs}\nexamples:\n"
        "  - {code: {numpy: y = 1, torch: 'import os; y = os.getpid()'}, compare: [y]}\n"
        "  - {code: {numpy: y = 1, torch: 'import os; y = os.getpid()'}, compare: [y], repeat: 1}\n",
        "t.yaml",
    )
    jobs = [ExampleJob(ex, ["numpy", "torch"], index=i) for i, ex in enumerate(pair.examples)]
    with Engine(cache_path=tmp_path, repeat=2) as engine:
        twice, once = engine.run(jobs)
    assert (twice.status, twice.runs, twice.stable) == (Status.UNSTABLE, 2, False)
    assert twice.spread.changes == ("y (torch): values",)  # another pid: another process
    assert (once.status, once.runs) == (Status.DIFFER, 1)
    assert engine.worker_starts == 4  # per framework, the usual worker and the one of repeats


# -- a build: the page, the warnings, the report, the cache, the store -----------------------


@pytest.fixture(scope="module")
def builds(rootdir, tmp_path_factory):
    """The root built live with apidiff_repeat = 3 (refreshing its store), then from the
    store alone (execution mode 'cache' with an empty cache: Read the Docs)."""
    dest = tmp_path_factory.mktemp("repeat")
    live = build_root(rootdir, "repeat", dest)
    stored = SphinxTestApp(
        "html",
        srcdir=Path(live.srcdir),
        builddir=dest / "stored",
        confoverrides={
            "apidiff_execution_mode": "cache",
            "apidiff_cache_path": str(dest / "empty-cache"),
            "apidiff_store_update": False,
        },
    )
    stored.build()
    yield live, stored
    live.cleanup()
    stored.cleanup()


def report(app) -> list[dict]:
    data = json.loads((Path(app.outdir) / "apidiff.json").read_text("utf-8"))
    return data["pairs"][0]["examples"]


def page(app) -> str:
    html = unbroken((Path(app.outdir) / "index.html").read_text("utf-8"))
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_unseeded_bytes_are_unstable_and_a_warning(builds):
    live, _ = builds
    warned = warnings_of(live)
    assert len(warned) == 2, warned
    assert "'Unseeded bytes, said to match': expected match, got unstable" in warned[0]
    assert "[apidiff.exec]" in warned[0] and "2 of 2 repeats differ" in warned[0]
    assert "its recipe is unstable" in warned[1] and "[apidiff.recipe]" in warned[1]
    assert "add.yaml:54" in warned[1]  # at the recipe


def test_the_report_gives_runs_and_stable_everywhere(builds):
    for app in builds:  # live, and from the store
        deterministic, said_to_match, documented, once, bad_recipe = report(app)
        assert (deterministic["runs"], deterministic["stable"]) == (3, True)
        assert (deterministic["recipe"]["runs"], deterministic["recipe"]["stable"]) == (3, True)
        assert [(c["status"], c["runs"], c["stable"]) for c in deterministic["sweep"]] == [
            ("differ", 3, True)
        ] * 2
        assert (said_to_match["status"], said_to_match["runs"], said_to_match["stable"]) == (
            "unstable",
            3,
            False,
        )
        assert said_to_match["spread"]["disagreeing"] == 2
        assert said_to_match["sweep"][0]["status"] == "unstable"
        assert (documented["status"], documented["stable"]) == ("unstable", False)
        assert (once["status"], once["runs"], once["stable"]) == ("match", 1, True)
        assert (bad_recipe["recipe"]["status"], bad_recipe["recipe"]["stable"]) == (
            "unstable",
            False,
        )


def test_the_page_shows_instability_with_its_spread(builds):
    for app in builds:
        text = page(app)
        assert "Status: unstable expected: match" in text
        assert "Status: unstable documented instability" in text
        assert re.search(
            r"Unstable: 2 of 2 repeats differ from the first run; max abs deviation between "
            r"runs [0-9.e+]+\. y \(torch\): values ?; y \(numpy\): values ?\.",
            text,
        )
        assert "stable in 3 runs" in text
        assert re.search(r"unstable \(2 of 2 repeats differ, by up to [0-9.e+]+\) float32", text)


def test_the_documented_instability_holds_and_the_store_build_is_quiet(builds):
    _, stored = builds
    assert not any("Unseeded bytes, documented" in w for w in warnings_of(builds[0]))
    assert len(warnings_of(stored)) == 2  # the same two findings, nothing stale


def test_the_summary_counts_them(builds):
    live, _ = builds
    summary = next(line for line in status_of(live).splitlines() if "matched" in line)
    assert "2 unstable" in summary
    assert "recipes: 1 match, 1 unstable" in summary
    assert "sweep cells: 2 differ, 1 unstable" in summary


def test_an_unstable_result_is_cached_as_unstable_never_as_a_match(builds, capsys):
    live, _ = builds
    cache = Path(live.doctreedir) / "apidiff-cache"
    values = [json.loads(path.read_text("utf-8"))["value"] for path in cache.rglob("*.json")]
    statuses = sorted(
        (value["status"], value.get("runs", 1)) for value in values if "status" in value
    )
    # jobs with the same content share an entry: an example and its sweep's float32 cell,
    # the two examples that compute x * 2 against x * 3
    assert statuses == [
        ("differ", 3),  # x * 2 against x * 3 (the first and the last example)
        ("differ", 3),  # its float64 cell
        ("match", 1),  # the example with 'repeat: 1'
        ("match", 3),  # the deterministic recipe
        ("unstable", 3),  # the example said to match, and its float32 cell
        ("unstable", 3),  # the documented one
        ("unstable", 3),  # the recipe that is not the same twice
    ]
    # check reads the build's cache: every result cached, the unstable ones as unstable
    code = main(["check", "--conf-dir", str(live.srcdir), "--mode", "cache"])
    out = capsys.readouterr().out
    assert code == 1  # the two warnings of the build
    assert "its recipe is unstable" in out
    assert "examples: 0 run, 5 cached, 1 matched, 2 differed, 0 errored, 2 unstable;" in out
