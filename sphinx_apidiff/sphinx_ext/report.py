"""``<outdir>/apidiff.json``: every pair of the project, machine-readable."""

from __future__ import annotations

import json
import os
from typing import Any

from sphinx.application import Sphinx

from sphinx_apidiff.analysis import report as json_report
from sphinx_apidiff.analysis.report import pair_report
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model.vocabulary import Subtype
from sphinx_apidiff.sphinx_ext.located import internal, warn
from sphinx_apidiff.sphinx_ext.nodes import get_pairs


def collect(app: Sphinx) -> dict[str, Any]:
    """The report of every pair of the project, in page order."""
    pairs = []
    for docname in sorted(get_pairs(app.env)):
        for entry in get_pairs(app.env)[docname]:
            try:
                report = pair_report(
                    entry.spec,
                    entry.analysis,
                    source=entry.source,
                    docname=entry.docname,
                    anchor=entry.section_id,
                    language=app.config.language,
                )
                json.dumps(report)  # what cannot be written is found here, per pair
            except Exception as exc:  # a bug of ours: the report lacks this pair
                internal(
                    exc, "reporting it (apidiff.json leaves it out)", entry.spec.location(None)
                )
                continue
            pairs.append(report)
    return json_report.report(pairs)


def write_report(app: Sphinx, exception: Exception | None) -> None:
    """``build-finished``: write ``apidiff.json`` (HTML builders), whole or not at all."""
    if exception is not None or app.builder.format != "html":
        return
    data = collect(app)
    path = os.path.join(app.outdir, "apidiff.json")
    try:
        atomic_write(path, json.dumps(data, indent=1, ensure_ascii=False) + "\n")
    except OSError as exc:
        warn(f"cannot write {path}: {exc}", Subtype.REPORT, None)
