"""The build's link to the engine: after reading, introspect and execute in the main process.

Directives (possibly in forked parallel readers) only record pairs. Here, on
``env-updated``, in the main process, one :class:`~sphinx_apidiff.execute.Engine`
introspects every API and runs every example of the pages read in this build,
one worker per runtime, and closes its workers before Sphinx forks writers.
Warnings about what the libraries said are located at the YAML lines.
"""

from __future__ import annotations

import os
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.util import logging
from sphinx.util.console import bold
from sphinx.util.display import status_iterator

from .config import ApidiffConfig
from .diff import build_rows, categorize
from .execute import Engine, ExampleJob, ExampleResult, Stats
from .nodes import PairEntry, Resolved, get_pairs
from .signature import Signature, parse_signature_text
from .spec import resolve_prose
from .store import Store

logger = logging.getLogger(__name__)


def warn(message: str, subtype: str, location: str | None) -> None:
    logger.warning(message, type="apidiff", subtype=subtype, location=location)


def make_engine(app: Sphinx) -> Engine:
    cfg = ApidiffConfig.from_sphinx(app.config)
    cache = cfg.cache_path
    if cache is None:
        cache = os.path.join(app.doctreedir, "apidiff-cache")
    else:
        cache = os.path.join(app.confdir, cache)
    store = None
    if cfg.store_path:
        store = Store(os.path.join(app.confdir, cfg.store_path), update=cfg.store_update)
    return Engine(
        pythons=cfg.pythons(app.confdir),
        cache_path=cache,
        mode=cfg.execution_mode,
        timeout=float(cfg.execution_timeout),
        store=store,
    )


def engine(app: Sphinx) -> Engine:
    if getattr(app, "_apidiff_engine", None) is None:
        app._apidiff_engine = make_engine(app)  # type: ignore[attr-defined]
        app._apidiff_stats = Stats()  # type: ignore[attr-defined]
    return app._apidiff_engine  # type: ignore[attr-defined]


def outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
             removed: set[str]) -> list[str]:
    """Pages whose framework versions changed since they were resolved."""
    eng = engine(app)
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
    finally:
        app._apidiff_stats = eng.stats  # type: ignore[attr-defined]
        eng.close()
    return []


def _resolve(app: Sphinx, eng: Engine, pending: list[PairEntry]) -> None:
    cfg = ApidiffConfig.from_sphinx(app.config)
    sigs = eng.signatures((fw, api) for e in pending for fw, api in e.spec.apis.items())

    warned: set[str] = set()
    if eng.mode == "cache":  # nothing runs: runtimes are not needed, the store speaks
        warned.update(eng.unavailable)
    for entry in pending:
        for fw in entry.spec.apis:
            if fw in eng.unavailable and fw not in warned:
                warned.add(fw)
                warn(f"{eng.unavailable[fw]}; pages use the signatures given in the YAML or stored",
                     "runtime", entry.spec.location(entry.spec.api_lines.get(fw)))

    jobs: list[tuple[PairEntry, int, ExampleJob]] = []
    for entry in pending:
        for index, example in enumerate(entry.spec.examples):
            fws = [fw for fw in entry.spec.apis if fw in example.code]
            title = resolve_prose(example.title, app.config.language) or f"#{index + 1}"
            jobs.append((entry, index, ExampleJob(example, fws, f"{entry.docname}: {title}",
                                                  pair_id=entry.spec.id, index=index)))

    results: dict[tuple[str, int], ExampleResult] = {}
    if jobs:
        stream = eng.run_iter([job for _, _, job in jobs])
        for (entry, index, _job), (_, result) in zip(
            jobs,
            status_iterator(
                stream, bold("apidiff: executing examples... "), "darkgreen", len(jobs),
                app.verbosity, stringify_func=lambda item: f"{item[0].label} [{item[1].status}]",
            ),
            strict=True,
        ):
            results[(entry.key, index)] = result

    for entry in pending:
        entry.resolved = _resolve_entry(app, cfg, eng, entry, sigs, results)
        own = [(index, job) for e, index, job in jobs if e is entry]
        eng.record(entry.spec.id, entry.spec.apis, entry.resolved.signatures,
                   [job for _, job in own], [entry.resolved.examples[i] for i, _ in own])
    if eng.store is not None and eng.store.update:
        written = eng.store.flush()
        keep = {e.spec.id for entries in get_pairs(app.env).values() for e in entries}
        removed = eng.store.prune(keep)
        logger.info(bold("apidiff: ") + f"results store {eng.store.path}: "
                    f"{len(written)} pair(s) written, {len(removed)} removed")


