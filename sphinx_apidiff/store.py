"""The results store: introspected signatures and example results, committed with the docs.

Read the Docs (or any host without the frameworks) renders pages from it with
``apidiff_execution_mode = "cache"``. One JSON file per pair, keyed by the pair
id, written deterministically (sorted keys, no timings) so that a refresh shows
in version control only where results really changed. A stored result whose
example changed, or whose framework version differs from the installed one,
is *stale*: it is still shown, with a badge and a warning.

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

STORE_VERSION = 1


class Store:
    def __init__(self, path: str | os.PathLike[str], update: bool = False) -> None:
        self.path = Path(path)
        self.update = update
        self._pairs: dict[str, dict[str, Any]] = {}
        self._dirty: set[str] = set()
        self._signatures: dict[tuple[str, str], dict[str, Any]] = {}
        if self.path.is_dir():
            for file in sorted(self.path.glob("*.json")):
                try:
                    data = json.loads(file.read_text(encoding="utf-8"))
                except (OSError, ValueError):
                    continue
                if isinstance(data, dict) and data.get("version") == STORE_VERSION:
                    self._pairs[file.stem] = data
                    for fw, sig in data.get("signatures", {}).items():
                        self._signatures[(fw, sig.get("api"))] = sig

    # -- reading ----------------------------------------------------------------------

    def signature(self, framework: str, api: str) -> dict[str, Any] | None:
        """``{"api", "version", "signature", "error", "suggestions"}`` or None."""
        return self._signatures.get((framework, api))

    def example(self, pair_id: str, index: int) -> dict[str, Any] | None:
        """``{"title", "content", "versions", "result"}`` or None."""
        examples = self._pairs.get(pair_id, {}).get("examples", [])
        return examples[index] if index < len(examples) else None

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
        self._pair(pair_id, apis)["signatures"][framework] = value
        self._signatures[(framework, value["api"])] = value

    def record_example(
        self, pair_id: str, apis: dict[str, str], index: int, value: dict[str, Any]
    ) -> None:
        examples = self._pair(pair_id, apis)["examples"]
        while len(examples) <= index:
            examples.append(None)
        examples[index] = value

    def flush(self) -> list[Path]:
        """Write every pair recorded in this run; returns the files written."""
        written: list[Path] = []
        if not self._dirty:
            return written
        self.path.mkdir(parents=True, exist_ok=True)
        for pair_id in sorted(self._dirty):
            file = self.path / f"{pair_id}.json"
            text = json.dumps(self._pairs[pair_id], indent=1, sort_keys=True, ensure_ascii=False)
            fd, tmp = tempfile.mkstemp(prefix=".store-", suffix=".tmp", dir=self.path)
            try:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text + "\n")
                os.replace(tmp, file)
            except OSError:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
            written.append(file)
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
