"""The sources results come from: the cache, a live run, the results store.

Each :class:`Source` answers a lookup of a signature or an example, or passes it
on (None): :class:`CacheSource` from this machine's earlier runs,
:class:`LiveSource` by running it in the workers (and writing it into the cache),
:class:`StoreSource` from the results store, which it also records a refresh into.
:mod:`~sphinx_apidiff.execution.sources` chains them, once per execution mode.

No Sphinx imports here.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import Future
from dataclasses import replace
from typing import Any, Generic, Protocol, TypeVar

from sphinx_apidiff.execution.autodiff import GRADS, finish_code, needs_code, setup_code
from sphinx_apidiff.execution.cache import ResultCache, content_key
from sphinx_apidiff.execution.comparison import compare_values
from sphinx_apidiff.execution.inputs import decode_value, encode_inputs
from sphinx_apidiff.execution.introspect import introspect
from sphinx_apidiff.execution.results import (
    RECIPE,
    SWEEP,
    ExampleJob,
    ExampleResult,
    Reply,
    SideResult,
    SignatureResult,
)
from sphinx_apidiff.execution.runtime.probe import Fingerprint
from sphinx_apidiff.execution.runtime.process import Limits
from sphinx_apidiff.execution.runtime.runtime import Runtime
from sphinx_apidiff.execution.stability import RunOutcome, fresh_run, runs_wanted, spread
from sphinx_apidiff.execution.store import (
    EXAMPLES,
    RECIPES,
    SWEEPS,
    Store,
    StoreChanges,
    before_pairwise,
)
from sphinx_apidiff.model.diagnostics import internal_message
from sphinx_apidiff.model.example import ExampleSpec
from sphinx_apidiff.model.vocabulary import ResultKind, Status

T = TypeVar("T")


class Pending(Generic[T]):
    """A result on its way from the workers: :meth:`wait` blocks until it is there."""

    def __init__(self, wait: Callable[[], T]) -> None:
        self.wait = wait


SignatureAnswer = SignatureResult | Pending[SignatureResult] | None
ExampleAnswer = ExampleResult | Pending[ExampleResult] | None


class Scheduler(Protocol):
    """What the sources need of the engine: fingerprints, and a thread per runtime."""

    timeout: float
    limits: Limits
    unavailable: dict[str, str]
    repeat: int  # runs of each job, unless its example says

    def fingerprint(self, framework: str) -> Fingerprint | None:
        """The runtime's versions; None where it cannot be probed."""

    def submit(
        self, framework: str, task: Callable[[Runtime], T], fresh: bool = False
    ) -> Future[T]:
        """Queue ``task`` on the framework's own thread (``fresh``: on its lane of repeats)."""

    def unimportable(self, runtime: Runtime) -> str | None:
        """Why the framework cannot be imported in its runtime, or None."""


def timeout_for(example: ExampleSpec, default: float) -> float:
    """The example's own timeout, else the build's."""
    return example.timeout if example.timeout is not None else default


class Source:
    """One place results may come from. ``key`` is None where a runtime cannot be used."""

    def signature(self, framework: str, api: str, key: str | None) -> SignatureAnswer:
        """The signature of ``api``, or None to pass the lookup on."""
        return None

    def example(self, job: ExampleJob, key: str | None) -> ExampleAnswer:
        """The result of ``job``, or None to pass the lookup on."""
        return None


