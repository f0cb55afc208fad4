"""Another machine, simulated: a results store as another CPU would have written it.

Floats differ in their last bits across CPUs and BLAS kernels; a deviation within
the tolerance may be 0.0 on one machine and 2.38e-07 on another. These helpers
write such a store, and compare what two builds found with the store's own rule.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.agreement import DEVIATIONS, disagreement
from sphinx_apidiff.execution.store_folder import MANIFEST
from sphinx_apidiff.model.example import ExampleSpec, SweepCell
from sphinx_apidiff.model.spec import read_pair_file

SMALLEST_ATOL = 1e-6  # the default; no example of the tests or the guide has a smaller one


def _last_bits(value: float, steps: int) -> float:
    for _ in range(steps):
        value = math.nextafter(value, math.inf)
    return value


def _perturb(comp: dict[str, Any], verdict: str, seed: int) -> bool:
    """Move a comparison's (or a pair's) deviations as another CPU might; whether they moved."""
    before = {k: comp[k] for k in DEVIATIONS}
    tiny = comp["max_abs"] is not None and comp["max_abs"] < SMALLEST_ATOL
    if comp[verdict] and tiny:
        if comp["max_abs"] == 0.0:
            comp["max_abs"], comp["max_rel"] = 2.384185791015625e-07, 1.19e-07
        else:
            comp["max_abs"], comp["max_rel"] = 0.0, 0.0
    else:
        for key in DEVIATIONS:
            if comp[key]:
                comp[key] = _last_bits(comp[key], 1 + seed % 3)
    return before != {k: comp[k] for k in DEVIATIONS}


def perturb_store(store: Path) -> list[str]:
    """Rewrite every stored deviation as another CPU might have measured it; what changed.

    A passing comparison's deviation below the smallest atol moves within it (0.0
    becomes 2.38e-07, 2.38e-07 becomes 0.0); any other non-zero one changes in its
    last bits. Exact zeros of a failing comparison (integers) stay. Each pair of a
    comparison's ``pairwise`` moves the same way.
    """
    changed = []
    for file in sorted(store.glob("*.json")):
        data = json.loads(file.read_text(encoding="utf-8"))
        entries = list(enumerate(data["examples"]))
        for index, cells in enumerate(data.get("sweeps", [])):  # a sweep's cells, by id
            entries += [(f"{index}:{cell}", entry) for cell, entry in sorted(cells.items())]
        for index, entry in entries:
            for name, comp in (entry or {}).get("result", {}).get("results", {}).items():
                pairs = [(name, comp, "passed")] + [
                    (f"{name}.pairwise.{key}", pair, "within")
                    for key, pair in sorted(comp.get("pairwise", {}).items())
                ]
                for label, one, verdict in pairs:
                    if _perturb(one, verdict, len(changed)):
                        changed.append(f"{file.stem}[{index}].{label}")
        file.write_text(
            json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n", encoding="utf-8"
        )
    return changed


def examples_of(srcdir: Path, report: dict[str, Any]) -> dict[str, list[ExampleSpec]]:
    """The examples of each pair of a build report, from its YAML file."""
    found = {}
    for pair in report["pairs"]:
        if not pair["examples"]:
            found[pair["id"]] = []
            continue
        spec, _ = read_pair_file(srcdir / pair["source"])  # an inline pair would need its page
        assert spec is not None, pair["source"]
        found[pair["id"]] = spec.examples
    return found


def tolerances(srcdir: Path, report: dict[str, Any]) -> dict[str, list[tuple[float, float]]]:
    """``(atol, rtol)`` of each example of each pair of a build report, from its YAML file."""
    return {
        pid: [(ex.atol, ex.rtol) for ex in examples]
        for pid, examples in examples_of(srcdir, report).items()
    }


def _sweep_disagreement(example: ExampleSpec, stored: list[Any], live: list[Any]) -> str | None:
    """Where a sweep's cells disagree by the rule, each cell with its own tolerance."""
    if [(c["dtype"], c["seed"]) for c in stored] != [(c["dtype"], c["seed"]) for c in live]:
        return "sweep: other cells"
    for theirs, mine in zip(stored, live, strict=True):
        cell = example.for_cell(SweepCell(mine["dtype"], mine["seed"]))
        found = disagreement(theirs, mine, cell.atol, cell.rtol, f"sweep {mine['dtype']}")
        if found:
            return found
    return None


