"""Maintain the message catalogue of sphinx_apidiff.

Messages are the plain string literals passed as first argument to ``_(...)``
anywhere in ``sphinx_apidiff/**/*.py`` (found with :mod:`ast`).

    python tools/i18n.py update   # write the .pot, merge it into each .po, compile each .mo
    python tools/i18n.py check    # exit 1 if a message is untranslated or a .mo is stale

Translations live in ``sphinx_apidiff/locale/<lang>/LC_MESSAGES/sphinx_apidiff.po``;
``update`` creates the file for a language listed in LANGUAGES if it is missing.
"""

from __future__ import annotations

import ast
import io
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "sphinx_apidiff"
DOMAIN = "sphinx_apidiff"
LOCALE_DIR = PACKAGE / "locale"
LANGUAGES = ["zh_CN"]


def extract() -> Catalog:
    """The template: every ``_("literal")`` in the package, with its locations."""
    template = Catalog(project="sphinx-apidiff", domain=DOMAIN)
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"), relative)
        calls = [node for node in ast.walk(tree) if isinstance(node, ast.Call)
                 and isinstance(node.func, ast.Name) and node.func.id == "_" and node.args]
        for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                template.add(arg.value, locations=[(relative, node.lineno)])
            else:  # e.g. _(f"...") or _(name): cannot be translated
                print(f"warning: {relative}:{node.lineno}: _() without a string literal",
                      file=sys.stderr)
    return template


def po_path(lang: str) -> Path:
    return LOCALE_DIR / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def read(path: Path) -> Catalog:
    with path.open("rb") as f:
        return read_po(f, domain=DOMAIN)


def compiled(catalog: Catalog) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    return buffer.getvalue()


def update() -> None:
    template = extract()
    pot = LOCALE_DIR / f"{DOMAIN}.pot"
    if pot.exists():  # nothing extracted changed: keep the date, so files stay identical
        old = read(pot)
        if [(m.id, m.locations) for m in old] == [(m.id, m.locations) for m in template]:
            template.creation_date = old.creation_date
    LOCALE_DIR.mkdir(exist_ok=True)
    with pot.open("wb") as f:
        write_po(f, template, width=100)
    for lang in LANGUAGES:
        po = po_path(lang)
        po.parent.mkdir(parents=True, exist_ok=True)
        catalog = (read(po) if po.exists() else
                   Catalog(locale=lang, domain=DOMAIN, project="sphinx-apidiff", fuzzy=False))
        for key, message in list(catalog.obsolete.items()):
            if message.id in template:  # a message that comes back gets its translation back
                catalog[message.id] = catalog.obsolete.pop(key)
        catalog.update(template)  # keeps translations; removed messages become obsolete
        catalog.obsolete = {key: m for key, m in catalog.obsolete.items() if m.string}
        with po.open("wb") as f:
            write_po(f, catalog, width=100)
        # Re-read what was written, so the .mo is exactly what `check` compiles.
        po.with_suffix(".mo").write_bytes(compiled(read(po)))
        print(f"{po.relative_to(ROOT)}: {len(template)} messages")


def check() -> int:
    template = extract()
    problems = []
    for lang in LANGUAGES:
        po = po_path(lang)
        if not po.exists():
            problems.append(f"{po.relative_to(ROOT)}: missing")
            continue
        catalog = read(po)
        for message in list(template)[1:]:  # [0] is the header
            translated = catalog.get(message.id)
            if translated is None:
                problems.append(f"{lang}: not in the .po: {message.id!r}")
            elif not translated.string:
                problems.append(f"{lang}: untranslated: {message.id!r}")
            elif translated.fuzzy:
                problems.append(f"{lang}: fuzzy (review, then remove the flag): {message.id!r}")
        mo = po.with_suffix(".mo")
        # Compare contents, not mtimes: a git checkout gives both files arbitrary mtimes.
        if not mo.exists() or mo.read_bytes() != compiled(catalog):
            problems.append(f"{mo.relative_to(ROOT)}: missing or not compiled from the .po")
    for problem in problems:
        print(problem)
    if problems:
        print("Run `python tools/i18n.py update`, translate, then update again.")
        return 1
    print(f"catalogue OK: {len(template)} messages, languages: {', '.join(LANGUAGES)}")
    return 0


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) == 2 else ""
    if command == "update":
        update()
    elif command == "check":
        sys.exit(check())
    else:
        sys.exit(__doc__)
