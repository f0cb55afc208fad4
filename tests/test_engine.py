"""The execution engine on its own (no Sphinx): its sources, its replies, the real frameworks."""

from __future__ import annotations

import json

import pytest

from sphinx_apidiff.execution.cache import content_key
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import ExampleJob, Reply
from sphinx_apidiff.execution.runtime.runtime import Runtime
from sphinx_apidiff.execution.source_kinds import CacheSource, LiveSource, StoreSource
from sphinx_apidiff.execution.store import STORE_VERSION, Store
from sphinx_apidiff.model.spec import parse_pair
from sphinx_apidiff.model.vocabulary import Mode, Status

from .conftest import MEGENGINE_PYTHON


def jobs(yaml_text):
    pair, diags = parse_pair(yaml_text, "t.yaml")
    assert diags == []
    return [
        ExampleJob(ex, [fw for fw in pair.apis if fw in ex.code], pair_id=pair.id, index=i)
        for i, ex in enumerate(pair.examples)
    ]


HEAD = "apis:\n  torch: torch.abs\n  megengine: megengine.functional.abs\nexamples:\n"


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path_factory.mktemp("cache")) as eng:
        yield eng


def drawn(result, framework):
    """The two lists of numbers a snippet printed: its first and its second draw."""
    side = result.sides[framework]
    assert side.ok, side.error
    first, second = (json.loads(line) for line in side.stdout.splitlines())
    return first, second


DRAW_TWICE = """\
  - code:
      torch: |
        %s
        y = torch.randn(3)
        print(json.dumps(y.tolist())); print(json.dumps(torch.randn(3).tolist()))
      megengine: |
        %s
        y = megengine.random.normal(size=(3,))
        print(json.dumps(y.numpy().tolist()))
        print(json.dumps(megengine.random.normal(size=(3,)).numpy().tolist()))
    compare: [y]
    expect: differ
"""


@pytest.mark.megengine
def test_fresh_namespace_and_random_state_per_example(engine):
    results = engine.run(
        jobs(
            HEAD
            + DRAW_TWICE % (("import json; leak = 1",) * 2)
            + DRAW_TWICE % (("import json",) * 2)
            + """\
  - code:
      torch: z = leak
      megengine: z = leak
    compare: [z]
"""
        )
    )
    first, second, third = results
    for framework in ("torch", "megengine"):
        # the same seed before every snippet: each framework draws the same numbers twice
        first_draws, second_draws = drawn(first, framework), drawn(second, framework)
        assert first_draws == second_draws, framework
        # ... and they are random numbers: a second draw in one snippet differs from the first
        assert first_draws[0] != first_draws[1], framework
        assert len(first_draws[0]) == 3 and len(set(first_draws[0])) == 3, framework
        # a name defined by an earlier example is not there
        assert third.sides[framework].error is not None, framework
        assert "NameError" in third.sides[framework].error, framework
        assert "leak" in third.sides[framework].error, framework
    assert third.status == "error"


@pytest.mark.megengine
def test_one_worker_per_runtime_for_many_examples(engine):
    example = """\
  - inputs:
      x: {shape: [4]}
    code:
      torch: y = torch.abs(x) + %d
      megengine: y = megengine.functional.abs(x) + %d
    compare: [y]
"""
    results = engine.run(jobs(HEAD + "".join(example % (i, i) for i in range(12))))
    assert [r.status for r in results] == ["match"] * 12
    assert engine.worker_starts == 2  # one start per runtime, ever, for this module's engine


@pytest.mark.megengine
def test_protocol_survives_what_snippets_do_to_stdio(engine):
    [result] = engine.run(
        jobs(
            HEAD
            + """\
  - code:
      torch: |
        import os, sys
        os.write(1, b"straight to fd 1\\n")
        sys.__stdout__.write("to the real stdout\\n")
        print("captured")
        try:
            input()
        except EOFError:
            print("no stdin")
        y = 1
      megengine: y = 1
    compare: [y]
"""
        )
    )
    assert result.status == "match"
    assert result.sides["torch"].stdout == "captured\nno stdin\n"


# -- where results come from ----------------------------------------------------------


