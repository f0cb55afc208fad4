"""The one pipeline from pair specs to analysed pairs: the build, ``check`` and ``new`` call it.

It asks the engine for every signature and every example result (queued so
each framework's worker is busy all the time), analyses each pair, lets the
engine record live results into the results store when it is refreshed, and
returns typed results. Callers only present them: the Sphinx glue as nodes and
located warnings, the command line as text or JSON. No Sphinx imports here.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sphinx_apidiff.analysis.pair import PairAnalysis, RuntimeInfo, analyse, example_title
from sphinx_apidiff.analysis.params import DEFAULT_IGNORED
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import RECIPE, SWEEP, ExampleJob, ExampleResult, Stats
from sphinx_apidiff.execution.validate import FileProblem
from sphinx_apidiff.model.diagnostics import Diagnostic, internal_message
from sphinx_apidiff.model.example import SweepCell
from sphinx_apidiff.model.spec import PairSpec
from sphinx_apidiff.model.vocabulary import Mode, Subtype

#: What a page does without a framework's runtime (said after the reason in warnings).
RUNTIME_CONSEQUENCE = "pages use the signatures given in the YAML or stored"

#: Wraps the stream of finished examples, e.g. with a progress bar: ``(stream, total) -> stream``.
Progress = Callable[[Iterator[tuple[ExampleJob, ExampleResult]], int], Iterable[object]]


@dataclass
class PairOutcome:
    """One pair through the pipeline: its analysis (None if a bug of ours stopped it)."""

    spec: PairSpec
    analysis: PairAnalysis | None
    diagnostics: list[Diagnostic] = field(default_factory=list)


@dataclass
class RuntimeProblem:
    """A framework that cannot be used, located at the first pair that names it."""

    framework: str
    reason: str
    spec: PairSpec

    @property
    def line(self) -> int | None:
        """The line of the framework in the pair's ``apis``, where the problem is shown."""
        return self.spec.api_lines.get(self.framework)


@dataclass
class PipelineResult:
    """Every pair's outcome, and what concerns the run rather than one pair."""

    pairs: list[PairOutcome]
    runtime_problems: list[RuntimeProblem] = field(default_factory=list)
    store_problems: list[FileProblem] = field(default_factory=list)  # the store's files
    cache_problems: list[FileProblem] = field(default_factory=list)  # cache entries not used
    store_refreshed: bool = False
    written: list[Path] = field(default_factory=list)  # results store files
    removed: list[Path] = field(default_factory=list)
    stats: Stats = field(default_factory=Stats)


