"""``<outdir>/apidiff.json``: every pair of the project, machine-readable."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from typing import Any

from sphinx.application import Sphinx

from sphinx_apidiff.analysis.pair import REPORT_VERSION, pair_report
from sphinx_apidiff.sphinx_ext.located import warn
from sphinx_apidiff.sphinx_ext.nodes import get_pairs


def collect(app: Sphinx) -> dict[str, Any]:
    pairs = []
    for docname in sorted(get_pairs(app.env)):
        for entry in get_pairs(app.env)[docname]:
            try:
                report = pair_report(
                    entry.spec,
                    entry.resolved,
                    source=entry.source,
                    docname=entry.docname,
                    anchor=entry.section_id,
                    language=app.config.language,
                )
                json.dumps(report)  # what cannot be written is found here, per pair
            except Exception as exc:  # a bug of ours: the report lacks this pair
                warn(
                    f"internal error: {type(exc).__name__}: {exc} (please report it); "
                    "apidiff.json leaves this pair out",
                    "internal",
                    entry.spec.location(None),
                )
                continue
            pairs.append(report)
    return {"version": REPORT_VERSION, "pairs": pairs}


def write_report(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or app.builder.format != "html":
        return
    data = collect(app)
    path = os.path.join(app.outdir, "apidiff.json")
    try:
        fd, tmp = tempfile.mkstemp(dir=app.outdir, suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, indent=1, ensure_ascii=False, sort_keys=False)
                handle.write("\n")
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:
        warn(f"cannot write {path}: {exc}", "report", None)