@pytest.mark.parametrize(
    ("mode", "signatures", "examples"),
    [
        (Mode.AUTO, [CacheSource, LiveSource, StoreSource], [CacheSource, LiveSource, StoreSource]),
        (Mode.FORCE, [CacheSource, LiveSource, StoreSource], [LiveSource, StoreSource]),
        (Mode.CACHE, [CacheSource, StoreSource], [CacheSource, StoreSource]),
        (Mode.OFF, [CacheSource, LiveSource, StoreSource], []),
    ],
)
def test_each_mode_chooses_its_sources_once(tmp_path, mode, signatures, examples):
    eng = Engine(mode=mode, store=Store(tmp_path))
    assert [type(s) for s in eng.sources.signature_chain.sources] == signatures
    assert [type(s) for s in eng.sources.example_chain.sources] == examples
    assert [type(s) for s in Engine(mode=mode).sources.example_chain.sources] == [
        s for s in examples if s is not StoreSource
    ]


def test_a_failure_reply_is_made_in_one_place():
    assert Reply.failure("gone") == Reply(ok=False, error="gone", crashed=True)
    reply = Runtime("torch", "/nonexistent/python3").call({"op": "hello"}, timeout=1)
    assert reply == Reply.failure("interpreter /nonexistent/python3 does not exist")
    parsed = Reply.parse(
        {"ok": True, "stdout": "hi\n", "values": {"y": {"t": "none"}}, "elapsed": 1}
    )
    assert parsed.ok and not parsed.crashed and parsed.elapsed == 1.0 and parsed.frames == []
    assert parsed.values == {"y": {"t": "none"}} and parsed.stdout == "hi\n"


ORDERED = (
    HEAD
    + """\
  - inputs:
      a: {shape: [2, 3]}
      b: {shape: [2, 9]}
    code:
      torch: |
        y = torch.cat([a, b], dim=1)
        parts = torch.split(y, 1, dim=1)
      megengine: |
        y = megengine.functional.concat([a, b], axis=1)
        parts = megengine.functional.split(y, 12, axis=1)
    compare: [y, b, a, parts]
"""
)
#: What a live run gives: the compare order, and the pieces of a tuple by index.
IN_COMPARE_ORDER = ["y", "b", "a", *(f"parts[{i}]" for i in range(12))]


def _store_one(folder, job, names):
    """A results store as the store writes it (sorted keys) with one result for ``job``."""
    comparison = {
        "shapes": {"torch": [2, 1], "megengine": [2, 1]},
        "dtypes": {"torch": "float32", "megengine": "float32"},
        "max_abs": 0.0,
        "max_rel": 0.0,
        "passed": True,
    }
    side = {"ok": True, "stdout": "", "error": None, "frames": [], "elapsed": 0.0, "crashed": False}
    versions = {"torch": "2.13.0+cpu", "megengine": "1.13.0"}
    entry = {
        "title": "t",
        "content": content_key(job),
        "versions": versions,
        "result": {
            "status": "match",
            "results": dict.fromkeys(names, comparison),
            "sides": {"torch": side, "megengine": side},
            "versions": versions,
            "key": None,
            "reason": None,
        },
    }
    data = {"version": STORE_VERSION, "id": job.pair_id, "apis": {}, "signatures": {}}
    data["examples"] = [entry]
    folder.mkdir()
    text = json.dumps(data, indent=1, sort_keys=True)
    (folder / f"{job.pair_id}.json").write_text(text + "\n", encoding="utf-8")


def test_a_stored_result_comes_back_in_the_order_of_a_live_run(tmp_path):
    """The store writes sorted keys (a, b, parts[0], parts[10], ..., y; megengine before torch);
    a result read from it is in compare order, y[2] before y[10], frameworks as the job has them."""
    [job] = jobs(ORDERED)
    _store_one(tmp_path / "store", job, IN_COMPARE_ORDER)
    stored = json.loads((tmp_path / "store" / f"{job.pair_id}.json").read_text(encoding="utf-8"))
    assert list(stored["examples"][0]["result"]["results"]) == sorted(IN_COMPARE_ORDER)
    with Engine(mode="cache", store=Store(tmp_path / "store")) as eng:
        [result] = eng.run([job])
    assert result.from_store and result.stale is None and result.status == Status.MATCH
    assert list(result.results) == IN_COMPARE_ORDER
    for comparison in result.results.values():
        assert list(comparison.shapes) == list(comparison.dtypes) == ["torch", "megengine"]
    assert list(result.sides) == list(result.versions) == ["torch", "megengine"]


HOST_ONLY = """\
apis:
  torch: torch.abs
  numpy: numpy.abs
examples:
  - inputs:
      x: {shape: [3]}
    code:
      torch: y = torch.abs(x)
      numpy: y = numpy.abs(x)
    compare: [y]
"""
HOST_APIS = {"torch": "torch.abs", "numpy": "numpy.abs"}  # both in the interpreter running us