def run_pairs(
    specs: Sequence[PairSpec],
    engine: Engine,
    *,
    language: str | None = None,
    labels: Callable[[str], str] = str,
    ignore: Iterable[str] = DEFAULT_IGNORED,
    prefixes: Sequence[str] | None = None,
    progress: Progress | None = None,
    keep_ids: set[str] | None = None,
) -> PipelineResult:
    """Introspect, execute and analyse ``specs``; never raises for a bug in one pair.

    ``prefixes`` (one per spec) start the labels of its examples in progress
    output; ``keep_ids`` are the pairs whose stored results a refresh keeps
    (None: the refresh removes nothing).
    """
    ignore = tuple(ignore)
    collect = engine.submit_signatures((fw, api) for s in specs for fw, api in s.apis.items())
    jobs = [
        (position, job)
        for position, spec in enumerate(specs)
        for job in jobs_for(spec, language, prefixes[position] if prefixes else "")
    ]
    # queued behind the signatures on each worker, so no worker waits for the other
    stream = engine.run_iter([job for _, job in jobs])
    signatures = collect()
    finished = progress(stream, len(jobs)) if progress is not None else stream
    results: dict[tuple[int, tuple[int, str, str]], ExampleResult] = {}
    for (position, job), item in zip(jobs, finished, strict=True):
        results[(position, job.slot)] = item[1]  # type: ignore[index]

    runtimes = {fw: runtime_info(engine, fw) for spec in specs for fw in spec.apis}
    outcomes = []
    for position, spec in enumerate(specs):
        own = [job for p, job in jobs if p == position and not job.variant]
        recipes = {
            job.index: results[(position, job.slot)]
            for p, job in jobs
            if p == position and job.variant == RECIPE
        }
        sweeps: dict[int, list[tuple[SweepCell, ExampleResult]]] = {}
        for p, job in jobs:
            if p == position and job.variant == SWEEP and job.cell is not None:
                sweeps.setdefault(job.index, []).append((job.cell, results[(position, job.slot)]))
        try:
            analysis, diags = analyse(
                spec,
                signatures,
                [results[(position, job.slot)] for job in own],
                runtimes,
                recipes=recipes,
                sweeps=sweeps,
                labels=labels,
                ignore=ignore,
                language=language,
            )
        except Exception as exc:  # a bug of ours: this pair keeps what the YAML alone says
            if os.environ.get("APIDIFF_DEBUG"):
                raise
            message = internal_message(exc, "analysing this pair")
            problem = Diagnostic(Subtype.INTERNAL, message, spec.line)
            outcomes.append(PairOutcome(spec, None, [problem]))
            continue
        outcomes.append(PairOutcome(spec, analysis, diags))

    # a pair whose analysis failed keeps its stored results: it is not recorded
    analysed = {o.spec.id: o.spec.apis for o in outcomes if o.analysis is not None}
    if engine.store is not None:
        for o in outcomes:
            engine.store.note_source(o.spec.id, o.spec.source)
    changes = engine.finish(analysed, keep_ids)
    outcome = PipelineResult(outcomes, _runtime_problems(specs, engine), stats=engine.stats)
    outcome.cache_problems = list(engine.cache.problems)
    if engine.store is not None:
        outcome.store_problems = list(engine.store.problems)
    if changes is not None:
        outcome.store_refreshed = True
        outcome.written, outcome.removed = changes.written, changes.removed
    return outcome


def jobs_for(spec: PairSpec, language: str | None, prefix: str = "") -> list[ExampleJob]:
    """The examples of a pair as jobs, each with the frameworks it has code for; after
    each example with a recipe, the recipe's run (the same inputs, some code replaced);
    after each example with a sweep, one job per cell of it (dtype and seed)."""
    jobs = []
    for index, example in enumerate(spec.examples):
        frameworks = [fw for fw in spec.apis if fw in example.code]
        label = f"{prefix}{example_title(example, index, language)}"
        jobs.append(ExampleJob(example, frameworks, label, pair_id=spec.id, index=index))
        if example.recipe is not None and example.recipe.code:
            recipe = example.with_code(example.recipe.code)
            frameworks = [fw for fw in spec.apis if fw in recipe.code]
            jobs.append(
                ExampleJob(recipe, frameworks, f"{label} (recipe)", spec.id, index, variant=RECIPE)
            )
        if example.sweep is not None:
            frameworks = [fw for fw in spec.apis if fw in example.code]
            for cell in example.sweep.cells():
                jobs.append(
                    ExampleJob(
                        example.for_cell(cell),
                        frameworks,
                        f"{label} ({cell.dtype}, seed {cell.seed})",
                        spec.id,
                        index,
                        variant=SWEEP,
                        cell=cell,
                    )
                )
    return jobs


def runtime_info(engine: Engine, framework: str) -> RuntimeInfo:
    """What the analysis needs to know of ``framework``'s runtime, from the engine."""
    fp = engine.fingerprint(framework)
    return RuntimeInfo(
        fingerprint=fp.key() if fp is not None else None,
        version=fp.version if fp is not None else None,
        factory=engine.factory(framework),
        stored_only=engine.mode == Mode.CACHE,
    )


def _runtime_problems(specs: Sequence[PairSpec], engine: Engine) -> list[RuntimeProblem]:
    """One problem per unusable framework; none in mode 'cache', where nothing runs."""
    if engine.mode == Mode.CACHE:
        return []
    problems: dict[str, RuntimeProblem] = {}
    for spec in specs:
        for fw in spec.apis:
            if fw in engine.unavailable and fw not in problems:
                problems[fw] = RuntimeProblem(fw, engine.unavailable[fw], spec)
    return list(problems.values())