def report_disagreements(stored: dict[str, Any], live: dict[str, Any], srcdir: Path) -> list[str]:
    """Where a report built from a store says something else than the live one, by the rule."""
    specs = examples_of(srcdir, live)
    problems = []
    stored_pairs = {p["id"]: p for p in stored["pairs"]}
    for pair in live["pairs"]:
        other = stored_pairs.get(pair["id"])
        if other is None:
            problems.append(f"{pair['id']}: missing")
            continue
        for key in sorted(set(pair) - {"examples"}):
            if pair[key] != other.get(key):
                problems.append(
                    f"{pair['id']}: {key} {other.get(key)!r} stored, {pair[key]!r} live"
                )
        if len(pair["examples"]) != len(other["examples"]):
            problems.append(f"{pair['id']}: {len(other['examples'])} examples stored")
            continue
        for index, (mine, theirs) in enumerate(
            zip(pair["examples"], other["examples"], strict=True)
        ):
            example = specs[pair["id"]][index]
            found = disagreement(
                {k: v for k, v in theirs.items() if k != "sweep"},
                {k: v for k, v in mine.items() if k != "sweep"},
                example.atol,
                example.rtol,
            )
            if not found and ("sweep" in mine or "sweep" in theirs):
                found = _sweep_disagreement(example, theirs.get("sweep", []), mine.get("sweep", []))
            if found:
                problems.append(f"{pair['id']} example {index} ({mine['title']}): {found}")
    problems += [
        f"{pid}: not in the live build"
        for pid in sorted(set(stored_pairs) - {p["id"] for p in live["pairs"]})
    ]
    return problems


def store_changes(
    committed: Path, refreshed: Path, srcdir: Path, report: dict[str, Any]
) -> list[str]:
    """The files a refresh rewrote, each with what changed in it (by the rule)."""
    tols = tolerances(srcdir, report)
    problems = []
    # the manifest says which files the store wrote: a refresh that adds or changes it
    # changes what a later refresh may delete, so it is a change to commit too
    old, new = (folder / MANIFEST for folder in (committed, refreshed))
    if old.is_file() != new.is_file():
        problems.append(f"{MANIFEST}: {'added' if new.is_file() else 'removed'} by the refresh")
    elif new.is_file() and old.read_bytes() != new.read_bytes():
        problems.append(f"{MANIFEST}: rewritten by the refresh")
    names = sorted(
        {p.name for p in committed.glob("*.json")} | {p.name for p in refreshed.glob("*.json")}
    )
    for name in names:
        old, new = committed / name, refreshed / name
        if not old.exists() or not new.exists():
            problems.append(f"{name}: {'added' if new.exists() else 'removed'} by the refresh")
            continue
        if old.read_bytes() == new.read_bytes():
            continue
        a, b = (json.loads(f.read_text(encoding="utf-8")) for f in (old, new))
        why = [
            f"{key} changed"
            for key in sorted(set(a) | set(b))
            if key != "examples" and a.get(key) != b.get(key)
        ]
        if len(a.get("examples", [])) != len(b.get("examples", [])):
            why.append("the number of examples changed")
        pair_tols = tols.get(b.get("id"), [])
        for index, (x, y) in enumerate(
            zip(a.get("examples", []), b.get("examples", []), strict=False)
        ):
            atol, rtol = pair_tols[index] if index < len(pair_tols) else (0.0, 0.0)
            found = disagreement(x, y, atol, rtol)
            if found:
                why.append(f"example {index} ({(y or {}).get('title')}): {found}")
        problems.append(f"{name}: " + ("; ".join(why) or "rewritten, same data"))
    return problems


_DEVIATION_CELL = re.compile(r"<td><p>(?:0|[0-9.]+e[-+][0-9]+|[0-9]*\.[0-9]+|[0-9]+)</p></td>")


def without_deviations(html: str) -> str:
    """A page with its deviation cells blanked (the numbers that differ across CPUs)."""
    return _DEVIATION_CELL.sub("<td><p>#</p></td>", html)


_RESULTS_TABLE = re.compile(r'<table class="apidiff-results.*?</table>', re.S)
_VALUE_CELL = re.compile(r'<tr class="row-(?:even|odd)"><td><p><code[^>]*>(.*?)</code>', re.S)


def result_rows(html: str) -> list[list[str]]:
    """The names of the compared values, table by table, in the order a page lists them."""
    return [
        [re.sub(r"<[^>]+>", "", cell) for cell in _VALUE_CELL.findall(table)]
        for table in _RESULTS_TABLE.findall(html)
    ]