class CacheSource(Source):
    """The execution cache: results of this machine's earlier runs.

    The cache checks an entry's shape as it reads it; a conversion that still fails
    (a bug of ours) makes the entry a miss too, noted with the cache's problems. With
    ``repeat``, an entry run fewer times than its job asks is a miss too (the live run
    replaces it); None takes any entry (nothing would run instead)."""

    def __init__(self, cache: ResultCache, repeat: int | None = None) -> None:
        self.cache = cache
        self.repeat = repeat

    def signature(self, framework: str, api: str, key: str | None) -> SignatureAnswer:
        hit = self.cache.get("sig", key) if key is not None else None
        if hit is None:
            return None
        try:
            return SignatureResult.from_json({**hit, "framework": framework, "api": api})
        except Exception as exc:
            file = self.cache.file("sig", key)  # type: ignore[arg-type]
            self.cache.reject(file, internal_message(exc, "reading this cache entry"))
            return None

    def example(self, job: ExampleJob, key: str | None) -> ExampleAnswer:
        hit = self.cache.get("ex", key) if key is not None else None
        if hit is None:
            return None
        try:
            result = ExampleResult.from_json(hit)
        except Exception as exc:
            file = self.cache.file("ex", key)  # type: ignore[arg-type]
            self.cache.reject(file, internal_message(exc, "reading this cache entry"))
            return None
        if self.repeat is not None and result.runs < runs_wanted(job.example, self.repeat):
            return None
        result.cached = True
        return result


class LiveSource(Source):
    """A live run on the framework's worker, remembered in the cache."""

    def __init__(self, cache: ResultCache, scheduler: Scheduler) -> None:
        self.cache = cache
        self.scheduler = scheduler

    def signature(self, framework: str, api: str, key: str | None) -> SignatureAnswer:
        if key is None:
            return None
        task = introspect(api, self.scheduler.timeout, self.scheduler.unimportable)
        future = self.scheduler.submit(framework, task)

        def wait() -> SignatureResult:
            result = future.result()
            if result.unavailable is None:
                self.cache.put("sig", key, result.to_json())
            return result

        return Pending(wait)

    def example(self, job: ExampleJob, key: str | None) -> ExampleAnswer:
        if key is None:
            return None
        ex = job.example
        inputs = encode_inputs(ex.inputs, ex.seed)
        runs = [
            {
                fw: self.scheduler.submit(fw, self._side(fw, ex, inputs), fresh=fresh_run(run))
                for fw in job.frameworks
            }
            for run in range(runs_wanted(ex, self.scheduler.repeat))
        ]

        def wait() -> ExampleResult:
            replies = [{fw: f.result() for fw, f in futures.items()} for futures in runs]
            result = repeated_result(job, replies, key)
            self.cache.put("ex", key, result.to_json())  # an unstable one as unstable
            return result

        return Pending(wait)

    def _side(
        self, framework: str, example: ExampleSpec, inputs: dict[str, Any]
    ) -> Callable[[Runtime], Reply]:
        timeout = timeout_for(example, self.scheduler.timeout)

        def task(runtime: Runtime) -> Reply:
            why = self.scheduler.unimportable(runtime)
            if why is not None:
                return Reply.failure(why)
            request: dict[str, Any] = {
                "op": "run",
                "framework": framework,
                "code": example.code[framework].text,
                "inputs": inputs,
                "compare": example.compare,
            }
            if needs_code(example):
                request["setup"] = setup_code(example, framework)
                request["finish"] = finish_code(example, framework)
                request["collect"] = GRADS if example.grad is not None else None
            started = time.perf_counter()
            reply = runtime.call(request, timeout=timeout)
            elapsed = time.perf_counter() - started if reply.elapsed is None else reply.elapsed
            return replace(reply, elapsed=elapsed, version=runtime.version)

        return task


def repeated_result(
    job: ExampleJob, runs: list[dict[str, Reply]], key: str | None
) -> ExampleResult:
    """What the runs of a job say: the first run's result, unstable (its own status, with
    its spread) where a later run disagrees with it."""
    results = [example_result(job, replies, key) for replies in runs]
    result = results[0]
    result.runs = len(runs)
    found = spread(
        [
            RunOutcome(
                status=run.status,
                ok={fw: side.ok for fw, side in run.sides.items()},
                values={fw: reply.values for fw, reply in replies.items()},
                grads={fw: reply.grads for fw, reply in replies.items()},
            )
            for run, replies in zip(results, runs, strict=True)
        ]
    )
    if found is not None:
        result.status, result.stable, result.spread = Status.UNSTABLE, False, found
    return result


