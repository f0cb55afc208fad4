"""Four-way benchmark: the same pairs built two-way (torch, MegEngine) and four-way.

Takes a folder of four-way pair YAMLs (PyTorch, MegEngine, PaddlePaddle, JAX), makes a
two-way copy of each pair (torch and MegEngine only: the other frameworks are dropped
from ``apis``, ``signatures``, ``params``, each example's ``code``, ``modules``,
per-framework ``expect``/``dtype`` and ``recipe``; a pair without both a torch and a
MegEngine API is skipped and counted) and times cold Sphinx builds (new output,
doctrees and result cache, ``-E``) of the two projects, interleaved:

* ``two-way`` and ``four-way``, the workers started by each build; the user's cache
  (``XDG_CACHE_HOME``, where JAX's persistent compilation cache lives) starts empty;
* ``four-way, JAX cache``: the four-way project with the user's cache that a first,
  uncounted build filled: a clean build on a machine that built before (another clone,
  a deleted build folder), the default since JAX's cache is the user's;
* ``two-way, warm`` and ``four-way, warm``: workers leased from pools
  (``APIDIFF_WARM_WORKERS=1``, private ``APIDIFF_WORKERS_DIR``) that a first,
  uncounted build started; a reused JAX worker has compiled every operation before.

It also times each framework's import in a fresh interpreter, reads each framework's
snippet time from the result cache after every build (``sides.<framework>.elapsed``),
and runs the pairs' JAX snippets twice in a fresh interpreter (the first run compiles
each operation, the second reuses it), without and with the persistent cache. It
prints ratios against the alternatives measured in the same run and asserts no timing.
See benchmarks/README.md.

Run with the interpreter of the Sphinx environment (PaddlePaddle and JAX installed)::

    .venv/bin/python benchmarks/bench_fourway.py [--pairs DIR ...] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from bench_build import (
    PHASES,
    Build,
    load_average,
    median_build,
    snapshot_package,
    sphinx_build,
    stop_workers,
    time_import,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
KEEP = ("torch", "megengine")  # the two-way copy's frameworks
FRAMEWORKS = ("torch", "megengine", "paddle", "jax")
TARGET_RATIO = 2.0  # four-way cold / two-way cold, at most (issue 20)
REASON = "The two-way copy of a four-way pair keeps the four-way page's difference."


def default_pair_dirs() -> list[Path]:
    """docs/fourway/pairs when it has pairs; else the four-way test projects' pairs."""
    guide = ROOT / "docs" / "fourway" / "pairs"
    if any(guide.glob("*.yaml")):
        return [guide]
    return [ROOT / "tests/roots/test-fourway/pairs", ROOT / "tests/roots/test-nway/pairs"]


# -- the two-way copy -----------------------------------------------------------------

def _project_stated(value: Any, word: str) -> Any:
    """A per-framework ``expect:``/``dtype:`` mapping seen by torch and MegEngine alone:
    ``{error: [...]}`` when one of them fails, ``word`` (differ, differs) when they fall
    into different groups, None when they agree. The word form stays as it is."""
    if not isinstance(value, dict):
        return value
    error = [f for f in value.get("error", []) if f in KEEP]
    if error:
        return {"error": error}
    split = any(f in value.get("differs", []) for f in KEEP)
    if "groups" in value:
        split = not any(all(f in group for f in KEEP) for group in value["groups"])
    return word if split else None


def _two_way_example(example: dict[str, Any]) -> dict[str, Any] | None:
    code = example.get("code") or {}
    if not all(f in code for f in KEEP):
        return None
    out = dict(example)
    out["code"] = {f: code[f] for f in KEEP}
    for key, word in (("expect", "differ"), ("dtype", "differs")):
        if key in out:
            projected = _project_stated(out[key], word)
            if projected is None:
                del out[key]
            else:
                out[key] = projected
    if "recipe" in out:
        recipe = {k: v for k, v in out["recipe"].items() if k in (*KEEP, "none")}
        if "expect" not in out and "dtype" not in out:
            del out["recipe"]  # the two frameworks agree: nothing to reconcile
        else:
            out["recipe"] = recipe or {"none": REASON}
    if "modules" in out:
        modules = {}
        for name, module in out["modules"].items():
            kept = {k: v for k, v in module.items() if k in (*KEEP, "weights")}
            if "names" in module:
                kept["names"] = {k: v for k, v in module["names"].items() if k in KEEP}
            modules[name] = kept
        out["modules"] = modules
    return out


