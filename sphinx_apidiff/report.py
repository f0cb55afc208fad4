"""``<outdir>/apidiff.json``: every pair of the project, machine-readable."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from sphinx.application import Sphinx

from .nodes import PairEntry, get_pairs
from .spec import resolve_prose

REPORT_VERSION = 1


def pair_json(entry: PairEntry, language: str | None) -> dict[str, Any]:
    spec = entry.spec
    resolved = entry.resolved
    examples = []
    for index, example in enumerate(spec.examples):
        result = resolved.examples[index] if resolved and index < len(resolved.examples) else None
        examples.append(
            {
                "title": resolve_prose(example.title, language),
                "line": example.line,
                "expect": example.expect,
                "status": result.status if result else "not-run",
                "cached": bool(result and result.cached),
                "stale": result.stale if result else None,
                "results": {n: c.to_json() for n, c in result.results.items()} if result else {},
            }
        )
    return {
        "id": spec.id,
        "title": resolve_prose(spec.title, language),
        "docname": entry.docname,
        "anchor": entry.section_id,
        "source": entry.source,
        "apis": spec.apis,
        "versions": resolved.versions if resolved else {},
        "category": resolved.category if resolved else spec.category,
        "params": [row.to_json() for row in resolved.rows] if resolved else [],
        "examples": examples,
    }


def collect(app: Sphinx) -> dict[str, Any]:
    pairs = []
    for docname in sorted(get_pairs(app.env)):
        for entry in get_pairs(app.env)[docname]:
            pairs.append(pair_json(entry, app.config.language))
    return {"version": REPORT_VERSION, "pairs": pairs}


def write_report(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    data = collect(app)
    path = os.path.join(app.outdir, "apidiff.json")
    fd, tmp = tempfile.mkstemp(dir=app.outdir, suffix=".tmp")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(data, handle, indent=1, ensure_ascii=False, sort_keys=False)
        handle.write("\n")
    os.replace(tmp, path)
