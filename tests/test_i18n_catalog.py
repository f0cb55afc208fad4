"""The message catalogue is complete: every ``_("...")`` is translated and the .mo is compiled.

``tools/i18n.py check`` compares what the catalogues mean, not their bytes: a .mo written by
another Babel release (its own ``Generated-By`` header, other dates) passes, a .mo that lacks,
changes or adds a translation fails.
"""

from __future__ import annotations

import gettext
import importlib.util
import io
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

ROOT = Path(__file__).resolve().parent.parent
_spec = importlib.util.spec_from_file_location("apidiff_i18n_tool", ROOT / "tools" / "i18n.py")
assert _spec is not None and _spec.loader is not None
i18n = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(i18n)


def test_catalog_is_translated_and_compiled():
    proc = subprocess.run(
        [sys.executable, "tools/i18n.py", "check"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, (
        "message catalogue out of date; run `python tools/i18n.py update`, translate the new "
        f"messages in sphinx_apidiff/locale/*/LC_MESSAGES/*.po, then update again:\n"
        f"{proc.stdout}{proc.stderr}"
    )


# -- a .mo rewritten the way another tool would write it ------------------------------------


def write_entries(entries: dict[str, tuple[str, ...]]) -> bytes:
    """A GNU .mo file (little-endian, no hash table) of ``mo_entries``-shaped entries."""
    items = sorted((key.encode(), "\x00".join(value).encode()) for key, value in entries.items())
    n = len(items)
    ids_at, strs_at = 28, 28 + 8 * n
    data_at = 28 + 16 * n
    ids_table, strs_table, blob = [], [], b""
    for key, _ in items:
        ids_table.append((len(key), data_at + len(blob)))
        blob += key + b"\x00"
    for _, value in items:
        strs_table.append((len(value), data_at + len(blob)))
        blob += value + b"\x00"
    head = struct.pack("<7I", 0x950412DE, 0, n, ids_at, strs_at, 0, data_at)
    tables = b"".join(struct.pack("<2I", *entry) for entry in ids_table + strs_table)
    return head + tables + blob


@pytest.fixture
def locale(tmp_path) -> Path:
    """A copy of the committed catalogues, to damage."""
    shutil.copytree(i18n.LOCALE_DIR, tmp_path / "locale")
    return tmp_path / "locale"


def mo_of(locale: Path) -> Path:
    return locale / "zh_CN" / "LC_MESSAGES" / "sphinx_apidiff.mo"


def rewrite_mo(locale: Path, change) -> None:
    """Rewrite the copy's .mo after ``change(entries)`` edited its entries in place."""
    entries = i18n.mo_entries(mo_of(locale).read_bytes())
    change(entries)
    mo_of(locale).write_bytes(write_entries(entries))


def run_check(locale: Path, capsys) -> tuple[int, str]:
    status = i18n.check(locale)
    return status, capsys.readouterr().out


def test_the_writer_of_these_tests_writes_what_gettext_reads(locale):
    rewrite_mo(locale, lambda entries: None)
    with mo_of(locale).open("rb") as f:
        translations = gettext.GNUTranslations(f)
    assert translations.gettext("Category") == "分类"
    assert translations.info()["language"] == "zh_CN"


def test_another_babel_release_and_other_dates_pass(locale, capsys):
    def another_babel(entries):
        header = entries[""][0]
        header = re.sub(r"Generated-By: [^\n]*", "Generated-By: Babel 3.1.0rc1", header)
        header = re.sub(
            r"POT-Creation-Date: [^\n]*", "POT-Creation-Date: 2031-01-02 03:04+0800", header
        )
        header = re.sub(
            r"PO-Revision-Date: [^\n]*", "PO-Revision-Date: 2031-01-02 03:04+0800", header
        )
        entries[""] = (header,)

    before = mo_of(locale).read_bytes()
    rewrite_mo(locale, another_babel)
    after = mo_of(locale).read_bytes()
    assert after != before and b"Babel 3.1.0rc1" in after and b"2031-01-02" in after
    status, out = run_check(locale, capsys)
    assert status == 0, out
    assert "catalogue OK" in out


def test_a_fresh_compile_by_the_installed_babel_passes(locale, capsys):
    po = locale / "zh_CN" / "LC_MESSAGES" / "sphinx_apidiff.po"
    mo_of(locale).write_bytes(i18n.compiled(i18n.read(po)))
    assert run_check(locale, capsys)[0] == 0


def test_a_missing_translation_in_the_mo_fails(locale, capsys):
    rewrite_mo(locale, lambda entries: entries.pop("Category"))
    status, out = run_check(locale, capsys)
    assert status == 1
    assert "sphinx_apidiff.mo: lacks the translation of 'Category'" in out


def test_a_changed_translation_in_the_mo_fails(locale, capsys):
    rewrite_mo(locale, lambda entries: entries.update({"Category": ("类别",)}))
    status, out = run_check(locale, capsys)
    assert status == 1
    assert "translates 'Category' as ('类别',), the .po as ('分类',)" in out


def test_an_extra_translation_in_the_mo_fails(locale, capsys):
    rewrite_mo(locale, lambda entries: entries.update({"Not a message": ("不是",)}))
    status, out = run_check(locale, capsys)
    assert status == 1
    assert "translates 'Not a message', which the .po does not" in out


def test_a_changed_plural_rule_in_the_header_fails(locale, capsys):
    def two_forms(entries):
        entries[""] = (
            entries[""][0].replace("nplurals=1; plural=0;", "nplurals=2; plural=(n != 1);"),
        )

    rewrite_mo(locale, two_forms)
    status, out = run_check(locale, capsys)
    assert status == 1
    assert "header plural-forms: 'nplurals=2; plural=(n != 1);'" in out


def test_a_missing_mo_fails(locale, capsys):
    mo_of(locale).unlink()
    status, out = run_check(locale, capsys)
    assert status == 1 and "sphinx_apidiff.mo: missing" in out


def test_an_untranslated_or_stale_po_fails(locale, capsys):
    po = locale / "zh_CN" / "LC_MESSAGES" / "sphinx_apidiff.po"
    text = po.read_text(encoding="utf-8")
    assert 'msgid "Category"\nmsgstr "分类"\n' in text
    text = text.replace('msgid "Category"\nmsgstr "分类"\n', 'msgid "Category"\nmsgstr ""\n')
    text += '\nmsgid "Gone from the code"\nmsgstr "已删除"\n'
    po.write_text(text, encoding="utf-8")
    mo_of(locale).write_bytes(i18n.compiled(i18n.read(po)))  # the .mo agrees with the .po
    status, out = run_check(locale, capsys)
    assert status == 1
    assert "untranslated: 'Category'" in out
    assert "no longer in the code: 'Gone from the code'" in out


# -- plural forms, contexts and fuzzy entries, on a catalogue of our own -------------------


def compile_catalog(catalog: Catalog, use_fuzzy: bool = False) -> bytes:
    buffer = io.BytesIO()
    write_mo(buffer, catalog, use_fuzzy=use_fuzzy)
    return buffer.getvalue()


@pytest.fixture
def catalog() -> Catalog:
    catalog = Catalog(locale="de", domain="test", fuzzy=False)
    catalog.add(("one file", "{n} files"), ("eine Datei", "{n} Dateien"))
    catalog.add("Open", "Öffnen", context="menu")
    catalog.add("Close", "Schließen")
    catalog.add("Later", "Später", flags=["fuzzy"])
    return catalog


def test_identical_catalogues_agree(catalog):
    assert i18n.mo_differences(compile_catalog(catalog), compile_catalog(catalog)) == []


def test_a_changed_plural_form_is_a_difference(catalog):
    expected = compile_catalog(catalog)
    entries = i18n.mo_entries(expected)
    assert entries["one file\x00{n} files"] == ("eine Datei", "{n} Dateien")
    entries["one file\x00{n} files"] = ("eine Datei", "{n} Datei")
    assert i18n.mo_differences(write_entries(entries), expected) == [
        "translates 'one file' as ('eine Datei', '{n} Datei'), "
        "the .po as ('eine Datei', '{n} Dateien')"
    ]


def test_a_message_under_another_context_is_a_difference(catalog):
    expected = compile_catalog(catalog)
    entries = i18n.mo_entries(expected)
    entries["file\x04Open"] = entries.pop("menu\x04Open")
    assert i18n.mo_differences(write_entries(entries), expected) == [
        "translates 'Open' (context 'file'), which the .po does not (or marks fuzzy)",
        "lacks the translation of 'Open' (context 'menu')",
    ]


def test_a_fuzzy_translation_compiled_in_is_a_difference(catalog):
    assert i18n.mo_differences(
        compile_catalog(catalog, use_fuzzy=True), compile_catalog(catalog)
    ) == ["translates 'Later', which the .po does not (or marks fuzzy)"]


def test_a_file_that_is_not_a_mo_is_reported(catalog):
    assert i18n.mo_differences(b"PK\x03\x04 not a catalogue at all", compile_catalog(catalog)) == [
        "unreadable: not a .mo file (bad magic number)"
    ]
