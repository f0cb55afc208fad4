"""``<outdir>/apidiff.json``: every pair of the project, machine-readable."""

from __future__ import annotations

import json
import os
import tempfile
from typing import Any

from sphinx.application import Sphinx

from .analysis import REPORT_VERSION, pair_report
from .nodes import get_pairs


def collect(app: Sphinx) -> dict[str, Any]:
    pairs = []
    for docname in sorted(get_pairs(app.env)):
        for entry in get_pairs(app.env)[docname]:
            pairs.append(
                pair_report(
                    entry.spec,
                    entry.resolved,
                    source=entry.source,
                    docname=entry.docname,
                    anchor=entry.section_id,
                    language=app.config.language,
                )
            )
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
