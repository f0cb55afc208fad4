"""``sphinx-apidiff check``: validate, introspect and run pairs as the build does."""

from __future__ import annotations

import argparse
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sphinx_apidiff.analysis.pair import uncited_rows
from sphinx_apidiff.analysis.report import pair_report, report
from sphinx_apidiff.authoring.output import Progress, UsageError, note, shown
from sphinx_apidiff.authoring.project import Project, engine_for, load_config
from sphinx_apidiff.execution.results import ExampleResult
from sphinx_apidiff.model.diagnostics import Diagnostic, internal_message
from sphinx_apidiff.model.spec import PairSpec, duplicate_id_message, is_pair_file, read_pair_file
from sphinx_apidiff.model.vocabulary import Subtype
from sphinx_apidiff.options import conf_line
from sphinx_apidiff.pipeline import RUNTIME_CONSEQUENCE, RuntimeProblem, run_pairs

SKIP_DIRS = {"_build", "_apidiff_store", ".git", "node_modules", ".venv", ".tox"}


def pair_files(paths: Sequence[str], verbose: bool = False) -> tuple[list[Path], bool]:
    """The comparison pairs among ``paths`` (files, folders searched), and whether any was
    named as a file. Other YAML files (CI workflows, ``.readthedocs.yaml``...) are skipped."""
    files: list[Path] = []
    named = False
    for name in paths:
        path = Path(name)
        if path.is_dir():
            found = [
                file
                for file in sorted(path.rglob("*"))
                if file.suffix in (".yaml", ".yml") and not SKIP_DIRS & set(file.parts)
            ]
        elif path.is_file():
            found, named = [path], True
        else:
            raise UsageError(f"no such file or folder: {name}")
        for file in found:
            if is_pair_file(file):
                files.append(shown(file))
            elif verbose or path.is_file():
                note(
                    f"{shown(file)}: skipped, not a comparison pair (no 'apis' key and not "
                    "in a pairs/ folder)"
                )
    return files, named


def check(args: argparse.Namespace) -> int:
    """``sphinx-apidiff check``: validate, introspect and run pairs as the build does, print
    the table (or JSON) and every problem; exit code 1 if there is any."""
    files, named = pair_files(args.paths, args.verbose) if args.paths else ([], False)
    if args.paths and not files and named:
        print("0 pair(s): nothing to check")  # e.g. pre-commit with only other YAML staged
        return 0
    project = load_config(args.conf_dir, files)
    if not args.paths:
        files, _ = pair_files([str(project.confdir or ".")], args.verbose)
    if not files:
        raise UsageError("no pair files (*.yaml with 'apis', or in a pairs/ folder) found")
    language = project.language
    specs: list[tuple[Path, PairSpec]] = []
    problems: list[tuple[Path | None, Diagnostic]] = []
    for file in files:
        try:
            spec, diags = read_pair_file(file)
        except Exception as exc:  # a bug of ours: a problem of this file, not the end of all
            spec, diags = None, [_internal(exc, "reading this file")]
        problems += [(file, d) for d in diags]
        if spec is not None:
            specs.append((file, spec))
    problems += duplicate_ids(specs)
    problems += unused_runtimes(project, specs, args.paths)

    overrides: dict[str, Any] = {"mode": args.mode} if args.mode else {}
    if args.repeat is not None:
        overrides["repeat"] = args.repeat
    with engine_for(project, args.verbose, **overrides) as engine:
        progress = Progress(len([e for _, s in specs for e in s.examples]), "examples")
        progress.names = {spec.id: file.name for file, spec in specs}
        result = run_pairs(
            [spec for _, spec in specs],
            engine,
            language=language,
            labels=project.cfg.label,
            ignore=project.cfg.ignore_params,
            progress=progress.wrap,
        )
        progress.close()
    problems += [
        (Path(p.file), Diagnostic(p.subtype, p.message, p.line))
        for p in result.store_problems + result.cache_problems
    ]
    problems += [
        (
            file,
            Diagnostic(Subtype.RUNTIME, f"{runtime.reason}; {RUNTIME_CONSEQUENCE}", runtime.line),
        )
        for file, runtime in _located(specs, result.runtime_problems)
    ]
    reports, rows = [], []
    for (file, spec), outcome in zip(specs, result.pairs, strict=True):
        problems += [(file, d) for d in outcome.diagnostics]
        if args.uncited and outcome.analysis is not None:
            problems += [(file, d) for d in uncited_rows(spec, outcome.analysis)]
        if outcome.analysis is not None:
            reports.append(pair_report(spec, outcome.analysis, source=str(file), language=language))
            rows.append((file, spec, outcome.analysis))
    summary = result.stats.summary()

    if args.format == "json":
        data = report(
            reports,
            diagnostics=[
                {
                    "source": str(f) if f else None,
                    "line": d.line,
                    "type": f"apidiff.{d.subtype}",
                    "message": d.message,
                }
                for f, d in problems
            ],
        )
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        print_table(rows)
        for source, diag in problems:
            where = f"{source}:{diag.line}" if diag.line else str(source or "sphinx-apidiff")
            print(f"{where}: warning: {diag.message} [apidiff.{diag.subtype}]")
        print(f"{len(specs)} pair(s), {len(problems)} problem(s); examples: {summary}")
    return 1 if problems else 0


