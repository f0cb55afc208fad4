"""``sphinx-apidiff``: write, check and import comparison pages without a full build.

The command reads the runtimes and options from the project's conf.py (found by
itself, or given with --conf-dir) and uses the same engine, cache and analysis
as the Sphinx build, so the two always agree.

Exit codes: 0 all good, 1 a page is wrong, 2 bad usage.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from sphinx_apidiff._version import __version__
from sphinx_apidiff.analysis.pair import uncited_rows
from sphinx_apidiff.analysis.report import pair_report, report
from sphinx_apidiff.authoring.output import (
    Progress,
    UsageError,
    check_output,
    write_output,
)
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import ExampleResult
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model import schema
from sphinx_apidiff.model.diagnostics import internal_message
from sphinx_apidiff.model.schema import SCHEMA_NAME
from sphinx_apidiff.model.spec import (
    Diagnostic,
    PairSpec,
    duplicate_id_message,
    id_for_file,
    is_pair_file,
    read_pair_file,
)
from sphinx_apidiff.model.vocabulary import Mode, Subtype
from sphinx_apidiff.options import ApidiffConfig, build_cache_dir, conf_line
from sphinx_apidiff.pipeline import RUNTIME_CONSEQUENCE, RuntimeProblem, run_pairs

SKIP_DIRS = {"_build", "_apidiff_store", ".git", "node_modules", ".venv", ".tox"}
#: Where a project's conf.py usually is, looked up in this order from the current folder.
CONF_PLACES = (".", "docs", "doc", "source", "docs/source")


class PageError(Exception):
    """The input is wrong (a page, an API): exit code 1, one clear line."""


def note(message: str) -> None:
    """Tell the user something on stderr that is not a problem (the exit code stays)."""
    print(f"sphinx-apidiff: note: {message}", file=sys.stderr)


# -- configuration ----------------------------------------------------------------------


class Project:
    """The project's conf.py as the command line sees it (``conf`` None: none found)."""

    def __init__(self, conf: Path | None) -> None:
        self.conf = conf
        self.confdir = conf.parent if conf else None
        self.cfg = ApidiffConfig()
        self.raw: dict[str, Any] = {}

    @property
    def language(self) -> str | None:
        """The ``language`` of conf.py (None: not set): it picks the text of localized prose."""
        return self.raw.get("language")


def _conf_above(path: Path) -> Path | None:
    """The conf.py of the nearest folder holding ``path``, up to the repository root."""
    folder = path.resolve() if path.is_dir() else path.resolve().parent
    for candidate in (folder, *folder.parents):
        if (candidate / "conf.py").is_file():
            return candidate / "conf.py"
        if (candidate / ".git").exists():
            return None
    return None


def find_conf(conf_dir: str | None, paths: Sequence[Path] = ()) -> Path | None:
    """conf.py: of ``--conf-dir``; else above the given files; else in :data:`CONF_PLACES`."""
    if conf_dir is not None:
        conf = Path(conf_dir) / "conf.py"
        if not conf.is_file():
            raise UsageError(f"no conf.py in {conf_dir}")
        return conf
    found = {conf for conf in map(_conf_above, paths) if conf is not None}
    if len(found) > 1:
        names = ", ".join(sorted(str(_shown(c)) for c in found))
        raise UsageError(f"the files belong to several projects ({names}); check one at a time")
    if found:
        return found.pop()
    for place in CONF_PLACES:
        if Path(place, "conf.py").is_file():
            return Path(place, "conf.py")
    where = ", ".join(p + "/" if p != "." else "./" for p in CONF_PLACES)
    note(
        f"no conf.py found (looked above the given files and in {where}); using the "
        "default options. Point at the project's with --conf-dir DIR"
    )
    return None


def load_config(conf_dir: str | None, paths: Sequence[Path] = ()) -> Project:
    """The options of the project's conf.py (see :func:`find_conf`), or the defaults."""
    project = Project(find_conf(conf_dir, paths))
    if project.conf is None:
        return project
    from sphinx.config import Config
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    try:
        config = Config.read(project.conf.parent.resolve(), overrides={}, tags=Tags())
    except ConfigError as exc:
        raise UsageError(f"cannot read {project.conf}: {exc}") from None
    project.raw = dict(config._raw_config)
    project.cfg, problems = ApidiffConfig.from_mapping(project.raw)
    for problem in problems:
        print(f"{project.conf}: warning: {problem}", file=sys.stderr)
    return project


