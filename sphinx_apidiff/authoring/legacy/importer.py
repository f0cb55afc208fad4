"""``sphinx-apidiff import``: a legacy hand-written comparison page -> a YAML pair.

:func:`import_legacy` runs the stages in order: read the page as written
(:func:`.reader.parse_legacy`), check its APIs against the real libraries and correct
them (:mod:`.apis`), keep only parameter rows that name real parameters (:mod:`.rows`),
and write the YAML (:mod:`.emit`), which must parse back with no diagnostics.

No Sphinx imports here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sphinx_apidiff.authoring.legacy.apis import (
    SignatureSource,
    check_apis,
    checked_title,
    panel_notes,
)
from sphinx_apidiff.authoring.legacy.emit import emit_pair
from sphinx_apidiff.authoring.legacy.page import LegacyPage, NotAComparisonPage
from sphinx_apidiff.authoring.legacy.reader import parse_legacy
from sphinx_apidiff.authoring.legacy.rows import param_rows
from sphinx_apidiff.model.schema import SCHEMA_ID
from sphinx_apidiff.model.spec import parse_pair

__all__ = ["ImportResult", "NotAComparisonPage", "import_legacy"]


@dataclass
class ImportResult:
    """The YAML of an imported page, what was corrected in it, and what to review."""

    yaml_text: str
    corrections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page: LegacyPage | None = None
    apis: dict[str, str] = field(default_factory=dict)


def import_legacy(
    text: str, engine: SignatureSource, *, source: str = "", schema_ref: str = SCHEMA_ID
) -> ImportResult:
    """Convert a legacy page into the YAML of a pair, checked against the real libraries.

    ``engine`` gives the real signatures (an :class:`~sphinx_apidiff.execution.engine.Engine`);
    ``schema_ref`` is where the first line's comment points editors.
    Raises :class:`NotAComparisonPage`.
    """
    page = parse_legacy(text)
    corrections: list[str] = []
    notes: list[str] = []
    state = check_apis(page, engine, text, corrections, notes)
    title = checked_title(page, state, corrections)
    notes += panel_notes(state)
    rows = param_rows(page, state, corrections, notes)
    notes += _review_notes(page)
    yaml_text = emit_pair(page, title, state.apis, rows, corrections, source, schema_ref)
    pair, diags = parse_pair(yaml_text, "imported.yaml")
    if pair is None or diags:  # a bug of ours, not the page's
        raise RuntimeError(f"the imported YAML does not parse: {diags}")
    return ImportResult(yaml_text, corrections, notes, page, dict(state.apis))


def _review_notes(page: LegacyPage) -> list[str]:
    """What the author must write by hand: examples that ran, usage, and what was not mapped."""
    notes: list[str] = []
    if page.code_blocks:
        lines = ", ".join(str(line) for line, _ in page.code_meta)
        if len(page.code_blocks) == 1:
            notes.append(
                f"the legacy example (line {lines}) was never run: it is kept as a "
                "comment at the end of the YAML; write runnable 'examples:'"
            )
        else:
            notes.append(
                f"the {len(page.code_blocks)} legacy examples (lines {lines}) were "
                "never run: they are kept as comments at the end of the YAML; write "
                "runnable 'examples:'"
            )
    notes += [f"not mapped: {item}" for item in page.unmapped]
    if page.usage is None:
        notes.append(
            "no usage text on the page (usage differences): write 'usage:' by hand "
            "if the APIs are used differently"
        )
    return notes