def two_way(pair: dict[str, Any]) -> tuple[dict[str, Any] | None, int]:
    """The torch-MegEngine copy of ``pair`` (None when it has no such meaning), and the
    number of its examples that were dropped (those without code in both)."""
    apis = pair.get("apis") or {}
    if not all(isinstance(apis.get(f), str) for f in KEEP):
        return None, 0
    out = dict(pair)
    out["apis"] = {f: apis[f] for f in KEEP}
    if "signatures" in out:
        out["signatures"] = {k: v for k, v in out["signatures"].items() if k in KEEP}
    numbers: dict[int, int] = {}  # old example number -> new
    examples = []
    for number, example in enumerate(pair.get("examples") or [], start=1):
        copy = _two_way_example(example)
        if copy is not None:
            examples.append(copy)
            numbers[number] = len(examples)
    dropped = len(pair.get("examples") or []) - len(examples)
    if "examples" in out:
        out["examples"] = examples
    if "params" in out:
        rows = []
        for row in out["params"]:
            kept = {k: v for k, v in row.items() if k not in FRAMEWORKS or k in KEEP}
            if not any(f in kept for f in KEEP):
                continue
            if "examples" in kept:
                kept["examples"] = [numbers[n] for n in kept["examples"] if n in numbers]
                if not kept["examples"]:
                    del kept["examples"]
            rows.append(kept)
        out["params"] = rows
    return out, dropped


@dataclass
class Pairs:
    four: dict[str, dict[str, Any]] = field(default_factory=dict)  # name -> pair
    two: dict[str, dict[str, Any]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)  # no two-way meaning
    dropped_examples: int = 0

    def examples(self, which: str) -> int:
        pairs = self.four if which == "four" else self.two
        return sum(len(p.get("examples") or []) for p in pairs.values())


def load_pairs(dirs: list[Path]) -> Pairs:
    pairs = Pairs()
    for folder in dirs:
        for path in sorted(folder.glob("*.yaml")):
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            name = path.stem if path.stem not in pairs.four else f"{folder.parent.name}-{path.stem}"
            name = name.replace("_", "-")
            data = {**data, "id": name}
            pairs.four[name] = data
            copy, dropped = two_way(data)
            if copy is None:
                pairs.skipped.append(name)
            else:
                pairs.two[name] = copy
                pairs.dropped_examples += dropped
    # both projects hold the same pairs: the four-way one only those with a two-way copy
    pairs.four = {name: data for name, data in pairs.four.items() if name in pairs.two}
    return pairs


