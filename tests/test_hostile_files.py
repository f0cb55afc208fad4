"""Files read back are input: the results store and the execution cache, tampered with.

A hand-resolved merge conflict, an edit, another tool or an older version can leave
a store file or a cache entry of any shape. Whatever is in them, a build finishes,
writes every page and keeps every other result; what cannot be used is a warning
located at the file (``apidiff.store`` with a line, ``apidiff.cache``). And the store
owns only its files: a refresh deletes no other file of its folder.

The walks over every key of a real store file (tests/roots/test-regression's) and of
real cache entries (tests/data/hostile/cache-values.json, the values a live run of
that root wrote) run the Sphinx-free pipeline in execution mode "cache": nothing
runs, so hundreds of cases take seconds. A few real Sphinx builds in mode "cache"
show what users see.
"""

from __future__ import annotations

import atexit
import copy
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.configuration import set_hypothesis_home_dir

from sphinx_apidiff.execution import engine as engine_module
from sphinx_apidiff.execution.cache import example_key, signature_key
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.runtime.probe import Fingerprint
from sphinx_apidiff.execution.store import Store
from sphinx_apidiff.execution.store_folder import MANIFEST
from sphinx_apidiff.execution.validate import json_lines
from sphinx_apidiff.model.spec import read_pair_file
from sphinx_apidiff.model.vocabulary import Status
from sphinx_apidiff.pipeline import PipelineResult, jobs_for, run_pairs

from .conftest import build_root, status_of, warnings_of

_HOME = tempfile.mkdtemp(prefix="apidiff-hypothesis-")
atexit.register(shutil.rmtree, _HOME, ignore_errors=True)
set_hypothesis_home_dir(_HOME)

HERE = Path(__file__).resolve().parent
ROOT = HERE / "roots" / "test-regression"
VALUES = json.loads((HERE / "data" / "hostile" / "cache-values.json").read_text("utf-8"))
SPECS = [read_pair_file(f)[0] for f in sorted((ROOT / "pairs").glob("*.yaml"))]
VERSIONS = {"torch": "2.13.0+cpu", "megengine": "1.13.0"}  # those the store and cache hold
HOSTILE = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def _fingerprint(framework: str, python: str, timeout: float = 60.0) -> Fingerprint:
    """The same runtimes on every machine: cache keys do not depend on this one's."""
    return Fingerprint(framework, "/py", "/py", "3.11", "2.0", VERSIONS[framework], True, 0)


@pytest.fixture(scope="module", autouse=True)
def _fixed_runtimes():
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(engine_module, "probe", _fingerprint)
        yield


def run(store: Path | None = None, cache: Path | None = None, **kwargs: Any) -> PipelineResult:
    """The pipeline over the root's pairs in mode "cache" (nothing runs)."""
    update = kwargs.pop("update", False)
    engine = Engine(
        mode="cache", cache_path=cache, store=Store(store, update) if store else None, **kwargs
    )
    with engine:
        specs = [s for s in SPECS if s is not None]
        return run_pairs(specs, engine, keep_ids={s.id for s in specs} if update else None)


def found(result: PipelineResult) -> dict[str, Any]:
    """What each pair's page shows of the results: signatures and example results."""
    shown = {}
    for outcome in result.pairs:
        assert outcome.analysis is not None, outcome.diagnostics  # the page is written
        assert not [d for d in outcome.diagnostics if d.subtype == "internal"]
        analysis = outcome.analysis
        shown[outcome.spec.id] = {
            "signatures": {fw: s.to_json() for fw, s in analysis.signatures.items()},
            "examples": [r.to_json() for r in analysis.examples],
            "recipes": {i: r.to_json() for i, r in analysis.recipes.items()},
        }
    return shown


# -- the walk: every key, deleted, of another type, out of range ---------------------------


def paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path in a JSON value (not the root)."""
    found: list[tuple[Any, ...]] = []
    items = (
        value.items()
        if isinstance(value, dict)
        else enumerate(value)
        if isinstance(value, list)
        else ()
    )
    for key, item in items:
        found.append((*prefix, key))
        found += paths(item, (*prefix, key))
    return found


def retyped(value: Any) -> Any:
    """A value of a type that no key of these files accepts where ``value`` is."""
    if isinstance(value, dict):
        return []
    if isinstance(value, list):
        return {}
    if isinstance(value, str):
        return 12345
    if isinstance(value, bool):
        return "yes"
    if isinstance(value, (int, float)):
        return "12"
    return {"bogus": []}  # null


def out_of_range(value: Any) -> Any:
    """The value's type, out of its range (a string may still be a valid one)."""
    if isinstance(value, dict):
        return {**value, "bogus": {"bogus": True}}
    if isinstance(value, list):
        return [*value, {"bogus": True}]
    if isinstance(value, str):
        return "bogus"
    if isinstance(value, bool):
        return 2
    if isinstance(value, (int, float)):
        return -1
    return -1  # null: where a number or null goes, a negative one


OPS = {"delete": None, "retype": retyped, "out-of-range": out_of_range}


def mutate(data: Any, path: tuple[Any, ...], op: str, value: Any = None) -> Any:
    changed = copy.deepcopy(data)
    target = changed
    for key in path[:-1]:
        target = target[key]
    if op == "delete":
        del target[path[-1]]
    elif op == "set":
        target[path[-1]] = value
    else:
        target[path[-1]] = OPS[op](target[path[-1]])
    return changed


def must_warn(data: Any, path: tuple[Any, ...], op: str) -> bool:
    """Whether the change is one that no valid file has (a string out of range may be
    valid; deleting an optional key or a list's item is)."""
    if op == "retype":
        return True
    if op == "out-of-range":
        target = data
        for key in path:
            target = target[key]
        return not isinstance(target, str)
    return False


def check(
    after: dict[str, Any],
    before: dict[str, Any],
    problems: list[Any],
    file: Path,
    strict: bool,
    lines: bool,
) -> None:
    """The invariants of a build over a tampered file: every other pair as before; in the
    tampered pair, a result that is lost (not run) or changed is said at the file."""
    at_file = [p for p in problems if Path(p.file) == file]
    assert all(Path(p.file) in (file, file.parent) for p in problems), problems
    if lines:
        assert all(p.line for p in at_file), at_file
    assert after["var"] == before["var"]
    if strict:
        assert at_file, "nothing said of the tampered file"
    lost = any(
        a["status"] == Status.NOT_RUN and b["status"] != Status.NOT_RUN
        for a, b in zip(after["cat"]["examples"], before["cat"]["examples"], strict=True)
    )
    if lost and strict:
        assert at_file


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The root's committed store, refreshed once (in mode "cache": it gains its manifest)."""
    folder = tmp_path_factory.mktemp("store") / "_apidiff_store"
    shutil.copytree(ROOT / "_apidiff_store", folder)
    result = run(folder, update=True)
    assert result.store_problems == [] and result.written == []
    assert (folder / MANIFEST).is_file()
    return folder


@pytest.fixture(scope="module")
def baseline(store):
    result = run(store)
    shown = found(result)
    assert shown["cat"]["examples"][0]["status"] == Status.MATCH
    return shown


def _store_case(store: Path, tmp: Path, data: dict[str, Any]) -> PipelineResult:
    folder = tmp / "_apidiff_store"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(store, folder)
    (folder / "cat.json").write_text(json.dumps(data, indent=1, sort_keys=True), "utf-8")
    return run(folder)


@pytest.mark.parametrize("op", list(OPS))
def test_every_key_of_a_store_file(store, baseline, tmp_path, op):
    data = json.loads((store / "cat.json").read_text("utf-8"))
    walked = paths(data)
    assert len(walked) > 80
    for path in walked:
        result = _store_case(store, tmp_path, mutate(data, path, op))
        check(
            found(result),
            baseline,
            result.store_problems,
            tmp_path / "_apidiff_store" / "cat.json",
            strict=must_warn(data, path, op),
            lines=True,
        )


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=5),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner),
    max_leaves=6,
)
_STORE_PATHS = paths(json.loads((ROOT / "_apidiff_store" / "cat.json").read_text("utf-8")))


@HOSTILE
@given(path=st.sampled_from(_STORE_PATHS), value=_JSON)
def test_any_value_anywhere_in_a_store_file(store, baseline, tmp_path, path, value):
    data = json.loads((store / "cat.json").read_text("utf-8"))
    result = _store_case(store, tmp_path, mutate(data, path, "set", value))
    at = tmp_path / "_apidiff_store" / "cat.json"
    check(found(result), baseline, result.store_problems, at, strict=False, lines=True)


