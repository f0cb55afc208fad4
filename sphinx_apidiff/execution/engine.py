"""The execution engine: introspection and examples, scheduled per runtime, cached.

One :class:`Engine` serves one build (or one ``sphinx-apidiff check`` run). It
starts at most one worker per framework runtime, lazily, and drives each from
its own thread so that frameworks run concurrently. Results are cached on disk
by content (code, inputs, comparison settings, interpreter and the versions of
Python, numpy and the framework), one JSON file per entry, written atomically.

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import sys
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sphinx_apidiff.analysis import values as compare
from sphinx_apidiff.analysis.signature import (
    VAR_KEYWORD,
    VAR_POSITIONAL,
    Signature,
    signature_from_docstring,
)
from sphinx_apidiff.execution.runtime import Fingerprint, Runtime, RuntimeUnavailable, probe
from sphinx_apidiff.execution.runtime.worker import TENSOR_FACTORIES
from sphinx_apidiff.execution.store import Store
from sphinx_apidiff.model.spec import ExampleSpec

ENGINE_VERSION = 1
MODES = ("auto", "force", "cache", "off")
STATUSES = ("match", "differ", "error", "not-run")


@dataclass
class SignatureResult:
    framework: str
    api: str
    signature: Signature | None = None
    error: str | None = None  # the API does not exist
    suggestions: list[str] = field(default_factory=list)
    unavailable: str | None = None  # the runtime cannot introspect at all
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "framework": self.framework,
            "api": self.api,
            "signature": self.signature.to_json() if self.signature else None,
            "error": self.error,
            "suggestions": self.suggestions,
            "version": self.version,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignatureResult:
        sig = data.get("signature")
        return cls(
            framework=data["framework"],
            api=data["api"],
            signature=Signature.from_json(sig) if sig else None,
            error=data.get("error"),
            suggestions=data.get("suggestions", []),
            version=data.get("version"),
        )


@dataclass
class SideResult:
    """What one framework's snippet did."""

    ok: bool
    stdout: str = ""
    error: str | None = None
    frames: list[list[Any]] = field(default_factory=list)  # [line in snippet, function, text]
    elapsed: float = 0.0
    crashed: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "stdout": self.stdout,
            "error": self.error,
            "frames": self.frames,
            "elapsed": self.elapsed,
            "crashed": self.crashed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SideResult:
        return cls(
            **{k: data[k] for k in ("ok", "stdout", "error", "frames", "elapsed", "crashed")}
        )

    def traceback(self, filename: str, first_line: int) -> str:
        """The error as a traceback whose lines point into the YAML file."""
        lines = []
        if self.frames:
            lines.append("Traceback (most recent call last):")
            for lineno, name, text in self.frames:
                lines.append(f'  File "{filename}", line {lineno + first_line - 1}, in {name}')
                if text:
                    lines.append(f"    {text}")
        lines.append(self.error or "unknown error")
        return "\n".join(lines)