class _Dumper(yaml.SafeDumper):
    """Code as YAML block text (``|``), as authors write it."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _text)


def write_project(root: Path, pairs: dict[str, dict[str, Any]]) -> Path:
    src = root / "src"
    shutil.rmtree(root, ignore_errors=True)
    (src / "pairs").mkdir(parents=True)
    (src / "conf.py").write_text(
        f"project = 'bench-{root.name}'\nextensions = ['sphinx_apidiff']\n"
        "apidiff_execution_timeout = 300\n", encoding="utf-8")
    toctree = "\n".join(f"   {name}" for name in pairs)
    (src / "index.rst").write_text(
        f"Benchmark\n=========\n\n.. toctree::\n\n{toctree}\n", encoding="utf-8")
    for name, data in pairs.items():
        (src / "pairs" / f"{name}.yaml").write_text(
            yaml.dump(data, Dumper=_Dumper, sort_keys=False, allow_unicode=True), encoding="utf-8")
        (src / f"{name}.rst").write_text(f".. apidiff:: pairs/{name}.yaml\n", encoding="utf-8")
    return src


# -- measuring ------------------------------------------------------------------------

def snippet_times(out: Path) -> dict[str, float]:
    """Snippet time per framework summed over the result cache's entries: every
    ``sides.<framework>.elapsed`` (the example, its recipe, sweep cells, repeats)."""
    totals = dict.fromkeys(FRAMEWORKS, 0.0)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            sides = node.get("sides")
            if isinstance(sides, dict):
                for fw, side in sides.items():
                    if isinstance(side, dict) and isinstance(side.get("elapsed"), (int, float)):
                        totals[fw] = totals.get(fw, 0.0) + float(side["elapsed"])
            for key, value in node.items():
                if key != "sides":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for entry in (out / ".doctrees" / "apidiff-cache").glob("ex-*.json"):
        walk(json.loads(entry.read_text(encoding="utf-8")).get("value"))
    return totals


@dataclass
class Variant:
    key: str
    label: str
    project: str  # "two" or "four"
    env: dict[str, str] = field(default_factory=dict)
    primed: bool = False  # one uncounted build first (fills the JAX cache, starts pools)
    builds: list[Build] = field(default_factory=list)
    snippets: list[dict[str, float]] = field(default_factory=list)

    def median(self) -> float:
        return median_build(self.builds).seconds

    def snippet_median(self, fw: str) -> float:
        return statistics.median(s.get(fw, 0.0) for s in self.snippets)


def cold(variant: Variant, work: Path, env: dict[str, str], count: bool = True) -> Build:
    src = work / variant.project / "src"
    out = work / variant.key / "out"
    shutil.rmtree(out, ignore_errors=True)
    # the user's cache (JAX's compiled operations): empty for every cold build, kept from
    # the uncounted first build for the primed kinds
    user = work / variant.key / "user-cache"
    if not variant.primed:
        shutil.rmtree(user, ignore_errors=True)
    build = sphinx_build(src, out, {**env, "XDG_CACHE_HOME": str(user), **variant.env},
                         work / f"{variant.key}.log", None, extra=("-E",))
    snippets = snippet_times(out)
    if count:
        variant.builds.append(build)
        variant.snippets.append(snippets)
    jax_s = f", JAX snippets {snippets.get('jax', 0.0):.2f} s" if variant.project == "four" else ""
    print(f"  {variant.label:32} {build.seconds:6.2f} s{'' if count else ' (not counted)'}"
          f"{jax_s}", flush=True)
    return build


JAX_PROBE = r'''
import json, sys, time
started = time.perf_counter()
import numpy as np
import jax, jax.numpy
imported = time.perf_counter() - started
# where compiling goes: tracing to a jaxpr, lowering it to MLIR, XLA's compile (or the
# persistent cache's look-up), as JAX reports it
spent = {}
def listen(event, duration, **kwargs):
    spent[event] = spent.get(event, 0.0) + duration
jax.monitoring.register_event_duration_secs_listener(listen)
examples = json.loads(sys.stdin.read())
first = second = 0.0
ran = failed = 0
for ex in examples:
    rng = np.random.default_rng(ex.get("seed", 0))
    ns = {"np": np, "jax": jax}
    for name, spec in (ex.get("inputs") or {}).items():
        dtype = spec.get("dtype", "float32")
        if "value" in spec:
            array = np.asarray(spec["value"], dtype=dtype)
        elif dtype.startswith(("int", "uint")):
            array = rng.integers(spec.get("low", 0), spec.get("high", 10),
                                 size=spec["shape"]).astype(dtype)
        else:
            array = rng.standard_normal(spec["shape"]).astype(dtype)
        ns[name] = array if spec.get("as") == "numpy" else jax.numpy.asarray(array)
    times = []
    try:
        for _ in range(2):
            run = dict(ns)
            t = time.perf_counter()
            exec(ex["code"], run)
            jax.block_until_ready([run[v] for v in ex.get("compare") or [] if v in run])
            times.append(time.perf_counter() - t)
    except Exception:
        failed += 1
        continue
    ran += 1
    first += times[0]
    second += times[1]
names = {"trace": "jaxpr_trace_duration", "lower": "jaxpr_to_mlir_module_duration",
         "compile": "backend_compile_duration", "cache_read": "cache_retrieval_time_sec"}
phases = {k: sum(v for e, v in spent.items() if e.endswith(n)) for k, n in names.items()}
print(json.dumps({"import": imported, "first": first, "second": second,
                  "ran": ran, "failed": failed, "phases": phases}))
'''


def jax_probe(pairs: Pairs, env: dict[str, str]) -> dict[str, Any]:
    """The pairs' JAX snippets run twice each in a fresh interpreter (without modules and
    gradients: those examples are left out): the first run of each compiles its operations."""
    examples = [
        {"code": ex["code"]["jax"], "inputs": ex.get("inputs"), "compare": ex.get("compare"),
         "seed": ex.get("seed", 0)}
        for pair in pairs.four.values() for ex in pair.get("examples") or []
        if "jax" in ex.get("code", {}) and not ex.get("modules") and not ex.get("grad")
    ]
    done = subprocess.run([sys.executable, "-c", JAX_PROBE], input=json.dumps(examples),
                          env=env, capture_output=True, text=True, check=False)
    if done.returncode:
        return {"error": done.stderr.strip().splitlines()[-1:] or ["?"]}
    return json.loads(done.stdout.strip().splitlines()[-1])


# -- the run --------------------------------------------------------------------------

def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", action="append", type=Path, metavar="DIR",
                        help="a folder of four-way pair YAMLs (repeatable; default "
                        "docs/fourway/pairs, else the four-way test projects' pairs)")
    parser.add_argument("--repeat", type=int, default=3,
                        help="cold builds of each kind, interleaved; medians reported (3)")
    parser.add_argument("--no-warm", action="store_true", help="leave out the warm workers")
    parser.add_argument("--no-jax-cache", action="store_true",
                        help="leave out JAX's persistent compilation cache")
    parser.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when four-way / two-way is above 2x")
    parser.add_argument("--megengine-python", default=os.environ.get(
        "APIDIFF_PYTHON_MEGENGINE", str(ROOT / ".venv-megengine" / "bin" / "python")))
    parser.add_argument("--keep", metavar="DIR", help="build in DIR and keep it")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    dirs = args.pairs or default_pair_dirs()
    pairs = load_pairs(dirs)
    if not pairs.two:
        raise SystemExit(f"bench_fourway: no pair with torch and MegEngine APIs in {dirs}")
    mge_python = os.path.abspath(args.megengine_python)

    work = Path(args.keep).resolve() if args.keep else Path(tempfile.mkdtemp(
        prefix="apidiff-fourway-"))
    work.mkdir(parents=True, exist_ok=True)
    package, revision = snapshot_package(work)
    workers_dir = work / "workers"  # the warm pools' sockets, private to this run
    env = dict(os.environ)
    env.update({
        "PYTHONPATH": os.pathsep.join(p for p in (str(package), env.get("PYTHONPATH")) if p),
        "APIDIFF_PYTHON_MEGENGINE": mge_python,
        "APIDIFF_WARM_WORKERS": "0",
        "APIDIFF_WORKERS_DIR": str(workers_dir),
        "JAX_PLATFORMS": "cpu",
    })
    jax_cache = {"JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0"}  # as the workers have it
    warm = {"APIDIFF_WARM_WORKERS": "1"}
    variants = [Variant("two", "two-way (torch, MegEngine)", "two"),
                Variant("four", "four-way", "four")]
    if not args.no_jax_cache:
        # the default after a first build on the machine: JAX's cache is the user's
        variants.append(Variant("four-jaxcache", "four-way, JAX persistent cache", "four",
                                primed=True))
    if not args.no_warm:
        variants += [Variant("two-warm", "two-way, warm workers", "two", warm, primed=True),
                     Variant("four-warm", "four-way, warm workers", "four", warm, primed=True)]
    write_project(work / "two", pairs.two)
    write_project(work / "four", pairs.four)
    load_start = load_average()
    print(f"bench_fourway: {len(pairs.two)} pairs from {', '.join(map(str, dirs))}; "
          f"{pairs.examples('two')} examples two-way, {pairs.examples('four')} four-way; "
          f"skipped (no two-way meaning): {len(pairs.skipped)} {pairs.skipped or ''}; "
          f"examples without torch and MegEngine code left out of the two-way copy: "
          f"{pairs.dropped_examples}", flush=True)
    print(f"  work dir {work}; sphinx_apidiff {revision}; {os.cpu_count()} CPUs; "
          f"1-min load average {load_start}", flush=True)
    try:
        imports = {"python": time_import(sys.executable, "sys")}
        for fw in FRAMEWORKS:
            python = mge_python if fw == "megengine" else sys.executable
            imports[fw] = time_import(python, fw)
        print("  imports: " + ", ".join(f"{k} {v:.2f} s" for k, v in imports.items()),
              flush=True)
        probe = {"plain": jax_probe(pairs, env)}
        if not args.no_jax_cache:
            probe_cache = work / "jax-probe-cache"
            probe_env = {**env, **jax_cache, "JAX_COMPILATION_CACHE_DIR": str(probe_cache)}
            jax_probe(pairs, probe_env)  # fills the cache
            probe["cached"] = jax_probe(pairs, probe_env)
        print(f"  JAX probe: {probe}", flush=True)
        for variant in variants:
            if variant.primed:
                cold(variant, work, env, count=False)
        for _ in range(args.repeat):  # interleaved: drift in load hits every variant alike
            for variant in variants:
                cold(variant, work, env)
        report = summarize(variants, imports, probe, pairs)
        entries = list((work / "four-jaxcache" / "user-cache" / "sphinx-apidiff" / "jax").glob("*"))
        report["jax_cache"] = {"entries": len(entries),
                               "bytes": sum(e.stat().st_size for e in entries if e.is_file())}
        report.update(revision=revision, load_average={"start": load_start,
                                                       "end": load_average()},
                      pair_dirs=[str(d) for d in dirs], repeat=args.repeat)
    finally:
        if not args.no_warm:
            stop_workers(env, workers_dir)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 1 if args.check and report["ratios"]["four/two"] > TARGET_RATIO else 0


def summarize(variants: list[Variant], imports: dict[str, float], probe: dict[str, Any],
              pairs: Pairs) -> dict[str, Any]:
    by = {v.key: v for v in variants}
    builds = {}
    for v in variants:
        mid = median_build(v.builds)
        builds[v.key] = {
            "label": v.label, "median": mid.seconds, "all": [b.seconds for b in v.builds],
            "cpu": statistics.median(b.cpu for b in v.builds),
            "phases": mid.phases, "apidiff_line": mid.apidiff_line, "statuses": mid.statuses,
            "warnings": mid.warnings,
            "snippets": {fw: v.snippet_median(fw) for fw in FRAMEWORKS},
        }
    ratios = {}
    for a, b in (("four", "two"), ("four-jaxcache", "two"), ("four-warm", "two-warm"),
                 ("four-warm", "two"), ("four-jaxcache", "four"), ("four-warm", "four"),
                 ("two-warm", "two")):
        if a in by and b in by:
            ratios[f"{a}/{b}"] = by[a].median() / by[b].median()
    jax_four = by["four"].snippet_median("jax")
    share = {"jax_snippets_four": jax_four,
             "jax_snippets_over_four_minus_two":
                 jax_four / max(by["four"].median() - by["two"].median(), 1e-9)}
    for key in ("four-jaxcache", "four-warm"):
        if key in by:
            share[f"jax_snippets_{key}"] = by[key].snippet_median("jax")
    return {"pairs": len(pairs.two), "skipped": pairs.skipped,
            "examples": {"two": pairs.examples("two"), "four": pairs.examples("four")},
            "cpus": os.cpu_count(), "imports": imports, "builds": builds, "ratios": ratios,
            "jax": share, "jax_probe": probe}


def print_report(r: dict[str, Any]) -> None:
    builds = r["builds"]
    print(f"\n== cold builds (-E, new output, doctrees and result cache), {r['pairs']} pairs: "
          f"{r['examples']['two']} examples two-way, {r['examples']['four']} four-way; "
          f"seconds, median [min-max] of {r['repeat']} interleaved runs ==")
    print(f"{'':34}{'wall':>20}{'CPU':>8}   " + "".join(f"{p:>9}" for p in PHASES))
    for row in builds.values():
        spread = f"{row['median']:.2f} [{min(row['all']):.2f}-{max(row['all']):.2f}]"
        print(f"{row['label']:34}{spread:>20}{row['cpu']:8.2f}   "
              + "".join(f"{row['phases'].get(p, 0.0):9.2f}" for p in PHASES))
    for row in builds.values():
        print(f"  {row['label']:32} {row['apidiff_line']}; warnings {row['warnings']}")
    print("\n== snippet time per framework (worker-measured, summed over the examples; "
          "median of the runs; seconds) ==")
    print(f"{'':34}" + "".join(f"{fw:>11}" for fw in FRAMEWORKS))
    for row in builds.values():
        print(f"{row['label']:34}" + "".join(f"{row['snippets'][fw]:11.3f}" for fw in FRAMEWORKS))
    imports = r["imports"]
    print("\n== import in a fresh interpreter (median of 3; seconds) ==")
    print("  " + ", ".join(f"{k} {v:.2f}" for k, v in imports.items())
          + "   (python: a bare interpreter start)")
    probe = r["jax_probe"]
    print("\n== JAX: first run of each snippet (compiles its operations) against a second "
          "run of the same, one fresh interpreter ==")
    for key, label in (("plain", "no persistent cache"), ("cached", "persistent cache filled")):
        p = probe.get(key)
        if p is None:
            continue
        if "error" in p:
            print(f"  {label:26} failed: {p['error']}")
            continue
        print(f"  {label:26} import jax {p['import']:.2f} s; {p['ran']} snippets: first runs "
              f"{p['first']:.3f} s, second runs {p['second']:.3f} s "
              f"({p['first'] / max(p['second'], 1e-9):.0f}x; {p['failed']} failed)")
        print(f"  {'':26} of which " + ", ".join(
            f"{k} {v:.3f} s" for k, v in p.get("phases", {}).items())
            + " (JAX's own durations; compile: XLA, cache_read: the persistent cache)")
    jax = r["jax"]
    print(f"  in the four-way build: JAX snippets {jax['jax_snippets_four']:.2f} s, "
          f"{100 * jax['jax_snippets_over_four_minus_two']:.0f}% of what four-way adds "
          "to the two-way wall clock")
    for key, label in (("four-jaxcache", "with the persistent cache"),
                       ("four-warm", "with warm workers")):
        if f"jax_snippets_{key}" in jax:
            print(f"  {label}: JAX snippets {jax[f'jax_snippets_{key}']:.2f} s")
    cache = r.get("jax_cache")
    if cache and cache["entries"]:
        print(f"  the persistent cache after the run: {cache['entries']} entries (compiled "
              f"operations), {cache['bytes'] / 1e6:.1f} MB")
    print("\n== ratios (medians of the same run) ==")
    labels = {"four": "four-way", "two": "two-way", "four-jaxcache": "four-way, JAX cache",
              "four-warm": "four-way, warm", "two-warm": "two-way, warm"}
    for key, value in r["ratios"].items():
        a, b = key.split("/")
        target = ""
        if key == "four/two":
            target = f"   target <= {TARGET_RATIO:g}x   " + (
                "ok" if value <= TARGET_RATIO else "MISSED")
        print(f"  {labels[a] + ' / ' + labels[b]:44}{value:6.2f}x{target}")
    load = {k: "?" if v is None else f"{v:.2f}" for k, v in r["load_average"].items()}
    print(f"sphinx_apidiff {r['revision']}; 1-min load average {load['start']} at the start, "
          f"{load['end']} at the end")


if __name__ == "__main__":
    sys.exit(main())
