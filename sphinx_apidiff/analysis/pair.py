"""A pair, analysed: what the real libraries and the executed examples say about it.

Shared by the Sphinx build (``resolve``) and the command line (``check``): the
same checks, the same diagnostics, the same report. No Sphinx imports here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sphinx_apidiff.analysis.params import DEFAULT_IGNORED, build_rows, categorize
from sphinx_apidiff.analysis.signature import Signature, parse_signature_text
from sphinx_apidiff.execution.engine import Engine, ExampleJob, ExampleResult, SignatureResult
from sphinx_apidiff.model.spec import Diagnostic, ExampleSpec, PairSpec, resolve_prose

REPORT_VERSION = 1


@dataclass
class Resolved:
    """What the real libraries said about a pair."""

    signatures: dict[str, SignatureResult] = field(default_factory=dict)
    shown: dict[str, Signature | None] = field(default_factory=dict)  # on the page
    rows: list[Any] = field(default_factory=list)  # diff.Row
    category: str = "identical"
    computed_category: str = "identical"
    examples: list[ExampleResult] = field(default_factory=list)
    versions: dict[str, str | None] = field(default_factory=dict)
    factories: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, Any] = field(default_factory=dict)


def jobs_for(spec: PairSpec, language: str | None, prefix: str = "") -> list[ExampleJob]:
    jobs = []
    for index, example in enumerate(spec.examples):
        title = resolve_prose(example.title, language) or f"#{index + 1}"
        fws = [fw for fw in spec.apis if fw in example.code]
        jobs.append(ExampleJob(example, fws, f"{prefix}{title}", pair_id=spec.id, index=index))
    return jobs


def analyse(
    spec: PairSpec,
    engine: Engine,
    signatures: dict[tuple[str, str], SignatureResult],
    results: list[ExampleResult],
    *,
    labels: Callable[[str], str] = str,
    ignore: Iterable[str] = DEFAULT_IGNORED,
    language: str | None = None,
) -> tuple[Resolved, list[Diagnostic]]:
    """Signatures, parameter rows, category and example verdicts, with diagnostics."""
    diags: list[Diagnostic] = []
    resolved = Resolved()
    for fw, api in spec.apis.items():
        result = signatures[(fw, api)]
        resolved.signatures[fw] = result
        fp = engine.fingerprint(fw)
        resolved.fingerprints[fw] = fp.key() if fp is not None else None
        resolved.versions[fw] = result.version or (fp.version if fp is not None else None)
        resolved.factories[fw] = engine.factory(fw)
        line = spec.api_lines.get(fw)
        given = None
        if fw in spec.signatures:
            given = parse_signature_text(spec.signatures[fw], source="yaml")
            if given is None:
                diags.append(
                    Diagnostic(
                        "signature",
                        f"signatures.{fw}: cannot parse {spec.signatures[fw]!r} as a signature",
                        spec.signature_lines.get(fw),
                    )
                )
        if result.error:
            hint = (
                f"; did you mean {' or '.join(result.suggestions)}?" if result.suggestions else ""
            )
            diags.append(
                Diagnostic(
                    "api", f"{api} does not exist in {labels(fw)}: {result.error}{hint}", line
                )
            )
        elif result.signature is None and given is None and not result.unavailable:
            diags.append(
                Diagnostic(
                    "signature",
                    f"cannot introspect the signature of {api}; give it under 'signatures:'",
                    line,
                )
            )
        elif result.signature is None and given is None and engine.mode == "cache":
            diags.append(
                Diagnostic(
                    "store",
                    f"no stored signature of {api} (execution mode 'cache'): refresh the "
                    "results store, or give it under 'signatures:'",
                    line,
                )
            )
        resolved.shown[fw] = given or result.signature

    rows, row_diags = build_rows(spec.frameworks, resolved.shown, spec.params, ignore)
    diags += row_diags
    resolved.rows = rows
    known = all(sig is not None for sig in resolved.shown.values())
    resolved.computed_category = categorize(rows, spec.frameworks) if known else "unknown"
    resolved.category = spec.category or resolved.computed_category

    for index, example in enumerate(spec.examples):
        outcome = results[index] if index < len(results) else ExampleResult()
        resolved.examples.append(outcome)
        title = repr(resolve_prose(example.title, language) or f"#{index + 1}")
        if outcome.stale:
            diags.append(
                Diagnostic(
                    "stale",
                    f"example {title}: stored result is stale ({outcome.stale})",
                    example.line,
                )
            )
        if outcome.status in ("not-run", example.expect):
            continue
        diags.append(
            Diagnostic(
                "exec",
                f"example {title}: expected {example.expect}, got {outcome.status}: "
                f"{explain(example, outcome)}",
                example.line,
            )
        )
    return resolved, diags


def explain(example: ExampleSpec, result: ExampleResult) -> str:
    """One line on why an example has its status."""
    if result.status == "error":
        failures = []  # every framework that failed, not only the first
        for fw, side in result.sides.items():
            if not side.ok:
                where = ""
                if side.frames and fw in example.code:
                    where = f" at line {side.frames[-1][0] + example.code[fw].line - 1}"
                last = (side.error or "").splitlines()[-1] if side.error else ""
                failures.append(f"{fw} failed{where}: {last}")
        if failures:
            return "; ".join(failures)
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


def pair_report(
    spec: PairSpec,
    resolved: Resolved | None,
    *,
    source: str,
    docname: str | None = None,
    anchor: str | None = None,
    language: str | None = None,
) -> dict[str, Any]:
    """One pair in the ``apidiff.json`` format (the build report and ``check --format json``)."""
    examples = []
    for index, example in enumerate(spec.examples):
        result = resolved.examples[index] if resolved and index < len(resolved.examples) else None
        examples.append(
            {
                "title": resolve_prose(example.title, language),
                "line": example.line,
                "expect": example.expect,
                "status": result.status if result else "not-run",
                "stale": result.stale if result else None,
                "results": {n: c.to_json() for n, c in result.results.items()} if result else {},
            }
        )
    return {
        "id": spec.id,
        "title": resolve_prose(spec.title, language),
        "docname": docname,
        "anchor": anchor,
        "source": source,
        "apis": spec.apis,
        "versions": resolved.versions if resolved else {},
        "category": resolved.category if resolved else spec.category,
        "params": [row.to_json() for row in resolved.rows] if resolved else [],
        "examples": examples,
    }
