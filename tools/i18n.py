"""Maintain the message catalogue of sphinx_apidiff.

Messages are the plain string literals passed as first argument to ``_(...)``
anywhere in ``sphinx_apidiff/**/*.py`` (found with :mod:`ast`).

    python tools/i18n.py update   # write the .pot, merge it into each .po, compile each .mo
    python tools/i18n.py check    # exit 1 if a message is untranslated or a .mo is stale

Translations live in ``sphinx_apidiff/locale/<lang>/LC_MESSAGES/sphinx_apidiff.po``;
``update`` creates the file for a language listed in LANGUAGES if it is missing.

``check`` compares what the catalogues mean, never their bytes: the messages and
translations (with contexts and plural forms) of the committed .mo against a fresh
compile of the .po (which leaves out fuzzy and untranslated entries), and the header
fields less the generator's name and the dates, which any Babel release writes its own way.
"""

from __future__ import annotations

import ast
import io
import struct
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
        calls = [
            node
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id == "_"
            and node.args
        ]
        for node in sorted(calls, key=lambda call: (call.lineno, call.col_offset)):
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                template.add(arg.value, locations=[(relative, node.lineno)])
            else:  # e.g. _(f"...") or _(name): cannot be translated
                print(
                    f"warning: {relative}:{node.lineno}: _() without a string literal",
                    file=sys.stderr,
                )
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


# Header fields that say who wrote the file and when, not what it translates.
VOLATILE_HEADERS = frozenset(
    {"generated-by", "pot-creation-date", "po-revision-date", "x-generator"}
)


def mo_entries(data: bytes) -> dict[str, tuple[str, ...]]:
    """The entries of a GNU .mo file: ``"context\\x04msgid\\x00plural"`` -> its msgstr forms."""
    if len(data) < 20:
        raise ValueError("not a .mo file (too short)")
    for order in "<>":
        magic, _revision, count, ids_at, strs_at = struct.unpack_from(order + "5I", data)
        if magic == 0x950412DE:
            break
    else:
        raise ValueError("not a .mo file (bad magic number)")
    raw: list[tuple[bytes, bytes]] = []
    for index in range(count):
        id_len, id_at = struct.unpack_from(order + "2I", data, ids_at + 8 * index)
        str_len, str_at = struct.unpack_from(order + "2I", data, strs_at + 8 * index)
        if id_at + id_len > len(data) or str_at + str_len > len(data):
            raise ValueError("not a .mo file (an entry lies past its end)")
        raw.append((data[id_at : id_at + id_len], data[str_at : str_at + str_len]))
    charset = "utf-8"
    for key, value in raw:
        if key == b"":  # the header names the encoding of every other entry
            for line in value.decode("ascii", "replace").splitlines():
                name, _, rest = line.partition(":")
                if name.strip().lower() == "content-type" and "charset=" in rest:
                    charset = rest.split("charset=")[1].strip()
    return {key.decode(charset): tuple(value.decode(charset).split("\x00")) for key, value in raw}


def header_fields(header: str) -> dict[str, str]:
    """The header entry's fields (names lower-cased), less the generator and the dates."""
    fields = {}
    for line in header.splitlines():
        name, colon, value = line.partition(":")
        if colon and name.strip().lower() not in VOLATILE_HEADERS:
            fields[name.strip().lower()] = value.strip()
    return fields


def _shown(key: str) -> str:
    context, _, rest = key.rpartition("\x04")
    msgid = rest.split("\x00")[0]
    return repr(msgid) + (f" (context {context!r})" if context else "")


def mo_differences(committed: bytes, expected: bytes) -> list[str]:
    """How the committed .mo differs in meaning from the expected one (empty: they agree)."""
    try:
        have = mo_entries(committed)
    except (ValueError, struct.error, UnicodeDecodeError, LookupError) as error:
        return [f"unreadable: {error}"]
    want = mo_entries(expected)
    problems = []
    have_header = header_fields(have.pop("", ("",))[0])
    want_header = header_fields(want.pop("", ("",))[0])
    for name in sorted(set(have_header) | set(want_header)):
        if have_header.get(name) != want_header.get(name):
            problems.append(
                f"header {name}: {have_header.get(name)!r}, the .po says {want_header.get(name)!r}"
            )
    for key in sorted(set(have) | set(want)):
        if key not in have:
            problems.append(f"lacks the translation of {_shown(key)}")
        elif key not in want:
            problems.append(f"translates {_shown(key)}, which the .po does not (or marks fuzzy)")
        elif have[key] != want[key]:
            problems.append(f"translates {_shown(key)} as {have[key]!r}, the .po as {want[key]!r}")
    return problems


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
        catalog = (
            read(po)
            if po.exists()
            else Catalog(locale=lang, domain=DOMAIN, project="sphinx-apidiff", fuzzy=False)
        )
        for key, message in list(catalog.obsolete.items()):
            if message.id in template:  # a message that comes back gets its translation back
                catalog[message.id] = catalog.obsolete.pop(key)
        catalog.update(template)  # keeps translations; removed messages become obsolete
        catalog.obsolete = {key: m for key, m in catalog.obsolete.items() if m.string}
        with po.open("wb") as f:
            write_po(f, catalog, width=100)
        # Re-read what was written, so the .mo is exactly what `check` compiles; a .mo that
        # already means the same stays as it is (no diff for another Babel's header).
        mo, fresh = po.with_suffix(".mo"), compiled(read(po))
        if not mo.exists() or mo_differences(mo.read_bytes(), fresh):
            mo.write_bytes(fresh)
        print(f"{po.relative_to(ROOT)}: {len(template)} messages")


def _relative(path: Path) -> Path:
    return path.relative_to(ROOT) if path.is_relative_to(ROOT) else path


def problems_of(template: Catalog, po: Path) -> list[str]:
    """What is wrong with one language's .po (against the template) and its compiled .mo."""
    name = _relative(po)
    if not po.exists():
        return [f"{name}: missing"]
    problems = []
    catalog = read(po)
    for message in list(template)[1:]:  # [0] is the header
        translated = catalog.get(message.id)
        if translated is None:
            problems.append(f"{name}: not in the .po: {message.id!r}")
        elif not translated.string:
            problems.append(f"{name}: untranslated: {message.id!r}")
        elif translated.fuzzy:
            problems.append(f"{name}: fuzzy (review, then remove the flag): {message.id!r}")
    for message in list(catalog)[1:]:
        if message.id not in template:
            problems.append(f"{name}: no longer in the code: {message.id!r}")
    mo = po.with_suffix(".mo")
    # Compare meaning, neither bytes (each Babel release writes its own header) nor mtimes
    # (a git checkout gives both files arbitrary mtimes).
    if not mo.exists():
        problems.append(f"{_relative(mo)}: missing")
    else:
        problems += [
            f"{_relative(mo)}: {problem}"
            for problem in mo_differences(mo.read_bytes(), compiled(catalog))
        ]
    return problems


def check(locale_dir: Path | None = None) -> int:
    """Print what is out of date in the catalogues under ``locale_dir``; 1 if anything is."""
    template = extract()
    locale_dir = locale_dir or LOCALE_DIR
    problems = []
    for lang in LANGUAGES:
        problems += problems_of(template, locale_dir / lang / "LC_MESSAGES" / f"{DOMAIN}.po")
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