def _resolve_entry(app: Sphinx, cfg: ApidiffConfig, eng: Engine, entry: PairEntry,
                   sigs: dict[tuple[str, str], Any],
                   results: dict[tuple[str, int], ExampleResult]) -> Resolved:
    spec = entry.spec
    resolved = Resolved()
    signatures: dict[str, Signature | None] = {}
    for fw, api in spec.apis.items():
        result = sigs[(fw, api)]
        resolved.signatures[fw] = result
        fp = eng.fingerprint(fw)
        resolved.fingerprints[fw] = fp.key() if fp is not None else None
        resolved.versions[fw] = result.version or (fp.version if fp is not None else None)
        resolved.factories[fw] = eng.factory(fw)
        location = spec.location(spec.api_lines.get(fw))
        given = None
        if fw in spec.signatures:
            given = parse_signature_text(spec.signatures[fw], source="yaml")
            if given is None:
                warn(f"signatures.{fw}: cannot parse {spec.signatures[fw]!r} as a signature",
                     "signature", spec.location(spec.signature_lines.get(fw)))
        if result.error:
            hint = f"; did you mean {' or '.join(result.suggestions)}?" if result.suggestions else ""
            warn(f"{api} does not exist in {cfg.label(fw)}: {result.error}{hint}", "api", location)
        elif result.signature is None and given is None and not result.unavailable:
            warn(f"cannot introspect the signature of {api}; give it under 'signatures:'",
                 "signature", location)
        elif result.signature is None and given is None and eng.mode == "cache":
            warn(f"no stored signature of {api} (execution mode 'cache'): refresh the results "
                 "store, or give it under 'signatures:'", "store", location)
        signatures[fw] = given or result.signature

    resolved.shown = signatures
    rows, diags = build_rows(spec.frameworks, signatures, spec.params, cfg.ignore_params)
    for diag in diags:
        warn(diag.message, diag.subtype, spec.location(diag.line))
    resolved.rows = rows
    resolved.computed_category = categorize(rows, spec.frameworks)
    resolved.category = spec.category or resolved.computed_category

    for index, example in enumerate(spec.examples):
        result = results.get((entry.key, index), ExampleResult())
        resolved.examples.append(result)
        if result.stale:
            resolved.stale.append(index)
            warn(f"example {_title(app, example, index)}: stored result is stale ({result.stale})",
                 "stale", spec.location(example.line))
        if result.status in ("not-run",) or result.status == example.expect:
            continue
        warn(f"example {_title(app, example, index)}: expected {example.expect}, "
             f"got {result.status}: {_why(entry, example, result)}",
             "exec", spec.location(example.line))
    return resolved


def _title(app: Sphinx, example: Any, index: int) -> str:
    return repr(resolve_prose(example.title, app.config.language) or f"#{index + 1}")


def _why(entry: PairEntry, example: Any, result: ExampleResult) -> str:
    if result.status == "error":
        for fw, side in result.sides.items():
            if not side.ok:
                where = ""
                if side.frames:
                    where = f" at line {side.frames[-1][0] + example.code[fw].line - 1}"
                return f"{fw} failed{where}: {(side.error or '').splitlines()[-1] if side.error else ''}"
    if result.status == "differ":
        parts = []
        for name, comp in result.results.items():
            if not comp.passed:
                detail = comp.note or (
                    f"max abs {comp.max_abs:.3g}, max rel {comp.max_rel:.3g} "
                    f"(atol {example.atol:g}, rtol {example.rtol:g})"
                )
                parts.append(f"{name}: {detail}")
        return "; ".join(parts)
    if result.status == "match":
        return "every compared value agrees"
    return result.reason or ""


def summarize(app: Sphinx, exception: Exception | None) -> None:
    if exception is not None or not any(get_pairs(app.env).values()):
        return
    stats: Stats = getattr(app, "_apidiff_stats", None) or Stats()
    total = stats.run + stats.cached + stats.not_run
    logger.info(bold("apidiff: ") + (f"{total} examples: {stats.summary()}"
                                     if total else "no example needed executing"))
