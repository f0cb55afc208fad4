"""Writing an imported page as the YAML of a pair, through the authoring tools' one writer.

The corrections go at the top as comments, the legacy examples (never run) at the end
as comment blocks; prose is kept as the page has it, without trailing spaces.

No Sphinx imports here.
"""

from __future__ import annotations

from sphinx_apidiff.authoring.legacy.page import LegacyPage
from sphinx_apidiff.authoring.legacy.rows import Row
from sphinx_apidiff.authoring.yamltext import Mapping, Sequence
from sphinx_apidiff.model.schema import SCHEMA_ID

#: Prose longer than this goes in a ``|`` block even when it is one line.
_LONG = 72


def prose(text: str) -> str:
    """Page text as a YAML value: no trailing spaces; a final newline when it is long or has
    several lines (so that it is written as a ``|`` block)."""
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    out = "\n".join(lines)
    return out + "\n" if "\n" in out or len(out) > _LONG else out


def emit_pair(
    page: LegacyPage,
    title: str,
    apis: dict[str, str],
    rows: list[Row],
    corrections: list[str],
    source: str = "",
    schema_ref: str = SCHEMA_ID,
) -> str:
    """The YAML text of the imported pair: its header and corrections as comments, the
    checked APIs and rows, and the page's examples as comment blocks at the end."""
    lang = page.language
    doc = Mapping()
    origin = f" from {source}" if source else ""
    doc.comment(
        f"yaml-language-server: $schema={schema_ref}",
        f"Imported{origin} by `sphinx-apidiff import`: review it, then write examples.",
        *[f"Corrected: {line}" for line in corrections],
    )
    if page.id:
        doc.add("id", prose(page.id))
    doc.add("title", prose(title))
    doc.add("apis", {fw: prose(api) for fw, api in apis.items()})
    if page.summary:
        doc.add("summary", {lang: prose(page.summary)})
    if page.usage:
        doc.add("usage", {lang: prose(page.usage)})
    if rows:
        params = Sequence()
        for names, note in rows:
            row = Mapping()
            for fw, name in names.items():
                row.add(fw, prose(name))
            if note:
                row.add("note", {lang: prose(note)})
            params.append(row)
        doc.add("params", params)
    count = len(page.code_blocks)
    for index, (code, (code_line, lead)) in enumerate(
        zip(page.code_blocks, page.code_meta, strict=True)
    ):
        number = f"{index + 1} of {count}, " if count > 1 else ""
        doc.comment(
            f"Legacy example, kept for review (it was never run): {number}line {code_line} "
            "of the page",
            *([lead] if lead else []),
            *code.split("\n"),
            blank_before=True,
        )
    return doc.document()
