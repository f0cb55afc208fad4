"""Where results come from: a live run, the cache, the results store, chosen once per mode.

:func:`create_sources` picks, once, the chain of sources that signatures and
examples are asked of (as MyST-NB's ``create_client`` picks one client per
execution mode). A source answers a lookup, or passes it on (None):

=======  ==================  ==================
mode     signatures          examples
=======  ==================  ==================
auto     cache, live, store  cache, live, store
force    cache, live, store  live, store
cache    cache, store        cache, store
off      cache, live, store  (none: nothing runs, nothing is looked up)
=======  ==================  ==================

The live source answers whenever every runtime of a lookup can be used, so in
``auto`` and ``force`` the store answers only where one cannot. The live source
writes what it ran into the cache; the store source, when the store is being
refreshed, notes every result and writes this run's pairs in :meth:`Sources.finish`.
The sources themselves are in :mod:`~sphinx_apidiff.execution.source_kinds`.

No Sphinx imports here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass

from sphinx_apidiff.execution.cache import ResultCache, example_key, signature_key
from sphinx_apidiff.execution.results import ExampleJob, ExampleResult, SignatureResult, Stats
from sphinx_apidiff.execution.source_kinds import (
    CacheSource,
    LiveSource,
    Pending,
    Scheduler,
    Source,
    StoreSource,
    timeout_for,
)
from sphinx_apidiff.execution.store import Store, StoreChanges
from sphinx_apidiff.model.vocabulary import Mode


@dataclass(frozen=True)
class Chain:
    """The sources a lookup asks, in order, and why nothing answered where every runtime
    of the lookup could be used (the lookup says why not, where one could not)."""

    sources: tuple[Source, ...]
    missing: str | None = None


class Sources:
    """A mode's chains of sources, for signatures and for examples; see :func:`create_sources`."""

    def __init__(
        self,
        scheduler: Scheduler,
        stats: Stats,
        signatures: Chain,
        examples: Chain,
        store: StoreSource | None = None,
    ) -> None:
        self.scheduler = scheduler
        self.stats = stats
        self.signature_chain = signatures
        self.example_chain = examples
        self.store = store

    def signatures(
        self, requests: Iterable[tuple[str, str]]
    ) -> Callable[[], dict[tuple[str, str], SignatureResult]]:
        """Look every ``(framework, api)`` up now; the returned function waits for them."""
        results: dict[tuple[str, str], SignatureResult] = {}
        pending: dict[tuple[str, str], Pending[SignatureResult]] = {}
        for framework, api in dict.fromkeys(requests):
            found = self._signature(framework, api)
            if isinstance(found, Pending):
                pending[(framework, api)] = found
            else:
                results[(framework, api)] = found

        def collect() -> dict[tuple[str, str], SignatureResult]:
            for request, waiting in pending.items():
                results[request] = waiting.wait()
            if self.store is not None:
                for result in results.values():
                    self.store.note_signature(result)
            return results

        return collect

    def _signature(self, framework: str, api: str) -> SignatureResult | Pending[SignatureResult]:
        fp = self.scheduler.fingerprint(framework)
        key = signature_key(api, fp) if fp is not None and fp.found else None
        for source in self.signature_chain.sources:
            found = source.signature(framework, api, key)
            if found is not None:
                return found
        if key is None:
            why = self.scheduler.unavailable.get(framework)
            return SignatureResult(framework, api, unavailable=why)
        return SignatureResult(framework, api, unavailable=self.signature_chain.missing)

    def examples(self, jobs: list[ExampleJob]) -> Iterator[tuple[ExampleJob, ExampleResult]]:
        """Look every job up now (live runs start); results come in the order of ``jobs``."""
        return self._collect([(job, self._example(job)) for job in jobs])

    def _example(self, job: ExampleJob) -> ExampleResult | Pending[ExampleResult]:
        chain = self.example_chain
        if not chain.sources:
            return ExampleResult(reason=chain.missing)
        key = self._key(job)
        for source in chain.sources:
            found = source.example(job, key)
            if found is not None:
                return found
        if key is not None:
            return ExampleResult(key=key, reason=chain.missing)
        unavailable = self.scheduler.unavailable
        why = [unavailable[fw] for fw in job.frameworks if fw in unavailable]
        return ExampleResult(reason="; ".join(why) or "runtime unavailable")

    def _key(self, job: ExampleJob) -> str | None:
        """The job's cache key; None when one of its runtimes cannot be used."""
        fps = {fw: self.scheduler.fingerprint(fw) for fw in job.frameworks}
        found = {fw: fp for fw, fp in fps.items() if fp is not None and fp.found}
        if len(found) < len(fps):
            return None
        timeout = timeout_for(job.example, self.scheduler.timeout)
        return example_key(job, found, timeout, self.scheduler.limits)

    def _collect(
        self, planned: list[tuple[ExampleJob, ExampleResult | Pending[ExampleResult]]]
    ) -> Iterator[tuple[ExampleJob, ExampleResult]]:
        for job, found in planned:
            live = isinstance(found, Pending)
            result = found.wait() if isinstance(found, Pending) else found
            self.stats.count(result, live, job.variant)
            if self.store is not None:
                self.store.note_example(job, result)
            yield job, result

    def finish(
        self, pairs: Mapping[str, Mapping[str, str]], keep: Iterable[str] | None
    ) -> StoreChanges | None:
        """The end of a run: a refreshed store records ``pairs``, writes and prunes."""
        if self.store is None or not self.store.store.update:
            return None
        return self.store.finish(pairs, keep)


def create_sources(
    mode: Mode, scheduler: Scheduler, cache: ResultCache, store: Store | None, stats: Stats
) -> Sources:
    """The chains of sources of ``mode``, chosen once for a run (see the module's table)."""
    # a cache entry run fewer times than a job asks is run again, where anything may run
    cached, live = CacheSource(cache, scheduler.repeat), LiveSource(cache, scheduler)
    stored = StoreSource(store, scheduler.fingerprint) if store is not None else None
    tail: tuple[Source, ...] = (stored,) if stored is not None else ()
    signatures = Chain((cached, live, *tail))
    match mode:
        case Mode.AUTO:
            examples = Chain((cached, live, *tail))
        case Mode.FORCE:
            examples = Chain((live, *tail))
        case Mode.CACHE:
            cached = CacheSource(cache)
            signatures = Chain((cached, *tail), "execution mode is 'cache' and no stored signature")
            examples = Chain((cached, *tail), "no stored result (execution mode 'cache')")
        case Mode.OFF:
            examples = Chain((), "execution is off")
    return Sources(scheduler, stats, signatures, examples, stored)