@contextlib.contextmanager
def engine_for(project: Project, verbose: bool = False, **overrides: Any) -> Iterator[Engine]:
    """The build's engine, sharing the build's cache; a throwaway cache where there is none.

    Nothing is written inside the Sphinx source folder but the build's own folder.
    """
    confdir = (project.confdir or Path.cwd()).resolve()
    shared = None
    if project.confdir is not None:
        shared = build_cache_dir(confdir, exclude_patterns=project.raw.get("exclude_patterns"))
    with contextlib.ExitStack() as stack:
        if shared is None:
            shared = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="apidiff-")))
            if verbose and not project.cfg.cache_path:
                note(
                    "results are not cached: the project builds neither into _build/ nor into "
                    "../build/; set apidiff_cache_path in conf.py to share them with the build"
                )
        engine = stack.enter_context(project.cfg.make_engine(confdir, shared, **overrides))
        if verbose:
            path = engine.cache.path
            note(f"execution cache: {_shown(path)}" if path else "no execution cache")
        yield engine
    for framework, problem in engine.pool_problems.items():
        note(f"warm workers for {framework} not used: {problem}; fresh workers ran instead")


# -- check ------------------------------------------------------------------------------


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


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
                files.append(_shown(file))
            elif verbose or path.is_file():
                note(
                    f"{_shown(file)}: skipped, not a comparison pair (no 'apis' key and not "
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

    overrides = {"mode": args.mode} if args.mode else {}
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
            _shown(project.conf),
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


# -- new ----------------------------------------------------------------------------------


def new(args: argparse.Namespace) -> int:
    """``sphinx-apidiff new``: write a YAML draft for two APIs from their real signatures."""
    from sphinx_apidiff.authoring.draft import DraftError, draft_pair

    out = [Path(args.output)] if args.output not in (None, "-") else []
    project = load_config(args.conf_dir, [p.parent for p in out])
    apis = [args.reference, args.other]
    frameworks = args.framework or [api.split(".")[0] for api in apis]
    if len(frameworks) != len(apis):
        raise UsageError("give one --framework per API, or none")
    if len(set(frameworks)) != len(frameworks):
        raise UsageError(f"the two APIs must be of different frameworks, got {frameworks}")
    check_output(args.output, args.force)
    pair_id = id_for_file(out[0]) if out else None  # the id the build gives that file
    local = LocalSchema(project, out[0] if out else None)
    with engine_for(project) as engine:
        try:
            text, messages = draft_pair(
                dict(zip(frameworks, apis, strict=True)), engine, pair_id, schema_ref=local.ref
            )
        except DraftError as exc:
            raise PageError(str(exc)) from None
    for message in messages:
        print(message, file=sys.stderr)
    write_output(args.output, text, args.force)
    local.write()
    return 0


# -- import -------------------------------------------------------------------------------


def import_page(args: argparse.Namespace) -> int:
    """``sphinx-apidiff import``: convert a legacy hand-written ``.rst`` page into a pair file."""
    from sphinx_apidiff.authoring.legacy.importer import NotAComparisonPage, import_legacy

    source = Path(args.legacy)
    project = load_config(args.conf_dir, [Path(args.output).parent] if args.output else [])
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {source}: {exc}") from None
    check_output(args.output, args.force)
    local = LocalSchema(project, Path(args.output) if args.output not in (None, "-") else None)
    with engine_for(project) as engine:
        try:
            result = import_legacy(text, engine, source=str(source), schema_ref=local.ref)
        except NotAComparisonPage as exc:
            raise PageError(f"{source} is not a comparison page: {exc}") from None
    for line in result.corrections:
        print(f"{source}: corrected: {line}", file=sys.stderr)
    for line in result.notes:
        print(f"{source}: note: {line}", file=sys.stderr)
    write_output(args.output, result.yaml_text, args.force)
    local.write()
    return 0


# -- workers ------------------------------------------------------------------------------


def workers(args: argparse.Namespace) -> int:
    """``sphinx-apidiff workers [list|stop] [--all]``: show this user's pools of warm workers,
    those of this project first, or stop this project's (``--all``: every pool)."""
    from sphinx_apidiff.execution.runtime.pool.admin import list_pools, stop_pools
    from sphinx_apidiff.execution.runtime.pool.shared import PoolUnavailable, default_dir, pool_dir

    if not default_dir().exists():
        print(f"no warm workers ({default_dir()} does not exist)")
        return 0
    try:
        directory = pool_dir(create=False)
    except PoolUnavailable as exc:
        raise UsageError(str(exc)) from None
    pools = list_pools(directory)
    pythons = None  # every pool is this command's: stop --all
    if not (args.all and args.action == "stop"):
        pythons = interpreters(load_config(args.conf_dir))
    ours = [p for p in pools if pythons is None or p.serves(pythons)]
    others = [p for p in pools if p not in ours]
    if args.action == "stop":
        stopped = stop_pools(directory, pools=ours)
        live = [p for p in stopped if p.answer is not None]
        whose = "" if pythons is None else " of this project"
        print(f"stopped {len(stopped)} pool(s) of warm workers{whose}" + (":" if live else ""))
        for pool in live:
            print("  " + _pool_line(pool.answer or {}))
        left = [p for p in others if p.running]  # not the stale ones, just removed
        if left:
            print(f"{len(left)} pool(s) of other projects left running; --all stops them")
        return 0
    if not pools:
        print(f"no warm workers (in {directory})")
        return 0
    print(f"warm workers in {directory}:")
    for title, group in (("of this project", ours), ("of other projects", others)):
        if group:
            print(f"  {title}:")
        for pool in group:
            shown = _pool_line(pool.answer) if pool.answer else pool.socket.name
            print(f"    {shown}" + (f": {pool.problem}" if pool.problem else ""))
    return 0


def interpreters(project: Project) -> list[str]:
    """The interpreters of the project's runtimes, as its builds choose them: conf.py's
    ``apidiff_runtimes``, ``APIDIFF_PYTHON_<FRAMEWORK>``, and this one for the others."""
    confdir = (project.confdir or Path.cwd()).resolve()
    return [*project.cfg.pythons(confdir).values(), sys.executable]


def _pool_line(answer: dict[str, Any]) -> str:
    """One pool: framework, versions, interpreter, server, workers, idle time."""
    count = answer.get("workers", 0)
    python = answer.get("python_version")
    return (
        f"{answer.get('framework')} {answer.get('version')} (Python {python}, "
        f"numpy {answer.get('numpy')}) {answer.get('python')}: pid {answer.get('pid')}, "
        f"{count} worker{'s' if count != 1 else ''} ({answer.get('busy', 0)} busy), "
        f"idle {answer.get('idle_for', 0):.0f} s of {answer.get('idle_timeout', 0):g} s"
    )


# -- schema -------------------------------------------------------------------------------


def schema_text() -> str:
    """The JSON Schema of pair files, as ``sphinx-apidiff schema`` prints it."""
    return json.dumps(schema.json_schema(), indent=2, ensure_ascii=False) + "\n"


def print_schema(args: argparse.Namespace) -> int:
    """``sphinx-apidiff schema [-o FILE]``: the JSON Schema of pair files, for editors."""
    if args.output in (None, "-"):
        sys.stdout.write(schema_text())
        return 0
    target = Path(args.output)
    if not target.parent.is_dir():
        raise UsageError(f"the folder {target.parent} does not exist")
    # a derived file, rewritten whole: refreshing it after an upgrade needs no --force
    print(f"wrote {atomic_write(target, schema_text())}", file=sys.stderr)
    return 0


class LocalSchema:
    """The project's copy of the schema that a draft's first line names, so that editors
    (yaml-language-server: VS Code's YAML extension, Neovim, Helix, ...) find it with no
    network: ``apidiff.schema.json`` in the conf dir (none: the draft's folder), named
    relative to the draft, which is how yaml-language-server resolves the comment."""

    def __init__(self, project: Project, output: Path | None) -> None:
        folder = project.confdir or (output.parent if output else Path())
        self.path = folder / SCHEMA_NAME
        self.output = output
        base = (output.parent if output else Path()).resolve()
        try:
            self.ref = Path(os.path.relpath(self.path.resolve(), base)).as_posix()
        except ValueError:  # another drive (Windows): an absolute path still resolves
            self.ref = self.path.resolve().as_uri()

    def write(self) -> None:
        """Write the schema there when it is missing or is not the installed version's."""
        if self.output is None:
            note(
                f"the draft names the schema {self.ref}, relative to the current folder, as "
                "editors read it relative to the file: save the draft here, or use -o FILE"
            )
        text = schema_text()
        try:
            if self.path.read_text(encoding="utf-8") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
        try:
            atomic_write(self.path, text)
        except OSError as exc:
            note(f"cannot write {_shown(self.path)} ({exc}): run sphinx-apidiff schema -o FILE")
            return
        note(f"wrote {_shown(self.path)}: the JSON Schema the draft's first line names")


# -- main ---------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    """The command line's argument parser: the subcommands and their options."""
    top = argparse.ArgumentParser(
        prog="sphinx-apidiff",
        description="Write, check and import comparison pages without a full build.",
        epilog="Exit codes: 0 all good, 1 a page is wrong, 2 bad usage.",
    )
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    conf_help = (
        "folder of the project's conf.py (default: the nearest above the given files, "
        "else the first of ./, docs/, doc/, source/, docs/source/)"
    )
    top.add_argument("--conf-dir", help=conf_help)
    # the same option after the subcommand; SUPPRESS: an absent one keeps the value given before
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--conf-dir", default=argparse.SUPPRESS, help=conf_help)
    subs = top.add_subparsers(dest="command", required=True)

    p = subs.add_parser("new", parents=[common], help="write a YAML draft from the real APIs")
    p.add_argument("reference", help="the reference API, e.g. torch.nn.Conv2d")
    p.add_argument("other", help="its counterpart, e.g. megengine.module.Conv2d")
    p.add_argument(
        "--framework",
        action="append",
        help="framework of each API (default: its top-level module); give it twice",
    )
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=new)

    p = subs.add_parser("check", parents=[common], help="validate, introspect and run pairs")
    p.add_argument(
        "paths",
        nargs="*",
        help="pair files or folders (default: the conf dir); other YAML files, "
        "those with no 'apis' key outside a pairs/ folder, are skipped",
    )
    p.add_argument(
        "--format", choices=("text", "json"), default="text", help="text (default) or JSON"
    )
    p.add_argument(
        "--mode", choices=[m.value for m in Mode], help="override apidiff_execution_mode"
    )
    p.add_argument(
        "-v", "--verbose", action="store_true", help="say which files are skipped, and the cache"
    )
    p.add_argument(
        "--uncited",
        action="store_true",
        help="also report parameter rows whose default or meaning differs and that cite no "
        "example (apidiff.evidence)",
    )
    p.set_defaults(func=check)

    p = subs.add_parser("import", parents=[common], help="convert a legacy hand-written page")
    p.add_argument("legacy", help="the legacy .rst page")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=import_page)

    p = subs.add_parser("workers", parents=[common], help="list or stop the pools of warm workers")
    p.add_argument(
        "action", nargs="?", choices=("list", "stop"), default="list", help="list (default), stop"
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="stop every pool of yours, other projects' too (default: this project's, those "
        "whose interpreter is one of its runtimes)",
    )
    p.set_defaults(func=workers)

    p = subs.add_parser("schema", help="print or write the JSON Schema of the YAML format")
    p.add_argument("-o", "--output", help="file to write, replaced if it exists (default: stdout)")
    p.set_defaults(func=print_schema)
    return top


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return its exit code; every error is one line on stderr."""
    args = parser().parse_args(argv)
    try:
        return int(args.func(args))
    except UsageError as exc:
        print(f"sphinx-apidiff: error: {exc}", file=sys.stderr)
        return 2
    except PageError as exc:
        print(f"sphinx-apidiff: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("sphinx-apidiff: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug of ours: one line, and how to see more
        if os.environ.get("APIDIFF_DEBUG"):
            raise
        print(
            f"sphinx-apidiff: internal error: {type(exc).__name__}: {exc} "
            "(set APIDIFF_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 1
