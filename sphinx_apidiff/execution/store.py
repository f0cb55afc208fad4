"""The results store: introspected signatures and example results, committed with the docs.

Read the Docs (or any host without the frameworks) renders pages from it with
``apidiff_execution_mode = "cache"``. One JSON file per pair, keyed by the pair
id, written deterministically (sorted keys, no timings, deviations rounded to
:data:`SIGNIFICANT_DIGITS`) so that a refresh shows in version control only
where results really changed. A refresh on another machine, whose floats differ
in the last bits, rewrites nothing: a stored result is kept as it is while the
live one agrees with it (:func:`disagreement`). A stored result whose example
changed, or whose framework version differs from the installed one, is
*stale*: it is still shown, with a badge and a warning.

What is read is checked entry by entry (:mod:`~sphinx_apidiff.execution.validate`):
a bad entry is a problem located at its line and costs only its own example.
The store owns only the files it wrote, which its manifest (:data:`MANIFEST`)
lists with the pair file each pair comes from; a refresh writes and deletes
nothing else in the folder.

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx_apidiff.execution.validate import MANIFEST as MANIFEST_SCHEMA
from sphinx_apidiff.execution.validate import (
    SIGNATURE,
    STORE_ENTRY,
    STORE_FILE,
    FileProblem,
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
from sphinx_apidiff.model.vocabulary import Subtype

STORE_VERSION = 2  # 2: deviations rounded to SIGNIFICANT_DIGITS
READABLE_VERSIONS = (1, 2)  # a version-1 file is read as is, and rewritten by a refresh

#: Deviations are stored, and compared, to this many significant digits (pages show as many).
SIGNIFICANT_DIGITS = 3

DEVIATIONS = ("max_abs", "max_rel")

#: The lists of a pair's file: the examples' results, and their recipes' (by example index).
EXAMPLES = "examples"
RECIPES = "recipes"
#: ... and the cells of their sweeps: by example index, a mapping of cell id to entry.
SWEEPS = "sweeps"


def round_deviation(value: float | None) -> float | None:
    """A deviation as the store writes it: rounded to :data:`SIGNIFICANT_DIGITS` digits."""
    if value is None or not math.isfinite(value):
        return value
    return float(f"{value:.{SIGNIFICANT_DIGITS}g}")


def _same_digits(stored: float, live: float) -> bool:
    """Equal to SIGNIFICANT_DIGITS digits: they round the same, or to neighbouring values
    (so that a value sitting on a rounding boundary does not flip between machines)."""
    a, b = round_deviation(stored), round_deviation(live)
    if a == b:
        return True
    assert a is not None and b is not None
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    unit = 10.0 ** (math.floor(math.log10(max(abs(a), abs(b)))) - (SIGNIFICANT_DIGITS - 1))
    return abs(a - b) <= unit * (1 + 1e-9)


def _within_tolerance(comparison: dict[str, Any], atol: float, rtol: float) -> bool:
    """A passing comparison whose deviation is at or below the tolerance by one measure."""
    max_abs, max_rel = comparison.get("max_abs"), comparison.get("max_rel")
    return bool(comparison.get("passed")) and (
        (max_abs is not None and max_abs <= atol) or (max_rel is not None and max_rel <= rtol)
    )


def _comparison_disagreement(
    path: str, stored: dict[str, Any], live: dict[str, Any], atol: float, rtol: float
) -> str | None:
    for key in sorted(set(stored) | set(live)):
        if key not in DEVIATIONS:
            found = disagreement(stored.get(key), live.get(key), atol, rtol, f"{path}.{key}")
            if found:
                return found
    if _within_tolerance(stored, atol, rtol) and _within_tolerance(live, atol, rtol):
        return None  # both within the tolerance: the same finding, whatever the last bits say
    for key in DEVIATIONS:
        a, b = stored.get(key), live.get(key)
        if a is None or b is None:
            same = a is None and b is None
        else:
            same = _same_digits(float(a), float(b))
        if not same:
            return (
                f"{path}.{key}: {a!r} stored, {b!r} live "
                f"(atol {atol:g}, rtol {rtol:g}, {SIGNIFICANT_DIGITS} significant digits)"
            )
    return None


def disagreement(stored: Any, live: Any, atol: float, rtol: float, path: str = "") -> str | None:
    """Why a stored example result is not the same finding as a live one; None if it is.

    The rule for a store that travels across CPUs: statuses, verdicts, shapes,
    dtypes, notes, errors and output must be equal; the deviations (``max_abs``,
    ``max_rel``) must agree to :data:`SIGNIFICANT_DIGITS` significant digits,
    unless both comparisons are within the example's tolerance (``max_abs <=
    atol`` or ``max_rel <= rtol``). Timings are ignored. Works on a store entry,
    an :class:`~sphinx_apidiff.execution.results.ExampleResult` as JSON, or an example of
    the build report; ``path`` prefixes the key named in the answer.
    """
    if isinstance(stored, dict) and isinstance(live, dict):
        for key in sorted(set(stored) | set(live)):
            if key == "elapsed":
                continue
            a, b = stored.get(key), live.get(key)
            where = f"{path}.{key}" if path else key
            if key == "results" and isinstance(a, dict) and isinstance(b, dict):
                if sorted(a) != sorted(b):
                    return f"{where}: {sorted(a)} stored, {sorted(b)} live"
                for name in sorted(a):
                    found = _comparison_disagreement(
                        f"{where}.{name}", a[name], b[name], atol, rtol
                    )
                    if found:
                        return found
                continue
            found = disagreement(a, b, atol, rtol, where)
            if found:
                return found
        return None
    if stored != live:
        return f"{path}: {stored!r} stored, {live!r} live"
    return None


def _rounded(entry: dict[str, Any]) -> dict[str, Any]:
    """A store entry with its deviations rounded (stable files, readable numbers)."""
    results = entry.get("result", {}).get("results", {})
    rounded = {
        name: {**comp, **{k: round_deviation(comp.get(k)) for k in DEVIATIONS if k in comp}}
        for name, comp in results.items()
    }
    return {**entry, "result": {**entry["result"], "results": rounded}} if results else entry


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


@dataclass(frozen=True)
class StoreChanges:
    """What a refresh did to the results store's files."""

    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)


