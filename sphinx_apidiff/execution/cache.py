"""The execution cache: results by content, one JSON file per entry, written atomically.

A key is the digest of everything that decides a result: the code, the inputs,
the comparison settings, and the interpreter and versions of Python, numpy and
the framework (:func:`signature_key`, :func:`example_key`). The results store
keys its entries by what the example is, wherever it runs (:func:`content_key`).

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from sphinx_apidiff.execution.autodiff import finish_code, needs_code, setup_code
from sphinx_apidiff.execution.results import ExampleJob
from sphinx_apidiff.execution.runtime.probe import Fingerprint
from sphinx_apidiff.execution.runtime.process import Limits
from sphinx_apidiff.execution.validate import (
    CACHE_FILE,
    CACHE_VALUES,
    FileProblem,
    clip,
    problems,
    summary,
)
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model.vocabulary import Subtype

#: 2: errors without MegEngine's native backtrace; 3: module reprs without paths;
#: 4: dtype names, bfloat16 values and errors by the frameworks' adapters (Paddle's, JAX's);
#: 5: pairwise comparisons, and the frameworks that ran compared where another failed
ENGINE_VERSION = 5


def digest(data: Any) -> str:
    """The SHA-256 of ``data`` as canonical JSON."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def signature_key(api: str, fingerprint: Fingerprint) -> str:
    """The cache key of introspecting ``api`` in the runtime of ``fingerprint``."""
    return digest({"v": ENGINE_VERSION, "kind": "signature", "api": api, "fp": fingerprint.key()})


def example_key(
    job: ExampleJob,
    fingerprints: Mapping[str, Fingerprint],
    timeout: float,
    limits: Limits | None = None,
) -> str:
    """The cache key of running ``job`` in these runtimes (one per framework of the job),
    with workers under ``limits`` (a larger result, more memory: another result)."""
    ex = job.example
    return digest(
        {
            "v": ENGINE_VERSION,
            "kind": "example",
            "code": {fw: ex.code[fw].text for fw in job.frameworks},
            "order": job.frameworks,
            "inputs": [spec.canonical() for spec in ex.inputs],
            "seed": ex.seed,
            "compare": ex.compare,
            "atol": ex.atol,
            "rtol": ex.rtol,
            "timeout": timeout,
            "limits": (limits or Limits()).key(),
            "runtimes": {fw: fp.key() for fw, fp in fingerprints.items()},
            "host_numpy": np.__version__,
            **around(job),
        }
    )


def around(job: ExampleJob) -> dict[str, Any]:
    """What runs around the snippet (modules, gradients), for keys; empty when nothing
    does, so that the keys of other examples stay as they were."""
    ex = job.example
    if not needs_code(ex):
        return {}
    # the generated code itself: a change of how gradients are taken is a change of result
    return {
        "around": {fw: [setup_code(ex, fw), finish_code(ex, fw)] for fw in job.frameworks},
        "grad": ex.grad.canonical() if ex.grad is not None else None,
    }


def content_key(job: ExampleJob) -> str:
    """What the example is, independent of where it runs (for the results store)."""
    ex = job.example
    return digest(
        {
            "code": {fw: ex.code[fw].text for fw in job.frameworks},
            "inputs": [spec.canonical() for spec in ex.inputs],
            "seed": ex.seed,
            "compare": ex.compare,
            "atol": ex.atol,
            "rtol": ex.rtol,
            **around(job),
        }
    )


class ResultCache:
    """One JSON file per entry, written atomically.

    An entry is checked against its schema when read (:mod:`~sphinx_apidiff.execution.validate`):
    one that cannot be read, or has the wrong shape, is a miss, noted in :attr:`problems`
    (the live run then writes it anew, so it is reported once)."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path else None
        self.problems: list[FileProblem] = []

    def file(self, kind: str, key: str) -> Path | None:
        """The file of an entry (None: no cache)."""
        return None if self.path is None else self.path / f"{kind}-{key[:40]}.json"

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        """The value stored under ``key``, or None (nothing there, or nothing usable)."""
        file = self.file(kind, key)
        if file is None:
            return None
        try:
            text = file.read_text(encoding="utf-8")
        except FileNotFoundError:
            return None
        except (OSError, ValueError) as exc:  # ValueError: not UTF-8
            self.reject(file, f"cannot read the cache entry: {exc}")
            return None
        try:
            data = json.loads(text)
        except (ValueError, RecursionError) as exc:
            self.reject(file, f"cannot read the cache entry: {exc}")
            return None
        found = problems(CACHE_FILE, data)
        if not found:
            found = problems(CACHE_VALUES[kind], data["value"], ("value",))
        if found:
            self.reject(file, summary(found))
            return None
        if data["key"] != key:
            found_key = clip(repr(data["key"]))
            self.reject(file, f"key: {found_key} is not this entry's key {key!r}")
            return None
        value: dict[str, Any] = data["value"]
        return value

    def reject(self, file: Path | None, why: str) -> None:
        """Note that the entry in ``file`` is not used (a miss), and why."""
        why += "; not used: a miss, which a live run writes anew"
        self.problems.append(FileProblem(str(file), why, 1, Subtype.CACHE))  # one line, as written

    def put(self, kind: str, key: str, value: dict[str, Any]) -> None:
        """Keep ``value`` under ``key``; a cache that cannot be written is no cache."""
        file = self.file(kind, key)
        if file is None:
            return
        with contextlib.suppress(OSError):
            file.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(file, json.dumps({"key": key, "value": value}))
