"""The build's link to the engine: after reading, introspect and execute in the main process.

Directives (possibly in forked parallel readers) only record pairs. Here, on
``env-updated``, in the main process, one :class:`~sphinx_apidiff.execute.Engine`
introspects every API and runs every example of the pages read in this build,
one worker per runtime, and closes its workers before Sphinx forks writers.
Warnings about what the libraries said are located at the YAML lines.
"""

from __future__ import annotations

import os

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxWarning
from sphinx.util import logging
from sphinx.util.console import bold
from sphinx.util.display import status_iterator

from sphinx_apidiff.analysis.pair import analyse, jobs_for
from sphinx_apidiff.execution.engine import Engine, ExampleJob, ExampleResult, Stats
from sphinx_apidiff.sphinx_ext.config import ApidiffConfig, build_cache_dir
from sphinx_apidiff.sphinx_ext.located import internal, warn
from sphinx_apidiff.sphinx_ext.nodes import PairEntry, get_pairs

logger = logging.getLogger(__name__)


def make_engine(app: Sphinx) -> Engine:
    cfg = ApidiffConfig.from_sphinx(app.config)
    shared = build_cache_dir(app.confdir, app.doctreedir)  # the one `check` uses too
    return cfg.make_engine(app.confdir, shared or os.path.join(app.doctreedir, "apidiff-cache"))


def engine(app: Sphinx) -> Engine:
    if getattr(app, "_apidiff_engine", None) is None:
        app._apidiff_engine = make_engine(app)  # type: ignore[attr-defined]
        app._apidiff_stats = Stats()  # type: ignore[attr-defined]
    return app._apidiff_engine  # type: ignore[attr-defined]


def outdated(
    app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str], removed: set[str]
) -> list[str]:
    """Pages whose framework versions changed since they were resolved."""
    eng = engine(app)
    eng.fingerprints(
        fw
        for entries in get_pairs(env).values()
        for e in entries
        for fw in (e.resolved.fingerprints if e.resolved else e.spec.apis)
    )
    result = []
    for docname, entries in get_pairs(env).items():
        if docname in changed or docname in removed:
            continue
        for entry in entries:
            if entry.resolved is None:
                result.append(docname)
                break
            current = {}
            for fw in entry.resolved.fingerprints:
                fp = eng.fingerprint(fw)
                current[fw] = fp.key() if fp is not None else None
            if current != entry.resolved.fingerprints:
                result.append(docname)
                break
    return result


def resolve_pending(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Introspect and execute for every pair not resolved yet (the pages read now)."""
    pending = [e for entries in get_pairs(env).values() for e in entries if e.resolved is None]
    if not pending:
        return []
    pending.sort(key=lambda e: (e.docname, e.serial))
    eng = engine(app)
    try:
        _resolve(app, eng, pending)
    except SphinxWarning:  # -W with exceptions on warnings: Sphinx's way to stop
        raise
    except Exception as exc:  # pages keep what the YAML alone says; re-read next build
        internal(exc, "introspecting and running the examples", pending[0].spec.location(None))
    finally:
        app._apidiff_stats = eng.stats  # type: ignore[attr-defined]
        eng.close()
    return []


def _resolve(app: Sphinx, eng: Engine, pending: list[PairEntry]) -> None:
    cfg = ApidiffConfig.from_sphinx(app.config)
    collect_signatures = eng.submit_signatures(
        (fw, api) for e in pending for fw, api in e.spec.apis.items()
    )
    jobs: list[tuple[PairEntry, int, ExampleJob]] = []
    for entry in pending:
        for job in jobs_for(entry.spec, app.config.language, prefix=f"{entry.docname}: "):
            jobs.append((entry, job.index, job))
    # queued behind the signatures on each worker, so no worker waits for the other
    stream = eng.run_iter([job for _, _, job in jobs])
    sigs = collect_signatures()

    if eng.store is not None:
        for where, problem in eng.store.problems:
            if eng.store.update:  # this refresh rewrites or removes the file
                logger.info(bold("apidiff: ") + f"{where}: {problem}")
            else:
                warn(problem, "store", where)
    warned: set[str] = set()
    if eng.mode == "cache":  # nothing runs: runtimes are not needed, the store speaks
        warned.update(eng.unavailable)
    for entry in pending:
        for fw in entry.spec.apis:
            if fw in eng.unavailable and fw not in warned:
                warned.add(fw)
                warn(
                    f"{eng.unavailable[fw]}; pages use the signatures given in the YAML or stored",
                    "runtime",
                    entry.spec.location(entry.spec.api_lines.get(fw)),
                )

    results: dict[tuple[str, int], ExampleResult] = {}
    if jobs:
        for (entry, index, _job), (_, result) in zip(
            jobs,
            status_iterator(
                stream,
                bold("apidiff: executing examples... "),
                "darkgreen",
                len(jobs),
                app.verbosity,
                stringify_func=lambda item: f"{item[0].label} [{item[1].status}]",
            ),
            strict=True,
        ):
            results[(entry.key, index)] = result

    for entry in pending:
        spec = entry.spec
        own = [job for e, _, job in jobs if e is entry]
        try:
            resolved, diags = analyse(
                spec,
                eng,
                sigs,
                [results[(entry.key, job.index)] for job in own],
                labels=cfg.label,
                ignore=cfg.ignore_params,
                language=app.config.language,
            )
        except Exception as exc:  # this page keeps what the YAML alone says
            internal(exc, "analysing this pair", spec.location(None))
            continue
        entry.resolved = resolved
        for diag in diags:
            warn(diag.message, diag.subtype, spec.location(diag.line))
        eng.record(spec.id, spec.apis, resolved.signatures, own, resolved.examples)
    if eng.store is not None and eng.store.update:
        written = eng.store.flush()
        keep = {e.spec.id for entries in get_pairs(app.env).values() for e in entries}
        removed = eng.store.prune(keep)
        logger.info(
            bold("apidiff: ") + f"results store {eng.store.path}: "
            f"{len(written)} pair(s) written, {len(removed)} removed"
        )


def summarize(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not any(get_pairs(app.env).values()):
        return
    stats: Stats = getattr(app, "_apidiff_stats", None) or Stats()
    total = stats.run + stats.cached + stats.not_run
    noun = "example" if total == 1 else "examples"
    logger.info(
        bold("apidiff: ")
        + (f"{total} {noun}: {stats.summary()}" if total else "no example needed executing")
    )