@dataclass
class ExampleResult:
    status: str = "not-run"
    results: dict[str, compare.Comparison] = field(default_factory=dict)
    sides: dict[str, SideResult] = field(default_factory=dict)
    versions: dict[str, str | None] = field(default_factory=dict)
    key: str | None = None
    cached: bool = False
    reason: str | None = None  # why it did not run
    stale: str | None = None  # why a stored result no longer matches its example
    from_store: bool = False

    @property
    def max_abs(self) -> float | None:
        values = [r.max_abs for r in self.results.values() if r.max_abs is not None]
        return max(values) if values else None

    def to_json(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "results": {name: r.to_json() for name, r in self.results.items()},
            "sides": {fw: s.to_json() for fw, s in self.sides.items()},
            "versions": self.versions,
            "key": self.key,
            "reason": self.reason,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExampleResult:
        return cls(
            status=data["status"],
            results={n: compare.Comparison.from_json(r) for n, r in data["results"].items()},
            sides={fw: SideResult.from_json(s) for fw, s in data["sides"].items()},
            versions=data.get("versions", {}),
            key=data.get("key"),
            reason=data.get("reason"),
        )


@dataclass
class ExampleJob:
    """An example to run, and the frameworks whose code it has (reference first)."""

    example: ExampleSpec
    frameworks: list[str]
    label: str = ""
    pair_id: str = ""
    index: int = 0
    variant: str = ""  # "" the example itself; "recipe" its recipe


@dataclass
class Stats:
    run: int = 0
    cached: int = 0
    not_run: int = 0
    statuses: dict[str, int] = field(default_factory=lambda: dict.fromkeys(STATUSES, 0))
    worker_starts: int = 0

    def summary(self) -> str:
        s = self.statuses
        return (
            f"{self.run} run, {self.cached} cached, {s['match']} matched, "
            f"{s['differ']} differed, {s['error']} errored"
            + (f", {s['not-run']} not run" if s["not-run"] else "")
        )


def _digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResultCache:
    """One JSON file per entry, written atomically; unreadable entries are misses."""

    def __init__(self, path: str | os.PathLike[str] | None) -> None:
        self.path = Path(path) if path else None

    def _file(self, kind: str, key: str) -> Path | None:
        return None if self.path is None else self.path / f"{kind}-{key[:40]}.json"

    def get(self, kind: str, key: str) -> dict[str, Any] | None:
        file = self._file(kind, key)
        if file is None:
            return None
        try:
            data = json.loads(file.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        if not isinstance(data, dict) or data.get("key") != key or "value" not in data:
            return None
        return data["value"]

    def put(self, kind: str, key: str, value: dict[str, Any]) -> None:
        file = self._file(kind, key)
        if file is None:
            return
        file.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{kind}-", suffix=".tmp", dir=file.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump({"key": key, "value": value}, handle)
            os.replace(tmp, file)
        except OSError:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


class Engine:
    """Introspects APIs and runs examples for one build."""

    def __init__(
        self,
        pythons: dict[str, str] | None = None,
        cache_path: str | os.PathLike[str] | None = None,
        mode: str = "auto",
        timeout: float = 60.0,
        store: Store | None = None,
    ) -> None:
        if mode not in MODES:
            raise ValueError(f"execution mode must be one of {MODES}, not {mode!r}")
        self.pythons = dict(pythons or {})
        self.cache = ResultCache(cache_path)
        self.mode = mode
        self.timeout = timeout
        self.stats = Stats()
        self.store = store
        self._fingerprints: dict[str, Fingerprint | None] = {}
        self.unavailable: dict[str, str] = {}  # framework -> why it cannot be used
        self._runtimes: dict[str, Runtime] = {}
        self._executors: dict[str, ThreadPoolExecutor] = {}

    # -- runtimes ---------------------------------------------------------------

    def python_for(self, framework: str) -> str:
        return self.pythons.get(framework) or sys.executable

    def fingerprint(self, framework: str) -> Fingerprint | None:
        """Versions in the framework's runtime (a bare interpreter start, no import)."""
        if framework not in self._fingerprints:
            fp: Fingerprint | None = None
            try:
                fp = probe(framework, self.python_for(framework))
            except RuntimeUnavailable as exc:
                self.unavailable[framework] = str(exc)
            else:
                if not fp.found:
                    top = framework.split(".", maxsplit=1)[0]
                    self.unavailable[framework] = (
                        f"cannot import {framework} in {fp.python_path} (Python {fp.python}): "
                        f"ModuleNotFoundError: No module named {top!r}"
                    )
            self._fingerprints[framework] = fp
        return self._fingerprints[framework]

    def fingerprints(self, frameworks: Iterable[str]) -> None:
        """Probe several runtimes at once (each probe is an interpreter start)."""
        todo = [fw for fw in dict.fromkeys(frameworks) if fw not in self._fingerprints]
        if len(todo) > 1:
            with ThreadPoolExecutor(max_workers=len(todo)) as pool:
                list(pool.map(self.fingerprint, todo))
        elif todo:
            self.fingerprint(todo[0])

    def _runtime(self, framework: str) -> Runtime:
        if framework not in self._runtimes:
            self._runtimes[framework] = Runtime(framework, self.python_for(framework))
            self._executors[framework] = ThreadPoolExecutor(
                max_workers=1, thread_name_prefix=f"apidiff-{framework}"
            )
        return self._runtimes[framework]

    def _submit(self, framework: str, fn: Callable[[Runtime], Any]) -> Future[Any]:
        runtime = self._runtime(framework)
        return self._executors[framework].submit(fn, runtime)

    def _import_ok(self, runtime: Runtime) -> bool:
        if runtime.imported():
            return True
        self.unavailable.setdefault(
            runtime.framework,
            f"cannot import {runtime.framework} in {runtime.python}: {runtime.import_error}",
        )
        return False

    def close(self) -> None:
        """Stop every worker (all at once) and the threads that drive them."""
        closing = [self._executors[fw].submit(rt.close) for fw, rt in self._runtimes.items()]
        for future in closing:
            future.result()
        for framework, runtime in self._runtimes.items():
            self.stats.worker_starts += runtime.starts
            self._executors[framework].shutdown(wait=True)
        self._runtimes.clear()
        self._executors.clear()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def worker_starts(self) -> int:
        return self.stats.worker_starts + sum(r.starts for r in self._runtimes.values())

    # -- signatures --------------------------------------------------------------

    def signatures(
        self, requests: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], SignatureResult]:
        """Introspect each ``(framework, api)``; cached by interpreter and versions."""
        return self.submit_signatures(requests)()

    def submit_signatures(
        self, requests: Iterable[tuple[str, str]]
    ) -> Callable[[], dict[tuple[str, str], SignatureResult]]:
        """Queue the introspection; the returned function waits for the results.

        Work queued after this (examples) starts on each worker as soon as that
        worker is done with its own signatures, not when every worker is.
        """
        results: dict[tuple[str, str], SignatureResult] = {}
        pending: dict[tuple[str, str], tuple[str, Future[Any]]] = {}
        requests = list(dict.fromkeys(requests))
        self.fingerprints(fw for fw, _ in requests)
        for framework, api in requests:
            fp = self.fingerprint(framework)
            if fp is None or not fp.found:
                results[(framework, api)] = self._stored_signature(framework, api) or (
                    SignatureResult(framework, api, unavailable=self.unavailable.get(framework))
                )
                continue
            key = _digest({"v": ENGINE_VERSION, "kind": "signature", "api": api, "fp": fp.key()})
            hit = self.cache.get("sig", key)
            if hit is not None:
                results[(framework, api)] = SignatureResult.from_json(hit)
                continue
            if self.mode == "cache":
                results[(framework, api)] = self._stored_signature(framework, api) or (
                    SignatureResult(
                        framework,
                        api,
                        unavailable="execution mode is 'cache' and no stored signature",
                    )
                )
                continue
            pending[(framework, api)] = (key, self._submit(framework, self._introspect_one(api)))

        def collect() -> dict[tuple[str, str], SignatureResult]:
            for (framework, api), (key, future) in pending.items():
                result = future.result()
                if result.unavailable is None:
                    self.cache.put("sig", key, result.to_json())
                results[(framework, api)] = result
            return results

        return collect

    def _stored_signature(self, framework: str, api: str) -> SignatureResult | None:
        stored = self.store.signature(framework, api) if self.store else None
        if stored is None:
            return None
        return SignatureResult.from_json({**stored, "framework": framework, "api": api})

    def _introspect_one(self, api: str) -> Callable[[Runtime], SignatureResult]:
        def task(runtime: Runtime) -> SignatureResult:
            framework = runtime.framework
            if not self._import_ok(runtime):
                return SignatureResult(framework, api, unavailable=self.unavailable[framework])
            reply = runtime.call({"op": "signature", "api": api}, timeout=self.timeout)
            if reply.get("crashed"):
                return SignatureResult(framework, api, unavailable=reply.get("error"))
            if not reply.get("ok"):
                return SignatureResult(
                    framework,
                    api,
                    error=reply.get("error"),
                    suggestions=_suggest_api(api, reply.get("parent"), reply.get("candidates", [])),
                    version=runtime.version,
                )
            signature = None
            if reply.get("params") is not None:
                signature = Signature.from_json({"params": reply["params"], "source": "inspect"})
                kinds = {p.kind for p in signature.params}
                if kinds and kinds <= {VAR_POSITIONAL, VAR_KEYWORD}:
                    signature = None  # a bare (*args, **kwargs) wrapper says nothing
            if signature is None and reply.get("doc"):
                signature = signature_from_docstring(reply["doc"], api)
            return SignatureResult(framework, api, signature=signature, version=runtime.version)

        return task

    # -- examples ---------------------------------------------------------------

    def example_key(self, job: ExampleJob) -> str | None:
        fps = {fw: self.fingerprint(fw) for fw in job.frameworks}
        if any(fp is None or not fp.found for fp in fps.values()):
            return None
        ex = job.example
        return _digest(
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
                "timeout": self._timeout_for(ex),
                "runtimes": {fw: fp.key() for fw, fp in fps.items() if fp is not None},
                "host_numpy": np.__version__,
            }
        )

    def _timeout_for(self, example: ExampleSpec) -> float:
        return example.timeout if example.timeout is not None else self.timeout

    def factory(self, framework: str) -> str:
        runtime = self._runtimes.get(framework)
        if runtime is not None and runtime.factory:
            return runtime.factory
        return TENSOR_FACTORIES.get(framework, "tensor")

    def run(self, jobs: list[ExampleJob]) -> list[ExampleResult]:
        """Run (or fetch from the cache) every job; results in the order of ``jobs``."""
        return [result for _, result in self.run_iter(jobs)]

    def run_iter(self, jobs: list[ExampleJob]) -> Iterator[tuple[ExampleJob, ExampleResult]]:
        """Schedule every job now, and return an iterator of ``(job, result)`` in order.

        Each framework's worker works through its queue on its own thread, so
        frameworks run concurrently while results arrive in a stable order.
        """
        return self._collect(self._schedule(jobs))

    def _schedule(self, jobs: list[ExampleJob]) -> list[tuple[Any, ...]]:
        scheduled: list[
            tuple[ExampleJob, ExampleResult | None, dict[str, Future[Any]], str | None]
        ] = []
        for job in jobs:
            ex = job.example
            if self.mode == "off":
                scheduled.append((job, ExampleResult(reason="execution is off"), {}, None))
                continue
            key = self.example_key(job)
            if key is None:
                missing = [fw for fw in job.frameworks if fw in self.unavailable]
                reason = "; ".join(self.unavailable[fw] for fw in missing) or "runtime unavailable"
                stored = self._stored_result(job)
                scheduled.append((job, stored or ExampleResult(reason=reason), {}, None))
                continue
            if self.mode != "force":
                hit = self.cache.get("ex", key)
                if hit is not None:
                    result = ExampleResult.from_json(hit)
                    result.cached = True
                    scheduled.append((job, result, {}, key))
                    continue
            if self.mode == "cache":
                stored = self._stored_result(job)
                missing_result = ExampleResult(
                    key=key, reason="no stored result (execution mode 'cache')"
                )
                scheduled.append((job, stored or missing_result, {}, key))
                continue
            arrays = compare.make_inputs(ex.inputs, ex.seed)
            encoded = {
                spec.name: {
                    "npy": compare.encode_array(arrays[spec.name]),
                    "as": "numpy" if spec.as_numpy else "tensor",
                }
                for spec in ex.inputs
            }
            futures = {
                fw: self._submit(fw, self._run_side(fw, ex, encoded)) for fw in job.frameworks
            }
            scheduled.append((job, None, futures, key))
        return scheduled

    def _collect(
        self, scheduled: list[tuple[Any, ...]]
    ) -> Iterator[tuple[ExampleJob, ExampleResult]]:
        for job, known, futures, key in scheduled:
            ready = known
            if ready is None:
                replies = {fw: future.result() for fw, future in futures.items()}
                ready = self._finish(job, replies, key)
                if key is not None:
                    self.cache.put("ex", key, ready.to_json())
                self.stats.run += 1
            elif ready.cached or ready.from_store:
                self.stats.cached += 1
            else:
                self.stats.not_run += 1
            self.stats.statuses[ready.status] += 1
            yield job, ready

    def content_key(self, job: ExampleJob) -> str:
        """What the example is, independent of where it runs (for the results store)."""
        ex = job.example
        return _digest(
            {
                "code": {fw: ex.code[fw].text for fw in job.frameworks},
                "inputs": [spec.canonical() for spec in ex.inputs],
                "seed": ex.seed,
                "compare": ex.compare,
                "atol": ex.atol,
                "rtol": ex.rtol,
            }
        )

    def _stored_result(self, job: ExampleJob) -> ExampleResult | None:
        stored = self.store.example(job.pair_id, job.index) if self.store else None
        if not stored:
            return None
        result = ExampleResult.from_json(stored["result"])
        result.from_store = True
        reasons = []
        if stored.get("content") != self.content_key(job):
            reasons.append("the example changed since its result was stored")
        for fw, version in sorted(stored.get("versions", {}).items()):
            fp = self.fingerprint(fw)
            if fp is not None and fp.found and fp.version != version:
                reasons.append(f"{fw} {version} when stored, {fp.version} installed")
        result.stale = "; ".join(reasons) or None
        return result

    def record(
        self,
        pair_id: str,
        apis: dict[str, str],
        signatures: dict[str, SignatureResult],
        jobs: list[ExampleJob],
        results: list[ExampleResult],
    ) -> None:
        """Put live results of a pair into the store (when it is being refreshed)."""
        if self.store is None or not self.store.update:
            return
        for fw, sig in signatures.items():
            if sig.unavailable is None:
                self.store.record_signature(pair_id, apis, fw, sig.to_json())
        for job, result in zip(jobs, results, strict=True):
            if result.from_store or result.status == "not-run":
                self.store.keep_example(pair_id, apis, job.index)  # no news is not a change
                continue
            data = result.to_json()
            for side in data["sides"].values():
                side["elapsed"] = 0.0  # timings would make every refresh a diff
            data["key"] = None
            self.store.record_example(
                pair_id,
                apis,
                job.index,
                {
                    "title": job.label,
                    "content": self.content_key(job),
                    "versions": result.versions,
                    "result": data,
                },
                atol=job.example.atol,
                rtol=job.example.rtol,
            )

    def _run_side(
        self, framework: str, example: ExampleSpec, inputs: dict[str, Any]
    ) -> Callable[[Runtime], dict[str, Any]]:
        def task(runtime: Runtime) -> dict[str, Any]:
            if not self._import_ok(runtime):
                return {
                    "ok": False,
                    "error": self.unavailable[framework],
                    "frames": [],
                    "stdout": "",
                    "crashed": True,
                }
            request = {
                "op": "run",
                "framework": framework,
                "code": example.code[framework].text,
                "inputs": inputs,
                "compare": example.compare,
            }
            started = time.perf_counter()
            reply = runtime.call(request, timeout=self._timeout_for(example))
            reply.setdefault("elapsed", time.perf_counter() - started)
            reply["version"] = runtime.version
            return reply

        return task

    def _finish(
        self, job: ExampleJob, replies: dict[str, dict[str, Any]], key: str | None
    ) -> ExampleResult:
        ex = job.example
        result = ExampleResult(key=key)
        for fw, reply in replies.items():
            result.versions[fw] = reply.get("version")
            result.sides[fw] = SideResult(
                ok=bool(reply.get("ok")),
                stdout=reply.get("stdout", ""),
                error=reply.get("error"),
                frames=reply.get("frames", []),
                elapsed=float(reply.get("elapsed", 0.0)),
                crashed=bool(reply.get("crashed")),
            )
        if not all(side.ok for side in result.sides.values()):
            result.status = "error"
            return result
        values = {
            fw: {name: compare.decode_value(v) for name, v in replies[fw]["values"].items()}
            for fw in job.frameworks
        }
        result.results = compare.compare_values(
            values, job.frameworks, ex.compare, ex.atol, ex.rtol
        )
        result.status = "match" if all(r.passed for r in result.results.values()) else "differ"
        return result


def _suggest_api(api: str, parent: str | None, candidates: list[str]) -> list[str]:
    import difflib

    if not parent:
        return []
    name = api.rsplit(".", 1)[-1]
    same = [c for c in candidates if c.lower() == name.lower()]  # Relu -> ReLU
    close = difflib.get_close_matches(name, candidates, n=3, cutoff=0.6)
    prefix = [c for c in candidates if c.startswith(name)]
    return [f"{parent}.{c}" for c in dict.fromkeys(same + close + prefix) if c != name][:3]
