"""The build's link to the engine: after reading, introspect and execute in the main process.

Directives (possibly in forked parallel readers) only record pairs. Here, on
``env-updated``, in the main process, the pipeline (:func:`~sphinx_apidiff.pipeline.run_pairs`)
introspects every API and runs every example of the pages read in this build,
and the engine closes its workers before Sphinx forks writers. Here its typed
results become the pairs' analyses and located warnings; nothing else is decided here.
Warnings about what the libraries said are located at the YAML lines.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxWarning
from sphinx.util import logging
from sphinx.util.console import bold
from sphinx.util.display import status_iterator

from sphinx_apidiff import frameworks
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import SWEEP, ExampleJob, ExampleResult, Stats, cell_outcome
from sphinx_apidiff.execution.runtime.pool.shared import PoolRefused
from sphinx_apidiff.model.vocabulary import Status, Subtype
from sphinx_apidiff.options import conf_line, doctree_cache
from sphinx_apidiff.pipeline import RUNTIME_CONSEQUENCE, Progress, run_pairs
from sphinx_apidiff.sphinx_ext.config import from_sphinx
from sphinx_apidiff.sphinx_ext.located import internal, warn
from sphinx_apidiff.sphinx_ext.nodes import PairEntry, get_pairs, get_unreadable

logger = logging.getLogger(__name__)


def make_engine(app: Sphinx) -> Engine:
    """The engine of a build, from its options, sharing the execution cache with `check`."""
    cfg = from_sphinx(app.config)
    return cfg.make_engine(app.confdir, doctree_cache(app.doctreedir))  # `check` finds it


def engine(app: Sphinx) -> Engine:
    """The build's one engine (made on first use)."""
    if getattr(app, "_apidiff_engine", None) is None:
        app._apidiff_engine = make_engine(app)  # type: ignore[attr-defined]
        app._apidiff_stats = Stats()  # type: ignore[attr-defined]
    return app._apidiff_engine  # type: ignore[attr-defined]


def outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose framework versions changed since they were analysed."""
    eng = engine(app)
    eng.fingerprints(
        fw
        for entries in get_pairs(env).values()
        for e in entries
        for fw in (e.analysis.fingerprints if e.analysis else e.spec.apis)
    )
    result = []
    for docname, entries in get_pairs(env).items():
        if docname in changed or docname in removed:
            continue
        for entry in entries:
            if entry.analysis is None:
                result.append(docname)
                break
            current = {}
            for fw in entry.analysis.fingerprints:
                fp = eng.fingerprint(fw)
                current[fw] = fp.key() if fp is not None else None
            if current != entry.analysis.fingerprints:
                result.append(docname)
                break
    return result


def analyse_pending(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Introspect and execute for every pair not analysed yet (the pages read now)."""
    unused_runtimes(app, env)
    broken_adapters(app)
    pending = [e for entries in get_pairs(env).values() for e in entries if e.analysis is None]
    if not pending:
        return []
    pending.sort(key=lambda e: (e.docname, e.serial))
    eng = engine(app)
    try:
        _analyse(app, eng, pending)
    except SphinxWarning:  # -W with exceptions on warnings: Sphinx's way to stop
        raise
    except Exception as exc:  # pages keep what the YAML alone says; re-read next build
        internal(exc, "introspecting and running the examples", pending[0].spec.location(None))
    finally:
        app._apidiff_stats = eng.stats  # type: ignore[attr-defined]
        eng.close()
        _pool_problems(eng)
    return []


def unused_runtimes(app: Sphinx, env: BuildEnvironment) -> None:
    """Warn, once per build, of each runtime conf.py configures for a framework no pair
    uses (a misspelt name, a framework left behind): its interpreter is never started."""
    cfg = from_sphinx(app.config)
    used = (fw for entries in get_pairs(env).values() for e in entries for fw in e.spec.apis)
    conf = os.path.join(app.confdir, "conf.py")
    for framework, message in cfg.unused_runtimes(used):
        line = conf_line(conf, framework)
        warn(message, Subtype.CONFIG, f"{conf}:{line}" if line else None)


