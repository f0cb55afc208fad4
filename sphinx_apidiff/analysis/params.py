"""Parameter matching, row tags and the page category: pure functions.

No Sphinx imports here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

from sphinx_apidiff.model.diagnostics import Diagnostic
from sphinx_apidiff.model.example import Prose
from sphinx_apidiff.model.signature import Signature, same_default
from sphinx_apidiff.model.spec import ParamRowSpec
from sphinx_apidiff.model.types import suggest
from sphinx_apidiff.model.vocabulary import Category, Subtype, Tag, TagKind

#: Parameters that never count towards the category (still shown in the table).
DEFAULT_IGNORED = (
    "device",
    "dtype",
    "out",
    "name",
    "layout",
    "requires_grad",
    "pin_memory",
    "memory_format",
    "generator",
)


@dataclass
class Row:
    """One row of the parameter table: each framework's name and default, and the differences."""

    names: dict[str, str | None]
    defaults: dict[str, str | None]
    tags: list[Tag] = field(default_factory=list)
    note: Prose | None = None
    explicit: bool = False
    ignored: bool = False
    line: int | None = None
    note_line: int | None = None
    spec_index: int | None = None  # position in the YAML ``params`` list
    examples: list[int] = field(default_factory=list)  # the examples its note cites

    @property
    def key(self) -> str:
        """A stable name for the row (the first name present)."""
        return next(n for n in self.names.values() if n)

    def to_json(self) -> dict[str, Any]:
        return {"names": self.names, "defaults": self.defaults, "tags": [str(t) for t in self.tags]}

    def has(self, kind: TagKind, framework: str | None = None) -> bool:
        """Whether the row has this difference (for ``framework``, or for any framework)."""
        return any(t.kind is kind and framework in (None, t.framework) for t in self.tags)

    def missing_in(self) -> set[str]:
        """The frameworks that have no such parameter."""
        return {t.framework for t in self.tags if t.kind is TagKind.MISSING and t.framework}


def build_rows(
    frameworks: list[str],
    signatures: dict[str, Signature | None],
    explicit: Iterable[ParamRowSpec],
    ignored: Iterable[str] = DEFAULT_IGNORED,
) -> tuple[list[Row], list[Diagnostic]]:
    """Match parameters across frameworks into rows.

    Explicit rows come from the YAML; every other parameter is matched by name
    with the same name in the other frameworks, or gets a row of its own.
    Names in explicit rows that a known signature lacks are reported.
    """
    ignored = set(ignored)
    diags: list[Diagnostic] = []
    claimed: dict[str, set[str]] = {fw: set() for fw in frameworks}
    rows: list[Row] = []
    unknown_names: set[tuple[str, str]] = set()

    for spec_index, spec_row in enumerate(explicit):
        names: dict[str, str | None] = {fw: spec_row.names.get(fw) for fw in frameworks}
        for fw, name in spec_row.names.items():
            sig = signatures.get(fw)
            if sig is not None and sig.get(name) is None:
                known = sig.names()
                diags.append(
                    Diagnostic(
                        Subtype.PARAM,
                        f"{fw} has no parameter {name!r}{suggest(name, known)}"
                        + ("" if suggest(name, known) else f" (it has: {', '.join(known)})"),
                        spec_row.name_lines.get(fw) or spec_row.line,
                    )
                )
                unknown_names.add((fw, name))
            claimed[fw].add(name)
        rows.append(
            Row(
                names=names,
                defaults={},
                note=spec_row.note,
                explicit=True,
                line=spec_row.line,
                note_line=spec_row.note_line,
                spec_index=spec_index,
                examples=list(spec_row.examples),
                tags=[Tag(TagKind.MEANING)] if spec_row.meaning_differs else [],
            )
        )

    for fw in frameworks:
        sig = signatures.get(fw)
        if sig is None:
            continue
        for name in sig.names():
            if name in claimed[fw]:
                continue
            names = {}
            for other in frameworks:
                other_sig = signatures.get(other)
                present = (
                    other_sig is not None
                    and other_sig.get(name) is not None
                    and name not in claimed[other]
                )
                names[other] = name if present else None
                if present:
                    claimed[other].add(name)
            rows.append(Row(names=names, defaults={}))

    for row in rows:
        row.defaults = {}
        found: list[tuple[str, str | None]] = []
        for fw in frameworks:
            fw_name = row.names.get(fw)
            sig = signatures.get(fw)
            param = sig.get(fw_name) if sig is not None and fw_name else None
            row.defaults[fw] = param.default if param is not None else None
            if fw_name is None:
                if sig is not None:
                    row.tags.append(Tag(TagKind.MISSING, fw))
            elif (fw, fw_name) in unknown_names:
                row.tags.append(Tag(TagKind.UNKNOWN, fw))
            elif sig is not None:
                found.append((fw_name, param.default if param else None))
        if len({n for n, _ in found}) > 1:
            row.tags.insert(0, Tag(TagKind.RENAMED))
        if any(not same_default(a, b) for (_, a), (_, b) in combinations(found, 2)):
            row.tags.insert(1 if row.has(TagKind.RENAMED) else 0, Tag(TagKind.DEFAULT))
        row.ignored = all(n in ignored for n in row.names.values() if n)

    def order(row: Row) -> tuple[int, int, int]:
        for i, fw in enumerate(frameworks):
            name = row.names.get(fw)
            sig = signatures.get(fw)
            if name and sig is not None and sig.get(name) is not None:
                return (i, sig.position(name), 0)
        return (len(frameworks), 0, 0)

    rows.sort(key=order)
    return rows, diags


def categorize(rows: Iterable[Row], frameworks: list[str]) -> Category:
    """The computed category: the highest of :data:`COMPUTED_CATEGORIES` that applies."""
    reference = frameworks[0]
    found = Category.IDENTICAL
    for row in rows:
        if row.ignored:
            continue
        missing = row.missing_in()
        applies = [
            (Category.MISSING_PARAMS, bool(row.names.get(reference) and missing - {reference})),
            (Category.DEFAULTS, row.has(TagKind.DEFAULT)),
            (Category.EXTRA_PARAMS, reference in missing),
            (Category.RENAMED, row.has(TagKind.RENAMED)),
        ]
        for category, applied in applies:
            if applied and category.rank > found.rank:
                found = category
    return found
