"""The parameter rows of an imported page, naming only parameters the real APIs have.

Each parameter subsection and each rename the prose states becomes a row when its
names are real (a near-miss spelling is corrected); the others become notes.

No Sphinx imports here.
"""

from __future__ import annotations

import difflib

from sphinx_apidiff.authoring.legacy.apis import CheckedApis
from sphinx_apidiff.authoring.legacy.page import LegacyPage, LegacyParam, LegacyRename
from sphinx_apidiff.authoring.legacy.rst import short

#: A row: the name in each framework that has the parameter, and the note (prose) if any.
Row = tuple[dict[str, str], str | None]


def param_rows(
    page: LegacyPage, state: CheckedApis, corrections: list[str], notes: list[str]
) -> list[Row]:
    """One row per parameter subsection and per rename, naming only real parameters."""
    frameworks = state.frameworks[:2]
    rows: list[Row] = []
    seen: set[tuple[tuple[str, str], ...]] = set()

    def add(line: int, names: dict[str, str], note: str | None, what: str) -> None:
        key = tuple(sorted(names.items()))
        if key in seen:
            notes.append(
                f"not mapped: {what} (line {line}) repeats the row "
                f"{', '.join(f'{fw}: {n}' for fw, n in names.items())}"
            )
            return
        seen.add(key)
        rows.append((names, note))

    def renamed(names: tuple[str, str]) -> dict[str, str] | None:
        pairs = list(zip(frameworks, names, strict=True))
        return dict(pairs) if all(n in state.names(fw) for fw, n in pairs) else None

    def missing(names: tuple[str, str]) -> str:
        return "; ".join(
            f"{state.apis[fw]} has no parameter {n!r}"
            for fw, n in zip(frameworks, names, strict=True)
            if n not in state.names(fw)
        )

    items: list[tuple[int, LegacyParam | LegacyRename]] = [(p.line, p) for p in page.params]
    items += [(r.line, r) for r in page.rename_sources if r.param is None]
    for line, item in sorted(items, key=lambda x: x[0]):
        if isinstance(item, LegacyRename):
            names = renamed(item.names)
            what = f"the rename {item.names[0]} -> {item.names[1]}"
            if names is None:
                notes.append(f"not mapped: {what} (line {line}): {missing(item.names)}")
            else:
                add(line, names, item.text, what)
            continue
        what = f"parameter section {item.title!r}"
        if item.rename:
            names = renamed(item.rename)
            if names is not None:
                add(line, names, item.note, what)
                continue
            notes.append(
                f"{what} (line {line}) pairs {item.rename[0]} with {item.rename[1]}, "
                f"but {missing(item.rename)}"
            )
        has = {fw: item.name for fw in state.frameworks if item.name in state.names(fw)}
        if not has:
            everything = sorted({n for fw in state.frameworks for n in state.names(fw)})
            same = [n for n in everything if n.lower() == item.name.lower()]
            close = same or difflib.get_close_matches(item.name, everything, n=1, cutoff=0.8)
            fixed: str | None = close[0] if close else None
            if fixed is not None:
                corrections.append(
                    f"parameter section {item.title!r} (line {line}): "
                    f"{item.name!r} is not a parameter; using {fixed!r}"
                )
                has = {fw: fixed for fw in state.frameworks if fixed in state.names(fw)}
        if not has:
            text = f"; its text: {short(item.note, 80)!r}" if item.note else ""
            notes.append(
                f"not mapped: {what} (line {line}): {state.describe()} has no "
                f"parameter {item.name!r}{text}"
            )
            continue
        add(line, has, item.note, what)
    return rows