def _located(
    specs: list[tuple[Path, PairSpec]], problems: list[RuntimeProblem]
) -> list[tuple[Path, RuntimeProblem]]:
    """Each runtime problem with the file of the pair it is located at."""
    files = {id(spec): file for file, spec in specs}
    return [(files[id(problem.spec)], problem) for problem in problems]


def _internal(exc: Exception, what: str, line: int | None = None) -> Diagnostic:
    """A bug of ours, reported as a problem of the file it happened on."""
    if os.environ.get("APIDIFF_DEBUG"):
        raise exc
    return Diagnostic(Subtype.INTERNAL, internal_message(exc, what), line)


def unused_runtimes(
    project: Project, specs: list[tuple[Path, PairSpec]], paths: Sequence[str]
) -> list[tuple[Path | None, Diagnostic]]:
    """The build's warning of each runtime conf.py configures for a framework no pair uses;
    only when the whole project is checked (no paths, or a folder holding conf.py): a few
    of its pairs prove nothing."""
    if project.conf is None:
        return []
    confdir = project.conf.parent.resolve()
    if paths and not any(
        Path(p).is_dir() and confdir.is_relative_to(Path(p).resolve()) for p in paths
    ):
        return []
    used = (fw for _, spec in specs for fw in spec.apis)
    return [
        (
            shown(project.conf),
            Diagnostic(Subtype.CONFIG, message, conf_line(project.conf, framework)),
        )
        for framework, message in project.cfg.unused_runtimes(used)
    ]


def duplicate_ids(specs: list[tuple[Path, PairSpec]]) -> list[tuple[Path | None, Diagnostic]]:
    """A located problem for each pair whose id another pair already has."""
    first: dict[str, PairSpec] = {}
    problems: list[tuple[Path | None, Diagnostic]] = []
    for file, spec in specs:
        other = first.setdefault(spec.id, spec)
        if other is not spec:
            message = duplicate_id_message(spec, other)
            problems.append((file, Diagnostic(Subtype.SPEC, message, spec.id_line)))
    return problems


def deviation_text(examples: Sequence[ExampleResult]) -> str:
    """The largest deviation of a pair's examples; where the values that differ have no size
    (other shapes, NaN in other places, other structure), what differs instead, so that
    results that differ never read as a deviation of 0."""
    deviations = [r.max_abs for r in examples if r.max_abs is not None]
    failed = [c for r in examples for c in r.results.values() if not c.passed]
    if failed and not any(c.max_abs for c in failed):
        return failed[0].note or "values differ"
    return f"{max(deviations):.3g}" if deviations else "-"


def print_table(rows: list[tuple[Path, PairSpec, Any]]) -> None:
    """The text form of ``check``: one line per pair with its category, the statuses of its
    examples and their largest deviation."""
    header = ("pair", "category", "examples", "status", "max abs dev")
    lines = [header]
    for file, spec, resolved in rows:
        statuses: dict[str, int] = {}
        for result in resolved.examples:
            statuses[result.status] = statuses.get(result.status, 0) + 1
        status = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "-"
        worst = deviation_text(resolved.examples)
        lines.append((str(file), resolved.category, str(len(spec.examples)), status, worst))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )
