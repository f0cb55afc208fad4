"""The results store: introspected signatures and example results, committed with the docs.

Read the Docs (or any host without the frameworks) renders pages from it with
``apidiff_execution_mode = "cache"``. One JSON file per pair, keyed by the pair
id, written deterministically (sorted keys, no timings, deviations rounded to
:data:`~sphinx_apidiff.execution.agreement.SIGNIFICANT_DIGITS`) so that a refresh
shows in version control only where results really changed. A refresh on another
machine, whose floats differ in the last bits, rewrites nothing: a stored result
is kept as it is while the live one agrees with it
(:func:`~sphinx_apidiff.execution.agreement.disagreement`). A stored result whose example
changed, or whose framework version differs from the installed one, is
*stale*: it is still shown, with a badge and a warning.

What is read is checked entry by entry (:mod:`~sphinx_apidiff.execution.validate`):
a bad entry is a problem located at its line and costs only its own example.
The store owns only the files it wrote, which its manifest lists with the pair
file each pair comes from; a refresh writes and deletes nothing else in the
folder (:mod:`~sphinx_apidiff.execution.store_folder`). This module holds the
:class:`Store`: its reading of the pairs' files, and its recording of a refresh.

No Sphinx imports here.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.agreement import disagreement, rounded
from sphinx_apidiff.execution.store_folder import StoreFolder
from sphinx_apidiff.execution.validate import (
    SIGNATURE,
    STORE_ENTRY,
    STORE_FILE,
    clip,
    json_lines,
    json_path,
    line_at,
    message,
    problems,
    summary,
)
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model.diagnostics import internal_message
from sphinx_apidiff.model.spec import id_for_file
from sphinx_apidiff.model.types import KeyPath, Type

#: 2: deviations rounded to agreement.SIGNIFICANT_DIGITS; 3: each compared value's
#: ``pairwise`` comparisons and ``groups``, and the values of the frameworks that ran where
#: another failed
STORE_VERSION = 3
#: An older file is read, its pairwise comparisons derived (exact between two frameworks;
#: :func:`before_pairwise` says where they cannot be), and rewritten by a refresh.
READABLE_VERSIONS = (1, 2, 3)

#: The lists of a pair's file: the examples' results, and their recipes' (by example index).
EXAMPLES = "examples"
RECIPES = "recipes"
#: ... and the cells of their sweeps: by example index, a mapping of cell id to entry.
SWEEPS = "sweeps"
#: The sections of a pair's file whose entries are stored examples, checked one by one.
_LISTS = (EXAMPLES, RECIPES)


def before_pairwise(entry: dict[str, Any]) -> str | None:
    """Why a stored result cannot say who agrees with whom, or None: it was stored
    before pairwise comparisons (format 2 or older) and compares more than two frameworks,
    or has frameworks that failed beside others that ran (then not compared)."""
    result = entry.get("result", {})
    comparisons = result.get("results", {}).values()
    if all("pairwise" in c for c in comparisons):
        return None
    sides = result.get("sides", {}).values()
    partial = any(not s.get("ok") for s in sides) and sum(bool(s.get("ok")) for s in sides) >= 2
    if partial or any(len(c.get("shapes", {})) > 2 for c in comparisons):
        return (
            "stored before pairwise comparisons (results store format 2 or older): who "
            "agrees with whom is not known; refresh the results store"
        )
    return None


def _entry(entries: list[Any], index: int, cell: str | None) -> dict[str, Any] | None:
    """The entry at ``index`` of a section's list, or of its cell there (a sweep's)."""
    found = entries[index] if index < len(entries) else None
    if cell is not None:
        found = found.get(cell) if isinstance(found, dict) else None
    return found if isinstance(found, dict) else None


def _put(entries: list[Any], index: int, cell: str | None, entry: dict[str, Any] | None) -> None:
    """Set the entry at ``index`` (of its cell, for a sweep's), growing the list."""
    while len(entries) <= index:
        entries.append(None if cell is None else {})
    if cell is None:
        entries[index] = entry
        return
    if not isinstance(entries[index], dict):
        entries[index] = {}
    if entry is not None:
        entries[index][cell] = entry


def _entries(data: dict[str, Any], problem: Callable[[str, KeyPath], None]) -> dict[str, Any]:
    """The entries of a pair's file that pass their check (a failed one: None)."""

    def entry(value: Any, path: KeyPath, schema: Type = STORE_ENTRY) -> Any:
        if value is None:
            return None
        found = problems(schema, value)
        if found:
            problem(f"{summary(found, path)}; this entry is not used", (*path, *found[0].path))
            return None
        return value

    valid: dict[str, Any] = {"version": data["version"], "signatures": {}}
    signatures = data.get("signatures")
    if isinstance(signatures, dict):
        for fw, sig in signatures.items():
            checked = entry(sig, ("signatures", fw), SIGNATURE)
            if checked is not None:
                valid["signatures"][fw] = checked
    for section in _LISTS:
        items = data.get(section)
        items = items if isinstance(items, list) else []
        valid[section] = [entry(item, (section, i)) for i, item in enumerate(items)]
    sweeps = data.get(SWEEPS)
    sweeps = sweeps if isinstance(sweeps, list) else []
    valid[SWEEPS] = [
        {cell: entry(e, (SWEEPS, i, cell)) for cell, e in cells.items()}
        if isinstance(cells, dict)
        else {}
        for i, cells in enumerate(sweeps)
    ]
    return valid


@dataclass(frozen=True)
class StoreChanges:
    """What a refresh did to the results store's files."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


def _readable(version: Any) -> bool:
    return (
        isinstance(version, int)
        and not isinstance(version, bool)
        and (version in READABLE_VERSIONS)
    )


class Store(StoreFolder):
    """The results store's files: read at start, recorded into, written by :meth:`flush`.

    Only the files the store owns are read or written (:class:`StoreFolder` says
    which, and keeps the manifest). Each entry of a file is checked on its own
    (:mod:`~sphinx_apidiff.execution.validate`): a bad one is a located problem,
    and is not used; the rest of the file is.
    """

    def __init__(self, path: str | os.PathLike[str], update: bool = False) -> None:
        super().__init__(path, update)
        self._pairs: dict[str, dict[str, Any]] = {}  # recorded in this run, to be written
        self._loaded: dict[str, dict[str, Any]] = {}  # as read, to leave agreeing files alone
        self._valid: dict[str, dict[str, Any]] = {}  # as read, without the entries that failed
        self._texts: dict[str, str] = {}
        self._signatures: dict[tuple[str, str], dict[str, Any]] = {}
        self._signature_pairs: dict[tuple[str, str], str] = {}  # whose file each came from
        try:
            self._read()
        except Exception as exc:  # a bug of ours: the build goes on without (some of) the store
            self._problem(str(self.path), internal_message(exc, "reading the results store"))

    # -- reading ----------------------------------------------------------------------

    def _read_file(self, file: Path, pair_id: str, listed: set[str]) -> bool:
        """Read a pair's file, if it is ours; whether it is."""
        ours = pair_id in listed
        try:
            text = file.read_text(encoding="utf-8")
            data = json.loads(text)
        except (OSError, ValueError, RecursionError) as exc:
            if ours:
                line = getattr(exc, "lineno", 1)
                self._problem(str(file), f"cannot read the stored results: {exc}", line)
            return ours
        if not ours and not (
            isinstance(data, dict) and data.get("id") == pair_id and "version" in data
        ):
            return False
        self._owned.add(pair_id)
        self._sources.setdefault(pair_id, None)
        lines: dict[KeyPath, int] | None = None

        def problem(why: str, path: KeyPath) -> None:
            nonlocal lines
            if lines is None:
                lines = json_lines(text)
            self._problem(str(file), why, line_at(lines, path))

        version = data.get("version") if isinstance(data, dict) else None
        if not _readable(version):
            readable = ", ".join(map(str, READABLE_VERSIONS))
            problem(
                f"stored results in format {clip(repr(version))}, not one this sphinx-apidiff "
                f"reads ({readable}): ignored; refresh the results store",
                ("version",),
            )
            return True
        self._loaded[pair_id] = data
        self._texts[pair_id] = text  # to locate a problem found later
        for found in problems(STORE_FILE, data):
            problem(message(found), found.path)
        if isinstance(data.get("id"), str) and data["id"] != pair_id:
            problem(f"id: {clip(repr(data['id']))} is not the file's name {pair_id!r}", ("id",))
        self._valid[pair_id] = valid = _entries(data, problem)
        for fw, sig in valid["signatures"].items():
            self._signatures[(fw, sig["api"])] = sig
            self._signature_pairs[(fw, sig["api"])] = pair_id
        return True

    def signature(self, framework: str, api: str) -> dict[str, Any] | None:
        """``{"api", "version", "signature", "error", "suggestions"}`` or None."""
        return self._signatures.get((framework, api))

    def example(
        self, pair_id: str, index: int, section: str = EXAMPLES, cell: str | None = None
    ) -> dict[str, Any] | None:
        """``{"title", "content", "versions", "result"}`` or None; ``section`` is
        :data:`EXAMPLES`, :data:`RECIPES` (the runs of the examples' recipes) or
        :data:`SWEEPS` (with ``cell``, the id of a sweep's cell)."""
        return _entry(self._valid.get(pair_id, {}).get(section, []), index, cell)

    def reject(self, pair_id: str, path: KeyPath, why: str) -> None:
        """Note that a stored entry (at ``path`` of the pair's file) cannot be used."""
        text = self._texts.get(pair_id, "")
        line = line_at(json_lines(text), path) if text else None
        self._problem(str(self.path / f"{pair_id}.json"), f"{json_path(path)}: {why}", line or 1)

    def reject_signature(self, framework: str, api: str, why: str) -> None:
        """Note that a stored signature cannot be used."""
        pair_id = self._signature_pairs.get((framework, api))
        if pair_id is not None:
            self.reject(pair_id, ("signatures", framework), why)

    def pairs_from(self, sources: Iterable[str | os.PathLike[str]]) -> set[str]:
        """The stored pairs that come from these pair files (or documents): by the
        manifest, and by the id a pair file's name gives."""
        wanted = {os.path.normpath(os.path.abspath(s)) for s in sources}
        found = {id_for_file(s) for s in wanted if s.endswith((".yaml", ".yml"))}
        for pair_id, source in self._sources.items():
            if source is not None and os.path.normpath(self.path / source) in wanted:
                found.add(pair_id)
        return found

    # -- writing ----------------------------------------------------------------------

    def _pair(self, pair_id: str, apis: dict[str, str]) -> dict[str, Any]:
        data = self._pairs.get(pair_id)
        if data is None or pair_id not in self._dirty:
            data = {
                "version": STORE_VERSION,
                "id": pair_id,
                "apis": apis,
                "signatures": {},
                "examples": [],
            }
            self._pairs[pair_id] = data
            self._dirty.add(pair_id)
        return data

    def record_signature(
        self, pair_id: str, apis: dict[str, str], framework: str, value: dict[str, Any]
    ) -> None:
        """Record an introspected signature (``SignatureResult.to_json()``) of a pair."""
        self._pair(pair_id, apis)["signatures"][framework] = value
        self._signatures[(framework, value["api"])] = value

    def record_example(
        self,
        pair_id: str,
        apis: dict[str, str],
        index: int,
        value: dict[str, Any],
        atol: float = 0.0,
        rtol: float = 0.0,
        section: str = EXAMPLES,
        cell: str | None = None,
    ) -> None:
        """Record a live result; the stored one stays, as it is, when it agrees with it."""
        examples = self._pair(pair_id, apis).setdefault(section, [])
        old = self._valid.get(pair_id, {}).get(section, [])
        previous = _entry(old, index, cell)
        if isinstance(previous, dict) and disagreement(previous, value, atol, rtol) is None:
            current = self._valid[pair_id]["version"] == STORE_VERSION
            _put(examples, index, cell, previous if current else rounded(previous))
        else:
            _put(examples, index, cell, rounded(value))

    def keep_example(
        self,
        pair_id: str,
        apis: dict[str, str],
        index: int,
        section: str = EXAMPLES,
        cell: str | None = None,
    ) -> None:
        """Keep the stored result of an example that did not run in this refresh."""
        examples = self._pair(pair_id, apis).setdefault(section, [])
        old = self._valid.get(pair_id, {}).get(section, [])
        _put(examples, index, cell, _entry(old, index, cell))

    def flush(self) -> list[Path]:
        """Write every pair recorded in this run whose data changed, and the manifest;
        remove this store's temporary files. Returns the pairs' files written."""
        written: list[Path] = []
        if not self._dirty and not self._pruned:
            return written
        try:
            self.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self._problem(
                str(self.path), f"cannot make the results store's folder: {exc}", ours=False
            )
            self._dirty.clear()
            return written
        for pair_id in sorted(self._dirty):
            name = f"{pair_id}.json"
            file = self.path / name
            if name in self._foreign:
                self._problem(
                    str(file),
                    f"the results of pair {pair_id!r} are not written: {file} is not a results "
                    "store file (give the results store a folder of its own)",
                    1,
                    ours=False,
                )
                continue
            if self._pairs[pair_id] == self._loaded.get(pair_id) and file.is_file():
                self._owned.add(pair_id)
                continue  # every result agrees with the stored one: the file stays as it is
            text = json.dumps(self._pairs[pair_id], indent=1, sort_keys=True, ensure_ascii=False)
            try:
                written.append(atomic_write(file, text + "\n"))
            except OSError as exc:
                self._problem(str(file), f"cannot write the stored results: {exc}", 1, False)
                continue
            self._owned.add(pair_id)
            self._loaded[pair_id] = self._pairs[pair_id]
        self._dirty.clear()
        self._pruned = False
        self._write_manifest()
        self._remove_temps()
        return written
