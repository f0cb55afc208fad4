"""The results store's folder: what the store owns there, and its manifest.

The store owns only the files it wrote: those its manifest (:data:`MANIFEST`)
lists, with the pair file each pair comes from, and, for stores written before
the manifest existed, a ``<id>.json`` file holding a JSON object with a
``version`` and that ``id``. Every other file of the folder is foreign: never
read, never overwritten, never deleted, and named in one warning. Temporary
files of the store's own files, left by an interrupted refresh, are removed;
so are the files of pairs the project no longer has (:meth:`StoreFolder.prune`).

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

from sphinx_apidiff.execution.validate import MANIFEST as MANIFEST_SCHEMA
from sphinx_apidiff.execution.validate import FileProblem, json_lines, line_at, problems, summary
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model.vocabulary import Subtype

#: The file that says what the store wrote (never a pair's file: those end in ``.json``).
MANIFEST = "apidiff-store.manifest"
MANIFEST_VERSION = 1
MANIFEST_FORMAT = "sphinx-apidiff results store"

#: A temporary file of :func:`~sphinx_apidiff.files.atomic_write`: ``.<target>.<random>.tmp``.
_TEMP = re.compile(r"\.(?P<target>.+)\.[A-Za-z0-9_]+\.tmp")


def _names(names: list[str], shown: int = 8) -> str:
    """``a.json, b.txt and 3 more``."""
    head = ", ".join(names[:shown])
    return head + (f" and {len(names) - shown} more" if len(names) > shown else "")


class StoreFolder:
    """The files of a results store's folder that the store owns, and its manifest.

    :class:`~sphinx_apidiff.execution.store.Store` reads and writes the pairs'
    files; this says which files are its own, reads and writes the manifest,
    and removes what the store no longer needs.
    """

    def __init__(self, path: str | os.PathLike[str], update: bool = False) -> None:
        self.path = Path(path)
        self.update = update
        self._dirty: set[str] = set()  # pairs recorded in this run, to be written
        self._owned: set[str] = set()  # ids of the pairs whose files are ours
        self._sources: dict[str, str | None] = {}  # pair id -> its pair file, from the folder
        self._manifest_text: str | None = None
        self._foreign: set[str] = set()
        self._pruned = False  # files removed: the manifest is to be written
        self._temps: list[str] = []
        self.problems: list[FileProblem] = []

    def _problem(self, file: str, why: str, line: int | None = None, ours: bool = True) -> None:
        self.problems.append(FileProblem(file, why, line, Subtype.STORE, ours))

    def _read_file(self, file: Path, pair_id: str, listed: set[str]) -> bool:
        """Read a pair's file, if it is ours; whether it is."""
        raise NotImplementedError

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

    def note_source(self, pair_id: str, source: str | os.PathLike[str]) -> None:
        """Remember the pair file (or document) a pair comes from, for the manifest."""
        relative = os.path.relpath(os.path.abspath(source), os.path.abspath(self.path))
        self._sources[pair_id] = Path(relative).as_posix()

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

    def _remove_temps(self) -> None:
        """Remove the temporary files of this store's files (left by an interrupted refresh)."""
        for name in self._temps:
            with contextlib.suppress(OSError):
                (self.path / name).unlink()
        self._temps.clear()

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