def _refresh(store_dir, cache_dir, keep):
    """A run that refreshes the store at ``store_dir`` and ends with Engine.finish."""
    [job] = jobs(HOST_ONLY)
    with Engine(cache_path=cache_dir, store=Store(store_dir, update=True)) as eng:
        eng.signatures(HOST_APIS.items())
        [result] = eng.run([job])
        assert result.status == Status.MATCH
        return eng.finish({job.pair_id: HOST_APIS}, keep)


def test_finish_records_writes_and_prunes_the_store(tmp_path):
    [job] = jobs(HOST_ONLY)
    name = f"{job.pair_id}.json"
    for keep, gone in (({job.pair_id}, True), (None, False)):
        store = tmp_path / f"store-{gone}"
        store.mkdir()
        removed = {"version": STORE_VERSION, "id": "gone", "examples": []}  # a removed pair's
        (store / "gone.json").write_text(json.dumps(removed), encoding="utf-8")
        (store / "notes.json").write_text("{}", encoding="utf-8")  # not the store's: kept
        changes = _refresh(store, tmp_path / "cache", keep)
        assert changes is not None and changes.written == [store / name]
        assert changes.removed == ([store / "gone.json"] if gone else [])
        assert (store / "gone.json").exists() is not gone
        assert (store / "notes.json").exists()
        data = json.loads((store / name).read_text(encoding="utf-8"))
        assert data["signatures"]["torch"]["api"] == "torch.abs"
        assert [e["result"]["status"] for e in data["examples"]] == ["match"]
    with Engine(cache_path=tmp_path / "cache") as eng:  # no store: nothing to finish
        assert eng.finish({job.pair_id: HOST_APIS}) is None
    again = _refresh(store, tmp_path / "cache", None)  # the same results: nothing to write
    assert again is not None and again.written == [] and again.removed == []
    with Engine(store=Store(store)) as eng:  # a store that is not being refreshed
        assert eng.finish({job.pair_id: HOST_APIS}, keep=set()) is None
    assert (store / name).exists()


LEAKY = """\
  - code:
      torch: |
        torch.leak = 1
        torch.set_default_dtype(torch.float64)
        np.set_printoptions(precision=2)
        import os, sys, torch.fx
        os.environ["APIDIFF_LEAK"] = "1"
        sys.path.insert(0, "/leak")
        y = 1
      megengine: |
        megengine.leak = 1
        np.leak = 1
        y = 1
    compare: [y]
  - code:
      torch: |
        import os, sys
        y = np.array([hasattr(torch, "leak"), torch.get_default_dtype() == torch.float64,
                      np.get_printoptions()["precision"], "APIDIFF_LEAK" in os.environ,
                      "/leak" in sys.path, torch.fx.symbolic_trace is None], dtype=np.int64)
      megengine: |
        y = np.array([hasattr(megengine, "leak"), hasattr(np, "leak"), 8, 0, 0, 0], dtype=np.int64)
    compare: [y]
"""


@pytest.mark.megengine
def test_what_a_snippet_changes_in_the_process_is_undone(engine):
    """A warm or shared worker runs each example from the state just after the import:
    names set on the framework or numpy, global settings, the environment, sys.path."""
    _, second = engine.run(jobs(HEAD + LEAKY))
    for framework in ("torch", "megengine"):
        assert second.sides[framework].ok, second.sides[framework].error
    # each side: nothing leaked (0), numpy's print precision back at 8
    assert second.status == Status.MATCH, second.results
    assert second.results["y"].max_abs == 0.0


@pytest.mark.parametrize(
    ("script", "printed"),
    [
        ("exit 0", "(it printed nothing)"),
        ("echo 'Hello from a shell'", "(it printed 'Hello from a shell')"),
        ('echo \'{"python": 3, "found": "yes"}\'', '(it printed \'{"python": 3,'),
        ("printf '\\377\\376 garbage'", "(it printed '\ufffd\ufffd garbage')"),
        # finite (1 MiB), so that code without the bound fails here rather than eat memory
        ("head -c 1048576 /dev/zero | tr '\\0' x", "(it printed more than 64 KiB)"),
    ],
    ids=["silent", "text", "other-json", "not-utf8", "flood"],
)
def test_an_interpreter_that_is_not_python_is_unavailable_and_says_so(tmp_path, script, printed):
    fake = tmp_path / "python3"
    fake.write_text(f"#!/bin/sh\n{script}\n", encoding="utf-8")
    fake.chmod(0o755)
    engine = Engine({"megengine": str(fake)})
    assert engine.fingerprint("megengine") is None
    reason = engine.unavailable["megengine"]
    assert reason.startswith(f"{fake} is not a Python interpreter "), reason
    assert printed in reason