def broken_adapters(app: Sphinx) -> None:
    """Warn of each framework adapter an installed package declares but that could not be
    used (its entry point fails to load, or names no Framework): that framework runs the
    generic way, without gradients."""
    conf = os.path.join(app.confdir, "conf.py")
    for message in frameworks.problems():
        warn(message, Subtype.CONFIG, conf)


def _pool_problems(eng: Engine) -> None:
    """Say why warm workers were not used: a warning where the socket directory is not
    private (refused), a note where a pool could not be had (fresh workers ran)."""
    for framework, problem in eng.pool_problems.items():
        message = f"warm workers for {framework} not used: {problem}; fresh workers ran instead"
        if isinstance(problem, PoolRefused):
            logger.warning(message, type="apidiff", subtype=Subtype.WORKERS)
        else:
            logger.info(bold("apidiff: ") + message)


def progress_text(job: ExampleJob, result: ExampleResult) -> str:
    """The build log's line of one finished job: its label, its status as its page words it
    (a sweep cell's own: ``unsupported`` where some frameworks reject the dtype), and where
    the result came from: a run of this build, the cache or the results store."""
    status = cell_outcome(result).status if job.variant == SWEEP else result.status
    if result.cached:
        origin = " (cached)"
    elif result.from_store:
        origin = " (stored)"
    else:  # a run of this build, or none (its status says not-run)
        origin = "" if result.status == Status.NOT_RUN else " (ran)"
    return f"{job.label} [{status}]{origin}"


def _progress(app: Sphinx) -> Progress:
    def wrap(stream: Iterator[tuple[ExampleJob, ExampleResult]], total: int) -> Iterable[object]:
        # results come from runs, the cache or the store: each line says which
        return status_iterator(
            stream,
            bold("apidiff: collecting results... "),
            "darkgreen",
            total,
            app.verbosity,
            stringify_func=lambda item: progress_text(*item),
        )

    return wrap


def _analyse(app: Sphinx, eng: Engine, pending: list[PairEntry]) -> None:
    cfg = from_sphinx(app.config)
    keep = {e.spec.id for entries in get_pairs(app.env).values() for e in entries}
    if eng.store is not None:  # a pair file that cannot be read now is not a removed pair
        keep |= eng.store.pairs_from(s for files in get_unreadable(app.env).values() for s in files)
    result = run_pairs(
        [entry.spec for entry in pending],
        eng,
        language=app.config.language,
        labels=cfg.label,
        ignore=cfg.ignore_params,
        prefixes=[f"{entry.docname}: " for entry in pending],
        progress=_progress(app),
        keep_ids=keep,
    )
    for problem in result.store_problems:
        if result.store_refreshed and problem.ours:  # this refresh rewrites or removes it
            logger.info(
                bold("apidiff: ") + f"{problem.location or problem.file}: {problem.message}"
            )
        else:
            warn(problem.message, problem.subtype, problem.location)
    for problem in result.cache_problems:
        warn(problem.message, problem.subtype, problem.location)
    for runtime in result.runtime_problems:
        warn(
            f"{runtime.reason}; {RUNTIME_CONSEQUENCE}",
            Subtype.RUNTIME,
            runtime.spec.location(runtime.line),
        )
    for entry, outcome in zip(pending, result.pairs, strict=True):
        entry.analysis = outcome.analysis
        for diag in outcome.diagnostics:
            warn(diag.message, diag.subtype, entry.spec.location(diag.line))
    if result.store_refreshed and eng.store is not None:
        logger.info(
            bold("apidiff: ") + f"results store {eng.store.path}: "
            f"{len(result.written)} pair(s) written, {len(result.removed)} removed"
        )


def summarize(app: Sphinx, exception: Exception | None) -> None:
    """One line at the end of the build: how many examples ran, matched, differed."""
    if exception is not None or not any(get_pairs(app.env).values()):
        return
    stats: Stats = getattr(app, "_apidiff_stats", None) or Stats()
    total = stats.run + stats.cached + stats.not_run
    noun = "example" if total == 1 else "examples"
    logger.info(
        bold("apidiff: ")
        + (f"{total} {noun}: {stats.summary()}" if total else "no example needed executing")
    )