def example_result(job: ExampleJob, replies: dict[str, Reply], key: str | None) -> ExampleResult:
    """What the workers' replies to a job's run say: the values compared between the
    frameworks that ran (at least two), and an error where any framework failed."""
    ex = job.example
    result = ExampleResult(key=key)
    for fw, reply in replies.items():
        result.versions[fw] = reply.version
        result.sides[fw] = SideResult.from_reply(reply)
    ran = [fw for fw in job.frameworks if fw in replies and result.sides[fw].ok]
    failed = len(ran) < len(result.sides)
    if len(ran) >= 2:
        values = {
            fw: {name: decode_value(v) for name, v in replies[fw].values.items()} for fw in ran
        }
        result.results = compare_values(values, ran, ex.compare, ex.atol, ex.rtol)
        if ex.grad is not None:  # by the first one's labels (its parameter names)
            grads = {
                fw: {name: decode_value(v) for name, v in replies[fw].grads.items()} for fw in ran
            }
            labels = list(replies[ran[0]].grads)
            result.results |= compare_values(
                grads, ran, labels, ex.atol, ex.rtol, kind=ResultKind.GRAD
            )
    if failed:
        result.status = Status.ERROR
    else:
        passed = all(r.passed for r in result.results.values())
        result.status = Status.MATCH if passed else Status.DIFFER
    return result


_INDEX = re.compile(r"\[(\d+)\]")


def _in_order(data: dict[str, T], order: Sequence[str]) -> dict[str, T]:
    """``data`` with the keys of ``order`` first, in that order; the others after, as they were."""
    return {k: data[k] for k in order if k in data} | {
        k: v for k, v in data.items() if k not in order
    }


def in_job_order(result: ExampleResult, job: ExampleJob) -> ExampleResult:
    """A result read back from JSON with sorted keys, in the order a live run gives:
    compared values in ``compare`` order (``y[2]`` before ``y[10]``), then the gradients
    in ``grad.wrt`` order (a module's parameters as the result recorded them), frameworks
    in the job's."""
    compare = job.example.compare
    wrt = job.example.grad.wrt if job.example.grad else []

    def rank(name: str) -> tuple[int, int, tuple[int, ...]]:
        if result.results[name].kind is ResultKind.GRAD:  # x.grad, net.0.weight.grad
            base = name.split(".", 1)[0]
            return 1, wrt.index(base) if base in wrt else len(wrt), ()
        base = name.split("[", 1)[0]
        where = compare.index(base) if base in compare else len(compare)
        return 0, where, tuple(int(i) for i in _INDEX.findall(name))

    fws = job.frameworks
    results = {}
    for name in sorted(result.results, key=rank):
        comp = result.results[name]
        results[name] = replace(
            comp, shapes=_in_order(comp.shapes, fws), dtypes=_in_order(comp.dtypes, fws)
        )
    result.results = results
    result.sides = _in_order(result.sides, fws)
    result.versions = _in_order(result.versions, fws)
    return result


def section_of(job: ExampleJob) -> str:
    """Where the store keeps a job's result: with the examples, their recipes or their
    sweeps (by cell)."""
    return {RECIPE: RECIPES, SWEEP: SWEEPS}.get(job.variant, EXAMPLES)


def cell_of(job: ExampleJob) -> str | None:
    """The id of a sweep's cell, where the store keeps it within its example."""
    return job.cell.id if job.cell else None


