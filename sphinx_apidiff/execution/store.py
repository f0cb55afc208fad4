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

No Sphinx imports here.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sphinx_apidiff.files import atomic_write

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


class Store:
    """The results store's files: read at start, recorded into, written by :meth:`flush`."""

    def __init__(self, path: str | os.PathLike[str], update: bool = False) -> None:
        self.path = Path(path)
        self.update = update
        self._pairs: dict[str, dict[str, Any]] = {}
        self._loaded: dict[str, dict[str, Any]] = {}  # as read, to leave agreeing files alone
        self._dirty: set[str] = set()
        self._signatures: dict[tuple[str, str], dict[str, Any]] = {}
        self.problems: list[tuple[str, str]] = []  # ("file:line", why it was not read)
        if self.path.is_dir():
            for file in sorted(self.path.glob("*.json")):
                try:
                    text = file.read_text(encoding="utf-8")
                    data = json.loads(text)
                except (OSError, ValueError) as exc:
                    line = getattr(exc, "lineno", 1)
                    self.problems.append(
                        (f"{file}:{line}", f"cannot read the stored results: {exc}")
                    )
                    continue
                version = data.get("version") if isinstance(data, dict) else None
                if version not in READABLE_VERSIONS:
                    line = next(
                        (n for n, t in enumerate(text.splitlines(), 1) if '"version"' in t), 1
                    )
                    readable = ", ".join(map(str, READABLE_VERSIONS))
                    self.problems.append(
                        (
                            f"{file}:{line}",
                            f"stored results in format {version!r}, not one this sphinx-apidiff "
                            f"reads ({readable}): ignored; refresh the results store",
                        )
                    )
                    continue
                self._pairs[file.stem] = self._loaded[file.stem] = data
                for fw, sig in data.get("signatures", {}).items():
                    self._signatures[(fw, sig.get("api"))] = sig

    # -- reading ----------------------------------------------------------------------

    def signature(self, framework: str, api: str) -> dict[str, Any] | None:
        """``{"api", "version", "signature", "error", "suggestions"}`` or None."""
        return self._signatures.get((framework, api))

    def example(
        self, pair_id: str, index: int, section: str = EXAMPLES, cell: str | None = None
    ) -> dict[str, Any] | None:
        """``{"title", "content", "versions", "result"}`` or None; ``section`` is
        :data:`EXAMPLES`, :data:`RECIPES` (the runs of the examples' recipes) or
        :data:`SWEEPS` (with ``cell``, the id of a sweep's cell)."""
        return _entry(self._pairs.get(pair_id, {}).get(section, []), index, cell)

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
        old = self._loaded.get(pair_id, {}).get(section, [])
        previous = _entry(old, index, cell)
        if isinstance(previous, dict) and disagreement(previous, value, atol, rtol) is None:
            current = self._loaded[pair_id].get("version") == STORE_VERSION
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
        old = self._loaded.get(pair_id, {}).get(section, [])
        _put(examples, index, cell, _entry(old, index, cell))

    def flush(self) -> list[Path]:
        """Write every pair recorded in this run whose data changed; returns the files written."""
        written: list[Path] = []
        if not self._dirty:
            return written
        self.path.mkdir(parents=True, exist_ok=True)
        for pair_id in sorted(self._dirty):
            file = self.path / f"{pair_id}.json"
            if self._pairs[pair_id] == self._loaded.get(pair_id) and file.is_file():
                continue  # every result agrees with the stored one: the file stays as it is
            text = json.dumps(self._pairs[pair_id], indent=1, sort_keys=True, ensure_ascii=False)
            written.append(atomic_write(file, text + "\n"))
            self._loaded[pair_id] = self._pairs[pair_id]
        self._dirty.clear()
        return written

    def prune(self, keep: set[str]) -> list[Path]:
        """Remove the files of pairs that no longer exist."""
        removed = []
        for file in sorted(self.path.glob("*.json")):
            if file.stem not in keep:
                file.unlink()
                removed.append(file)
        return removed