#: The file that says what the store wrote (never a pair's file: those end in ``.json``).
MANIFEST = "apidiff-store.manifest"
MANIFEST_VERSION = 1
MANIFEST_FORMAT = "sphinx-apidiff results store"

#: A temporary file of :func:`~sphinx_apidiff.files.atomic_write`: ``.<target>.<random>.tmp``.
_TEMP = re.compile(r"\.(?P<target>.+)\.[A-Za-z0-9_]+\.tmp")

#: The sections of a pair's file whose entries are stored examples, checked one by one.
_LISTS = (EXAMPLES, RECIPES)


def _names(names: list[str], shown: int = 8) -> str:
    """``a.json, b.txt and 3 more``."""
    head = ", ".join(names[:shown])
    return head + (f" and {len(names) - shown} more" if len(names) > shown else "")


def _readable(version: Any) -> bool:
    return (
        isinstance(version, int)
        and not isinstance(version, bool)
        and (version in READABLE_VERSIONS)
    )


class Store:
    """The results store's files: read at start, recorded into, written by :meth:`flush`.

    The store owns only the files it wrote: those its manifest (:data:`MANIFEST`)
    lists, and, for stores written before the manifest existed, a ``<id>.json``
    file holding a JSON object with a ``version`` and that ``id``. Every other file
    of the folder is foreign: never read, never overwritten, never deleted, and
    named in one warning. Each entry of a file is checked on its own
    (:mod:`~sphinx_apidiff.execution.validate`): a bad one is a located problem,
    and is not used; the rest of the file is.
    """

    def __init__(self, path: str | os.PathLike[str], update: bool = False) -> None:
        self.path = Path(path)
        self.update = update
        self._pairs: dict[str, dict[str, Any]] = {}  # recorded in this run, to be written
        self._loaded: dict[str, dict[str, Any]] = {}  # as read, to leave agreeing files alone
        self._valid: dict[str, dict[str, Any]] = {}  # as read, without the entries that failed
        self._texts: dict[str, str] = {}
        self._dirty: set[str] = set()
        self._signatures: dict[tuple[str, str], dict[str, Any]] = {}
        self._signature_pairs: dict[tuple[str, str], str] = {}  # whose file each came from
        self._owned: set[str] = set()  # ids of the pairs whose files are ours
        self._sources: dict[str, str | None] = {}  # pair id -> its pair file, from the folder
        self._manifest_text: str | None = None
        self._foreign: set[str] = set()
        self._pruned = False  # files removed: the manifest is to be written
        self._temps: list[str] = []
        self.problems: list[FileProblem] = []
        try:
            self._read()
        except Exception as exc:  # a bug of ours: the build goes on without (some of) the store
            self._problem(str(self.path), internal_message(exc, "reading the results store"))

    def _problem(self, file: str, why: str, line: int | None = None, ours: bool = True) -> None:
        self.problems.append(FileProblem(file, why, line, Subtype.STORE, ours))

    # -- reading ----------------------------------------------------------------------

    def _read(self) -> None:
        if self.path.exists() and not self.path.is_dir():
            self._problem(
                str(self.path),
                f"store path {self.path} is a file, not a folder: no stored results are read "
                "or written; make apidiff_store_path name a folder of its own",
                1,
                ours=False,
            )
            self.update = False
            return
        if not self.path.is_dir():
            return
        listed = self._read_manifest()
        names = sorted(entry.name for entry in os.scandir(self.path))
        temps = []
        for name in names:
            file = self.path / name
            if name == MANIFEST:
                continue
            if _TEMP.fullmatch(name):
                temps.append(name)
            elif not (
                name.endswith(".json")
                and file.is_file()
                and self._read_file(file, name[: -len(".json")], listed)
            ):
                self._foreign.add(name)
        for name in temps:  # a temporary file of one of our files is ours
            target = _TEMP.fullmatch(name).group("target")  # type: ignore[union-attr]
            if target == MANIFEST or target.removesuffix(".json") in self._owned:
                self._temps.append(name)
            else:
                self._foreign.add(name)
        shown = sorted(name for name in self._foreign if not name.startswith("."))
        if shown:  # hidden files (.gitignore, .DS_Store) are left alone without a word
            self._problem(
                str(self.path),
                f"the results store folder {self.path} holds files the store did not write: "
                f"{_names(shown)}; they are not read, and never overwritten "
                "or deleted. Give the results store a folder of its own (a store file is "
                f"a JSON object whose 'id' is its file name, or is listed in {MANIFEST})",
                ours=False,
            )

    def _read_manifest(self) -> set[str]:
        """Read the manifest: the ids of the pairs it lists, and their sources."""
        file = self.path / MANIFEST
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return set()
        except (OSError, ValueError) as exc:
            self._problem(str(file), f"cannot read the store's manifest: {exc}", 1)
            return set()
        self._manifest_text = text
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            line = getattr(exc, "lineno", 1)
            self._problem(str(file), f"cannot read the store's manifest: {exc}", line)
            return set()
        found = problems(MANIFEST_SCHEMA, data)
        if found:
            line = line_at(json_lines(text), found[0].path)
            self._problem(str(file), f"{summary(found)}; the manifest is not used", line)
            return set()
        if data["version"] != MANIFEST_VERSION:
            line = line_at(json_lines(text), ("version",))
            self._problem(
                str(file),
                f"manifest in format {data['version']!r}, not {MANIFEST_VERSION}, which this "
                "sphinx-apidiff reads: not used",
                line,
            )
            return set()
        for pair_id, entry in data["pairs"].items():
            self._sources[pair_id] = entry.get("source")
        return set(data["pairs"])

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
        self._valid[pair_id] = valid = self._entries(data, problem)
        for fw, sig in valid["signatures"].items():
            self._signatures[(fw, sig["api"])] = sig
            self._signature_pairs[(fw, sig["api"])] = pair_id
        return True

    @staticmethod
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

    def note_source(self, pair_id: str, source: str | os.PathLike[str]) -> None:
        """Remember the pair file (or document) a pair comes from, for the manifest."""
        relative = os.path.relpath(os.path.abspath(source), os.path.abspath(self.path))
        self._sources[pair_id] = Path(relative).as_posix()

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
            _put(examples, index, cell, previous if current else _rounded(previous))
        else:
            _put(examples, index, cell, _rounded(value))

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
        for name in self._temps:  # left by an interrupted refresh
            with contextlib.suppress(OSError):
                (self.path / name).unlink()
        self._temps.clear()
        return written

    def _write_manifest(self) -> None:
        pairs = {p: {"source": self._sources.get(p)} for p in sorted(self._owned)}
        data = {"format": MANIFEST_FORMAT, "version": MANIFEST_VERSION, "pairs": pairs}
        text = json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
        if text != self._manifest_text:
            try:
                atomic_write(self.path / MANIFEST, text)
            except OSError as exc:
                why = f"cannot write the store's manifest: {exc}"
                self._problem(str(self.path / MANIFEST), why, 1, ours=False)
                return
            self._manifest_text = text

    def prune(self, keep: set[str]) -> list[Path]:
        """Remove the files of this store's pairs that are not in ``keep`` (the pairs of
        the project, and those whose pair file cannot be read now); no other file."""
        removed = []
        for pair_id in sorted(self._owned - keep - self._dirty):
            file = self.path / f"{pair_id}.json"
            try:
                file.unlink()
            except FileNotFoundError:
                pass
            except OSError as exc:
                why = f"cannot remove the results of a removed pair: {exc}"
                self._problem(str(file), why, 1, ours=False)
                continue
            else:
                removed.append(file)
                self._pruned = True
            self._owned.discard(pair_id)
            self._sources.pop(pair_id, None)
        return removed