class StoreSource(Source):
    """The committed results store: read where nothing runs, refreshed from this run."""

    def __init__(self, store: Store, fingerprint: Callable[[str], Fingerprint | None]) -> None:
        self.store = store
        self._fingerprint = fingerprint
        self._signatures: dict[tuple[str, str], SignatureResult] = {}  # noted in a refresh
        self._examples: dict[tuple[str, tuple[int, str, str]], tuple[ExampleJob, ExampleResult]]
        self._examples = {}

    def signature(self, framework: str, api: str, key: str | None) -> SignatureAnswer:
        stored = self.store.signature(framework, api)
        if stored is None:
            return None
        try:
            return SignatureResult.from_json({**stored, "framework": framework, "api": api})
        except Exception as exc:  # checked when read: a bug of ours, this entry's problem
            why = internal_message(exc, "reading this stored signature")
            self.store.reject_signature(framework, api, why)
            return None

    def example(self, job: ExampleJob, key: str | None) -> ExampleAnswer:
        section, cell = section_of(job), cell_of(job)
        stored = self.store.example(job.pair_id, job.index, section, cell)
        if not stored:
            return None
        try:
            return self._stored(job, stored)
        except Exception as exc:  # checked when read: a bug of ours, this entry's problem
            path = (section, job.index) if cell is None else (section, job.index, cell)
            why = internal_message(exc, "reading this stored result")
            self.store.reject(job.pair_id, path, why)
            return None

    def _stored(self, job: ExampleJob, stored: dict[str, Any]) -> ExampleResult:
        result = in_job_order(ExampleResult.from_json(stored["result"]), job)
        result.from_store = True
        reasons = []
        old = before_pairwise(stored)
        if old is not None:
            reasons.append(old)
        if stored.get("content") != content_key(job):
            reasons.append("the example changed since its result was stored")
        for fw, version in sorted(stored.get("versions", {}).items()):
            fp = self._fingerprint(fw)
            if fp is not None and fp.found and fp.version != version:
                reasons.append(f"{fw} {version} when stored, {fp.version} installed")
        result.stale = "; ".join(reasons) or None
        return result

    # -- a refresh ------------------------------------------------------------------

    def note_signature(self, result: SignatureResult) -> None:
        """Remember a signature of this run, for :meth:`finish`."""
        if self.store.update:
            self._signatures[(result.framework, result.api)] = result

    def note_example(self, job: ExampleJob, result: ExampleResult) -> None:
        """Remember an example's result of this run, for :meth:`finish`."""
        if self.store.update:
            self._examples[(job.pair_id, job.slot)] = (job, result)

    def finish(
        self, pairs: Mapping[str, Mapping[str, str]], keep: Iterable[str] | None
    ) -> StoreChanges:
        """Record what this run found of ``pairs`` (id: apis), write, and remove the files of
        pairs not in ``keep`` (None: remove nothing). Nothing changes unless the store is
        being refreshed."""
        if not self.store.update:
            return StoreChanges()
        for pair_id, apis in pairs.items():
            sigs = {
                fw: self._signatures[(fw, api)]
                for fw, api in apis.items()
                if (fw, api) in self._signatures
            }
            own = sorted(
                (noted for (pid, _), noted in self._examples.items() if pid == pair_id),
                key=lambda noted: noted[0].slot,
            )
            self.record(pair_id, apis, sigs, [j for j, _ in own], [r for _, r in own])
        removed = self.store.prune(set(keep)) if keep is not None else []
        return StoreChanges(self.store.flush(), removed)

    def record(
        self,
        pair_id: str,
        apis: Mapping[str, str],
        signatures: Mapping[str, SignatureResult],
        jobs: list[ExampleJob],
        results: list[ExampleResult],
    ) -> None:
        """Put a pair's results into the store (when it is being refreshed)."""
        store = self.store
        if not store.update:
            return
        for fw, sig in signatures.items():
            if sig.unavailable is None:
                store.record_signature(pair_id, dict(apis), fw, sig.to_json())
        for job, result in zip(jobs, results, strict=True):
            if result.from_store or result.status == Status.NOT_RUN:
                # no news is not a change
                store.keep_example(pair_id, dict(apis), job.index, section_of(job), cell_of(job))
                continue
            data = result.to_json()
            for side in data["sides"].values():
                side["elapsed"] = 0.0  # timings would make every refresh a diff
            data["key"] = None
            entry = {
                "title": job.label,
                "content": content_key(job),
                "versions": result.versions,
                "result": data,
            }
            store.record_example(
                pair_id,
                dict(apis),
                job.index,
                entry,
                atol=job.example.atol,
                rtol=job.example.rtol,
                section=section_of(job),
                cell=cell_of(job),
            )