@HOSTILE
@given(text=st.text(max_size=200) | st.sampled_from(["", "[]", "null", '{"id": "cat"}']))
def test_a_store_file_that_is_not_a_store_file(store, baseline, tmp_path, text):
    folder = tmp_path / "_apidiff_store"
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(store, folder)
    (folder / "cat.json").write_text(text, "utf-8")
    result = run(folder)
    check(found(result), baseline, result.store_problems, folder / "cat.json", True, True)


# -- the cache ------------------------------------------------------------------------------


def _fill_cache(folder: Path) -> dict[str, Path]:
    """Write the real cache values under the keys of the fixed runtimes; returns the files
    by entry name (``cat 0``, ``torch torch.cat``)."""
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    eng = Engine(mode="cache", cache_path=folder)
    files = {}
    for spec in SPECS:
        assert spec is not None
        for fw, api in spec.apis.items():
            key = signature_key(api, eng.fingerprint(fw))
            files[f"{fw} {api}"] = (key, "sig", VALUES["signatures"][f"{fw} {api}"])
        for job in jobs_for(spec, None):
            fps = {fw: eng.fingerprint(fw) for fw in job.frameworks}
            key = example_key(job, fps, eng.timeout)  # type: ignore[arg-type]
            name = " ".join(map(str, (spec.id, *job.slot))).strip()
            files[name] = (key, "ex", VALUES["examples"][name])
    written = {}
    for name, (key, kind, value) in files.items():
        eng.cache.put(kind, key, value)
        file = eng.cache.file(kind, key)
        assert file is not None
        written[name] = file
    return written