def _lanes_used(engine, counts, seconds, monkeypatch):
    """Submit ``counts[framework]`` tasks per framework, each taking ``seconds[framework]``
    and recording its runtime. The futures in the order submitted, and the runtimes each
    framework's tasks ran on.

    However loaded the machine, the lanes' clock gives each task exactly the time it
    declares, and the frameworks go in step (task n of one starts once every other has
    started its task n, or has none left), so one framework's lane is never starved while
    another runs ahead and leaves a core spare."""
    import threading
    import time

    from sphinx_apidiff.execution import engine as module

    seen: dict[str, set[int]] = {fw: set() for fw in counts}
    started = dict.fromkeys(counts, 0)
    step = threading.Condition()
    local = threading.local()
    monkeypatch.setattr(module, "clock", lambda: getattr(local, "now", 0.0))

    def task(framework):
        def run(runtime):
            with step:
                seen[framework].add(id(runtime))
                started[framework] += 1
                n = started[framework]
                step.notify_all()
                in_step = step.wait_for(
                    lambda: all(started[fw] >= min(n, counts[fw]) for fw in counts), 30
                )
            assert in_step, started
            time.sleep(seconds[framework])
            local.now = getattr(local, "now", 0.0) + seconds[framework]
            return framework

        return run

    # as a build submits them: example by example, each to every framework
    order = [fw for i in range(max(counts.values())) for fw in counts if i < counts[fw]]
    return [engine.submit(fw, task(fw)) for fw in order], seen


def test_a_framework_still_working_takes_the_core_another_left(tmp_path, monkeypatch):
    """On 2 cores with ``workers="auto"`` (one lane each while both work), JAX's slow queue
    gets a second lane once torch's is done: the core torch used is spare, and what waits
    outlasts a worker's start. Results keep their order."""
    from sphinx_apidiff.execution import engine as module

    monkeypatch.setattr(module, "WORTH_A_WORKER", 0.5)  # 2 s of JAX work waits
    with Engine(cache_path=tmp_path / "c", mode="force") as engine:
        engine.cores, engine.workers, engine.spare_workers = 2, 1, 2
        futures, seen = _lanes_used(
            engine, {"torch": 2, "jax": 40}, {"torch": 0, "jax": 0.05}, monkeypatch
        )
        assert [f.result(30) for f in futures] == ["torch", "jax"] * 2 + ["jax"] * 38
    assert len(seen["torch"]) == 1
    assert len(seen["jax"]) == 2


def test_no_lane_beyond_a_number_nor_while_every_core_works_nor_for_quick_tasks(
    tmp_path, monkeypatch
):
    """``workers=1`` is a hard cap; while both frameworks have work on 2 cores, neither gets
    a second lane however long its queue; and tasks that take milliseconds (a warm build)
    never pay a worker's start for it."""
    from sphinx_apidiff.execution import engine as module

    cases = (  # workers, tasks, seconds per task, seconds of waiting work worth a worker
        (1, {"torch": 2, "jax": 30}, {"torch": 0, "jax": 0.05}, 0.01),
        ("auto", {"jax": 30, "paddle": 30}, {"jax": 0.05, "paddle": 0.05}, 0.01),
        ("auto", {"torch": 2, "jax": 200}, {"torch": 0, "jax": 0.001}, module.WORTH_A_WORKER),
    )
    for workers, counts, seconds, worth in cases:
        monkeypatch.setattr(module, "WORTH_A_WORKER", worth)
        with Engine(cache_path=tmp_path / "c", mode="force", workers=workers) as engine:
            engine.cores = 2
            engine.spare_workers = 1 if workers == 1 else 2
            engine.workers = 1
            futures, seen = _lanes_used(engine, counts, seconds, monkeypatch)
            [f.result(30) for f in futures]
            started = {fw: len(engine._lanes[fw].runtimes) for fw in counts}  # ran a task or not
        assert started == dict.fromkeys(counts, 1), (workers, counts)
        assert {fw: len(runtimes) for fw, runtimes in seen.items()} == started


def test_warm_workers_get_no_lane_on_a_spare_core(monkeypatch):
    """With warm workers a framework keeps its share of the cores: an extra worker would stay
    in its pool and split what the pool's workers have compiled."""
    from sphinx_apidiff.execution import engine as module

    monkeypatch.setattr(module, "usable_cores", lambda: 4)
    cold, warm = Engine(workers="auto"), Engine(workers="auto", pool_idle=60.0)
    assert (cold.workers, cold.spare_workers) == (2, 4)
    assert (warm.workers, warm.spare_workers) == (2, 2)
