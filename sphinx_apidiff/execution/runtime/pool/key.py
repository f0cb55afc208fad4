"""The key of a pool: what a warm worker must share with the build that leases it.

No Sphinx imports here.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sphinx_apidiff import frameworks
from sphinx_apidiff.execution.runtime.probe import Fingerprint

#: Environment variables (by prefix) that can change what a snippet computes: part of the
#: key, with those the framework's adapter names (``Framework.env_prefixes``).
ENV_PREFIXES = (
    "OMP_",
    "KMP_",
    "GOMP_",
    "MKL_",
    "OPENBLAS_",
    "VECLIB_",
    "NUMEXPR_",
    "CUDA_",
    "PYTHON",
    "LD_",
)
#: The folder whose code the workers and the pool server run (the key covers all of it).
_RUNTIME = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class PoolKey:
    """What a warm worker must share with the build that leases it."""

    framework: str
    python: str
    fingerprint: dict[str, Any]
    env: dict[str, str]  # what the workers' environment sets of the variables that matter
    code: str
    memory: int | None = None  # the workers' memory limit (bytes)

    @property
    def digest(self) -> str:
        """The key as a short name (the socket's)."""
        text = json.dumps(self.__dict__, sort_keys=True)
        return hashlib.sha256(text.encode("utf-8")).hexdigest()[:24]


def _code_hash() -> str:
    """A hash of every Python file under ``runtime/`` (the worker script and what it imports,
    the pool's client and server): a warm pool never serves a build of other code."""
    digest = hashlib.sha256()
    for path in sorted(_RUNTIME.rglob("*.py")):
        digest.update(path.relative_to(_RUNTIME).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def pool_key(
    framework: str,
    python: str,
    fingerprint: Fingerprint,
    memory: int | None = None,
    cache: str | os.PathLike[str] | None = None,
) -> PoolKey:
    """The key of ``framework``'s runtime in ``python`` whose workers' memory is limited to
    ``memory`` bytes (see the module's docstring), for a build whose result cache is the
    folder ``cache`` (the adapter may keep a folder there). The code is this package's
    runtime and the worker's half of the framework's adapter, which may live elsewhere."""
    adapter = frameworks.get(framework)
    prefixes = ENV_PREFIXES + (adapter.env_prefixes if adapter is not None else ())
    env = {k: v for k, v in os.environ.items() if k.startswith(prefixes)}
    code = _code_hash()
    if adapter is not None:
        env.update(adapter.worker_env(dict(os.environ), cache))
        if adapter.worker is not None:
            code += ":" + _file_hash(Path(adapter.worker))
    return PoolKey(framework, python, fingerprint.key(), env, code, memory)


def _file_hash(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return "missing"


@dataclass(frozen=True)
class PoolSettings:
    """What a runtime needs to lease warm workers: its key and the idle timeout."""

    key: PoolKey
    idle: float