@pytest.fixture(scope="module")
def cache_baseline(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cache")
    _fill_cache(folder)
    result = run(cache=folder)
    assert result.cache_problems == []
    return found(result)


CACHE_ENTRIES = {
    "cat 0": {"key": "k", "value": VALUES["examples"]["cat 0"]},
    "torch torch.cat": {"key": "k", "value": VALUES["signatures"]["torch torch.cat"]},
}


@pytest.mark.parametrize("entry", list(CACHE_ENTRIES))
@pytest.mark.parametrize("op", list(OPS))
def test_every_key_of_a_cache_entry(cache_baseline, tmp_path, entry, op):
    data = CACHE_ENTRIES[entry]
    for path in paths(data):
        if path == ("key",):
            continue  # the key is this machine's: mutated below, after it is known
        files = _fill_cache(tmp_path / "cache")
        real = {**mutate(data, path, op), "key": _key_of(files[entry])}
        files[entry].write_text(json.dumps(real), "utf-8")
        result = run(cache=tmp_path / "cache")
        strict = must_warn(data, path, op)
        check(found(result), cache_baseline, result.cache_problems, files[entry], strict, False)
        assert len(result.cache_problems) <= 1  # one entry, one warning


def _key_of(file: Path) -> str:
    """The key a cache file was written under (its name holds only the first 40 digits)."""
    return next(
        key
        for spec in SPECS
        if spec is not None
        for key in _keys(spec)
        if file.name.endswith(f"-{key[:40]}.json")
    )


def _keys(spec: Any) -> list[str]:
    eng = Engine(mode="cache")
    keys = [signature_key(api, eng.fingerprint(fw)) for fw, api in spec.apis.items()]
    for job in jobs_for(spec, None):
        fps = {fw: eng.fingerprint(fw) for fw in job.frameworks}
        keys.append(example_key(job, fps, eng.timeout))  # type: ignore[arg-type]
    return keys


@HOSTILE
@given(
    entry=st.sampled_from(list(CACHE_ENTRIES)),
    op=st.sampled_from(["delete", "retype", "out-of-range", "set"]),
    index=st.integers(min_value=0),
    value=_JSON,
)
def test_any_change_to_a_cache_entry(cache_baseline, tmp_path, entry, op, index, value):
    data = CACHE_ENTRIES[entry]
    walked = [p for p in paths(data) if p != ("key",)]
    path = walked[index % len(walked)]
    files = _fill_cache(tmp_path / "cache")
    real = {**mutate(data, path, op, value), "key": _key_of(files[entry])}
    files[entry].write_text(json.dumps(real), "utf-8")
    result = run(cache=tmp_path / "cache")
    check(found(result), cache_baseline, result.cache_problems, files[entry], False, False)


# -- what users see: real builds in mode "cache" (the root's own), nothing runs -----------------


def _build(rootdir: Path, dest: Path, prepare: Any = None, **overrides: Any) -> Any:
    """Build a copy of the root; ``prepare(srcdir)`` tampers with it first."""
    src = dest / "regression"
    shutil.copytree(rootdir / "test-regression", src)
    if prepare is not None:
        prepare(src)
    app = build_root(rootdir, "regression", dest, freshenv=True, confoverrides=overrides)
    app.cleanup()
    return app


def _examples(app: Any) -> dict[str, list[str]]:
    """Each pair's example statuses, as the build's report has them."""
    report = json.loads((app.outdir / "apidiff.json").read_text("utf-8"))
    return {p["id"]: [e["status"] for e in p["examples"]] for p in report["pairs"]}


def _warnings(app: Any) -> list[str]:
    """The build's apidiff warnings, but the root's own (an example documented to fail)."""
    return [w for w in warnings_of(app) if "apidiff" in w and "[apidiff.exec]" not in w]


def _pages(app: Any) -> set[str]:
    return {p.name for p in app.outdir.glob("*.html")}


@pytest.fixture(scope="module")
def clean(rootdir, tmp_path_factory):
    app = _build(rootdir, tmp_path_factory.mktemp("clean"))
    assert _warnings(app) == []
    assert _examples(app)["cat"] == ["match"]
    return app


def _edit_store(change: Any) -> Any:
    def prepare(src: Path) -> None:
        file = src / "_apidiff_store" / "cat.json"
        data = json.loads(file.read_text("utf-8"))
        change(data)
        file.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", "utf-8")

    return prepare


def _line(src: Path, needle: str) -> int:
    text = (src / "_apidiff_store" / "cat.json").read_text("utf-8")
    return next(n for n, line in enumerate(text.splitlines(), 1) if needle in line)


def test_a_store_file_of_the_wrong_shape_is_a_warning_not_a_traceback(rootdir, tmp_path, clean):
    """Valid JSON of the wrong shape, as a hand-resolved merge conflict leaves it."""
    app = _build(rootdir, tmp_path, _edit_store(lambda d: d.update(signatures=[1, 2])))
    store = app.srcdir / "_apidiff_store"
    line = _line(app.srcdir, '"signatures"')
    first, *others = _warnings(app)
    assert first == (
        f"{store / 'cat.json'}:{line}: WARNING: signatures: expected a mapping, got a list "
        "[apidiff.store]"
    )
    assert len(others) == 2 and all("no stored signature of " in w for w in others)
    assert _pages(app) == _pages(clean)
    assert _examples(app) == _examples(clean)  # the examples of the same file are still used


def _no_result(data: dict[str, Any]) -> None:
    del data["examples"][0]["result"]


def _versions_list(data: dict[str, Any]) -> None:
    data["examples"][0]["versions"] = ["1.13.0"]


def _bogus_status(data: dict[str, Any]) -> None:
    data["examples"][0]["result"]["status"] = "bogus"


@pytest.mark.parametrize(
    ("change", "needle", "message"),
    [
        (_no_result, '"content"', "examples[0]: missing required key 'result'"),
        (
            _versions_list,
            '   "versions": [',
            "examples[0].versions: expected a mapping, got a list",
        ),
        (
            _bogus_status,
            '"status": "bogus"',
            "examples[0].result.status: 'bogus' is not one of: match, differ, error, not-run, unstable",
        ),
    ],
)
def test_one_bad_store_entry_costs_only_its_example(
    rootdir, tmp_path, clean, change, needle, message
):
    app = _build(rootdir, tmp_path, _edit_store(change))
    store = app.srcdir / "_apidiff_store"
    warnings = _warnings(app)
    line = _line(app.srcdir, needle) - (1 if needle == '"content"' else 0)  # the entry's "{"
    assert warnings[0] == (
        f"{store / 'cat.json'}:{line}: WARNING: {message}; this entry is not used [apidiff.store]"
    )
    assert not any("[apidiff.internal]" in w for w in warnings)
    assert _pages(app) == _pages(clean)
    assert _examples(app) == {**_examples(clean), "cat": ["not-run"]}


def test_a_bad_cache_entry_is_a_miss_and_a_warning(rootdir, tmp_path, clean):
    cache = tmp_path / "cache"
    files = _fill_cache(cache)
    bogus = {"key": _key_of(files["cat 0"]), "value": {**VALUES["examples"]["cat 0"]}}
    bogus["value"]["status"] = "bogus"
    files["cat 0"].write_text(json.dumps(bogus), "utf-8")
    app = _build(rootdir, tmp_path, apidiff_store_path=None, apidiff_cache_path=str(cache))
    warnings = _warnings(app)
    assert f"{files['cat 0']}:1: WARNING: value.status: 'bogus' is not one of: " in warnings[0]
    assert warnings[0].endswith("[apidiff.cache]")
    assert not any("[apidiff.internal]" in w for w in warnings)
    assert _pages(app) == _pages(clean)
    assert _examples(app) == {**_examples(clean), "cat": ["not-run"]}  # var's from the cache


@pytest.mark.parametrize("folder", ["_static", "."])
def test_a_refresh_deletes_no_file_it_did_not_write(rootdir, tmp_path, clean, folder):
    def prepare(src: Path) -> None:
        (src / "_static").mkdir(exist_ok=True)
        for name in ("switcher.json", "data.json"):
            (src / folder / name).write_text('{"versions": []}\n', "utf-8")
        shutil.copytree(src / "_apidiff_store", src / folder, dirs_exist_ok=True)

    app = _build(rootdir, tmp_path, prepare, apidiff_store_path=folder, apidiff_store_update=True)
    store = (app.srcdir / folder).resolve()
    for name in ("switcher.json", "data.json", "cat.json", "var.json"):
        assert (store / name).is_file(), name
    assert (store / MANIFEST).is_file()
    if folder == ".":
        assert (app.srcdir / "conf.py").is_file() and (app.srcdir / "index.rst").is_file()
    warnings = _warnings(app)
    assert len(warnings) == 1 and "[apidiff.store]" in warnings[0]
    assert "holds files the store did not write: " in warnings[0]
    assert "data.json" in warnings[0]  # ("." lists 8 names, and how many more)
    assert _pages(app) == _pages(clean)
    assert _examples(app) == _examples(clean)


def test_a_refresh_keeps_the_results_of_a_pair_file_it_cannot_read_now(rootdir, tmp_path, clean):
    def prepare(src: Path) -> None:
        (src / "pairs" / "var.yaml").write_text("id: var\napis: [\n", "utf-8")  # mid-edit

    app = _build(rootdir, tmp_path, prepare, apidiff_store_update=True)
    store = app.srcdir / "_apidiff_store"
    assert (store / "var.json").read_bytes() == (
        rootdir / "test-regression" / "_apidiff_store" / "var.json"
    ).read_bytes()
    assert any("[apidiff.yaml]" in w for w in warnings_of(app))
    assert _pages(app) == _pages(clean)
    assert "0 pair(s) written, 0 removed" in status_of(app)


def test_a_refresh_removes_its_own_temporary_files_and_the_pairs_that_are_gone(
    rootdir, tmp_path, clean
):
    def prepare(src: Path) -> None:
        store = src / "_apidiff_store"
        (store / ".cat.json.k2j4h5g6.tmp").write_text('{"half', "utf-8")  # an interrupted refresh
        (store / f".{MANIFEST}.a1b2c3d4.tmp").write_text("", "utf-8")
        gone = json.loads((store / "cat.json").read_text("utf-8"))
        (store / "gone.json").write_text(json.dumps({**gone, "id": "gone"}), "utf-8")

    app = _build(rootdir, tmp_path, prepare, apidiff_store_update=True)
    store = app.srcdir / "_apidiff_store"
    assert sorted(p.name for p in store.iterdir()) == [MANIFEST, "cat.json", "var.json"]
    assert _warnings(app) == []
    assert "0 pair(s) written, 1 removed" in status_of(app)


def test_a_store_path_that_names_a_file(rootdir, tmp_path, clean):
    def prepare(src: Path) -> None:
        (src / "results.json").write_text("{}\n", "utf-8")

    app = _build(
        rootdir, tmp_path, prepare, apidiff_store_path="results.json", apidiff_store_update=True
    )
    warnings = [w for w in _warnings(app) if "no stored signature" not in w]
    file = app.srcdir / "results.json"
    assert warnings == [
        f"{file}:1: WARNING: store path {file} is a file, not a folder: no stored results are "
        "read or written; make apidiff_store_path name a folder of its own [apidiff.store]"
    ]
    assert file.read_text("utf-8") == "{}\n"
    assert _pages(app) == _pages(clean)
    assert set(_examples(app)["cat"]) == {"not-run"}


# -- the parts ------------------------------------------------------------------------------


@HOSTILE
@given(value=_JSON, indent=st.sampled_from([None, 1, 2]))
def test_the_line_of_every_key_path(value, indent):
    """Every key path of any JSON text has a line, and (one key a line) it is the key's."""
    text = json.dumps(value, indent=indent)
    lines = json_lines(text)
    assert set(paths(value)) <= set(lines)
    if indent is not None:
        rows = text.splitlines()
        for path in paths(value):
            if isinstance(path[-1], str):
                assert rows[lines[path] - 1].lstrip().startswith(json.dumps(path[-1]) + ":")


@HOSTILE
@given(text=st.text(max_size=100))
def test_the_lines_of_any_text(text):
    json_lines(text)  # never raises, whatever it is given


def test_a_refresh_keeps_a_pair_whose_file_it_cannot_read_by_its_manifest(tmp_path):
    """A pair whose id is not its file's: the manifest says which file it comes from."""
    folder = tmp_path / "store"
    shutil.copytree(ROOT / "_apidiff_store", folder)
    store = Store(folder, update=True)
    store.note_source("cat", tmp_path / "pairs" / "concatenation.yaml")
    store.record_signature("cat", {}, "torch", {"api": "torch.cat"})
    store.flush()
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    assert manifest["pairs"]["cat"] == {"source": "../pairs/concatenation.yaml"}
    again = Store(folder, update=True)
    assert again.pairs_from([tmp_path / "pairs" / "concatenation.yaml"]) == {"concatenation", "cat"}
    assert again.prune({"concatenation", "cat"}) == [folder / "var.json"]
    assert again.flush() == []
    assert sorted(p.name for p in folder.iterdir()) == [MANIFEST, "cat.json"]
    assert list(json.loads((folder / MANIFEST).read_text("utf-8"))["pairs"]) == ["cat"]


def test_hidden_files_in_the_store_folder_are_left_alone_quietly(tmp_path):
    folder = tmp_path / "store"
    shutil.copytree(ROOT / "_apidiff_store", folder)
    (folder / ".gitignore").write_text("*.tmp\n", "utf-8")
    (folder / "README.txt").write_text("results\n", "utf-8")
    store = Store(folder, update=True)
    [problem] = store.problems
    assert "holds files the store did not write: README.txt;" in problem.message
    assert store.prune(set()) == [folder / "cat.json", folder / "var.json"]
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", "README.txt"]


def test_a_conversion_that_still_fails_is_that_entrys_warning(store, tmp_path, monkeypatch):
    """The last line of defence: whatever a stored entry's conversion raises (a bug of ours,
    since the entry passed its check) costs that entry, said at its file."""
    from sphinx_apidiff.execution import source_kinds

    real = source_kinds.ExampleResult.from_json

    def from_json(data: dict[str, Any]) -> Any:
        if data["results"].keys() == {"y"} and data["status"] == "match":
            raise KeyError("surprise")
        return real(data)

    monkeypatch.setattr(source_kinds.ExampleResult, "from_json", from_json)
    result = run(store)
    shown = found(result)
    assert shown["cat"]["examples"][0]["status"] == Status.NOT_RUN
    [problem] = [p for p in result.store_problems if p.file == str(store / "cat.json")]
    assert "surprise" in problem.message and problem.line == 7  # the entry's "{"
    assert problem.message.startswith("examples[0]: internal error while reading this stored")
