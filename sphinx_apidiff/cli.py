"""``sphinx-apidiff``: write, check and import comparison pages without a full build.

The command reads the runtimes and options from the project's ``conf.py``
(``--conf-dir``, default ``docs/`` when present) and uses the same engine,
cache and analysis as the Sphinx build, so the two always agree.

Exit codes: 0 all good, 1 a page is wrong, 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from . import __version__, schema
from .analysis import REPORT_VERSION, analyse, jobs_for, pair_report
from .config import ApidiffConfig
from .execute import Engine
from .spec import Diagnostic, PairSpec, read_pair_file

SKIP_DIRS = {"_build", "_apidiff_store", ".git", "node_modules", ".venv", ".tox"}


class UsageError(Exception):
    """Bad usage: exit code 2, one clear line."""


class PageError(Exception):
    """The input is wrong (a page, an API): exit code 1, one clear line."""


# -- configuration ----------------------------------------------------------------------


def load_config(conf_dir: str | None) -> tuple[ApidiffConfig, Path, str | None]:
    """The options of ``conf.py`` in ``conf_dir`` (default: ``docs/`` if present, else none)."""
    if conf_dir is None:
        conf_dir = "docs" if Path("docs", "conf.py").is_file() else None
    if conf_dir is None:
        return ApidiffConfig(), Path.cwd(), None
    path = Path(conf_dir)
    if not (path / "conf.py").is_file():
        raise UsageError(f"no conf.py in {path}")
    from sphinx.config import Config
    from sphinx.errors import ConfigError
    from sphinx.util.tags import Tags

    try:
        config = Config.read(path.resolve(), overrides={}, tags=Tags())
    except ConfigError as exc:
        raise UsageError(f"cannot read {path / 'conf.py'}: {exc}") from None
    raw = dict(config._raw_config)
    cfg, problems = ApidiffConfig.from_mapping(raw)
    for problem in problems:
        print(f"{path / 'conf.py'}: warning: {problem}", file=sys.stderr)
    return cfg, path.resolve(), raw.get("language")


def engine_for(cfg: ApidiffConfig, confdir: Path, **overrides: Any) -> Engine:
    return cfg.make_engine(confdir, confdir / "_build" / "doctrees" / "apidiff-cache", **overrides)


# -- output -----------------------------------------------------------------------------


def check_output(path: str | None, force: bool) -> None:
    """Refuse early (before any work) an output that cannot or must not be written."""
    if path in (None, "-"):
        return
    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"{target} exists; use --force to overwrite it")
    if not target.parent.is_dir():
        raise UsageError(f"the folder {target.parent} does not exist")


def write_output(path: str | None, text: str, force: bool) -> None:
    """Write all of ``text`` or nothing (never a partial file); ``-`` or None: stdout."""
    if path in (None, "-"):
        sys.stdout.write(text)
        return
    check_output(path, force)
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    print(f"wrote {target}", file=sys.stderr)


class Progress:
    """A one-line progress bar on stderr, only when it is a terminal."""

    def __init__(self, total: int, what: str) -> None:
        self.total, self.what, self.done = total, what, 0
        self.live = sys.stderr.isatty() and total > 0

    def step(self, label: str) -> None:
        self.done += 1
        if self.live:
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "." * (width - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {self.what} {label[:40]:<40}")
            sys.stderr.flush()

    def close(self) -> None:
        if self.live:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()


# -- check ------------------------------------------------------------------------------


def _shown(path: Path) -> Path:
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def pair_files(paths: Sequence[str], confdir: Path | None) -> list[Path]:
    if not paths:
        paths = [str(confdir)] if confdir else ["."]
    files: list[Path] = []
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for file in sorted(path.rglob("*")):
                if file.suffix in (".yaml", ".yml") and not SKIP_DIRS & set(file.parts):
                    files.append(_shown(file))
        elif path.is_file():
            files.append(_shown(path))
        else:
            raise UsageError(f"no such file or folder: {name}")
    return files


def check(args: argparse.Namespace) -> int:
    cfg, confdir, language = load_config(args.conf_dir)
    files = pair_files(args.paths, confdir if args.conf_dir or confdir != Path.cwd() else None)
    specs: list[tuple[Path, PairSpec]] = []
    problems: list[tuple[Path, Diagnostic]] = []
    for file in files:
        try:
            spec, diags = read_pair_file(file)
        except Exception as exc:  # a bug of ours: a problem of this file, not the end of all
            spec, diags = None, [_internal(exc, "reading this file")]
        problems += [(file, d) for d in diags]
        if spec is not None:
            specs.append((file, spec))
    if not files:
        raise UsageError("no pair files (*.yaml) found")

    overrides = {"mode": args.mode} if args.mode else {}
    reports, rows = [], []
    with engine_for(cfg, confdir, **overrides) as engine:
        collect_signatures = engine.submit_signatures(
            (fw, api) for _, s in specs for fw, api in s.apis.items()
        )
        jobs = [(file, spec, job) for file, spec in specs for job in jobs_for(spec, language)]
        stream = engine.run_iter([j for _, _, j in jobs])
        sigs = collect_signatures()
        for why in sorted(engine.unavailable.values()):
            if engine.mode != "cache":
                problems.append((Path(str(confdir / "conf.py")), Diagnostic("runtime", why)))
        progress = Progress(len(jobs), "examples")
        results: dict[tuple[str, int], Any] = {}
        for (file, _spec, job), (_, result) in zip(jobs, stream, strict=True):
            results[(str(file), job.index)] = result
            progress.step(f"{file.name}: {job.label}")
        progress.close()
        for file, spec in specs:
            try:
                resolved, diags = analyse(
                    spec,
                    engine,
                    sigs,
                    [results[(str(file), i)] for i in range(len(spec.examples))],
                    labels=cfg.label,
                    ignore=cfg.ignore_params,
                    language=language,
                )
            except Exception as exc:
                problems.append((file, _internal(exc, "analysing this pair", spec.line)))
                continue
            problems += [(file, d) for d in diags]
            reports.append(pair_report(spec, resolved, source=str(file), language=language))
            rows.append((file, spec, resolved))
        summary = engine.stats.summary()

    if args.format == "json":
        data = {
            "version": REPORT_VERSION,
            "pairs": reports,
            "diagnostics": [
                {
                    "source": str(f),
                    "line": d.line,
                    "type": f"apidiff.{d.subtype}",
                    "message": d.message,
                }
                for f, d in problems
            ],
        }
        print(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        print_table(rows)
        for file, diag in problems:
            where = f"{file}:{diag.line}" if diag.line else str(file)
            print(f"{where}: warning: {diag.message} [apidiff.{diag.subtype}]")
        print(f"{len(specs)} pair(s), {len(problems)} problem(s); examples: {summary}")
    return 1 if problems else 0


def _internal(exc: Exception, what: str, line: int | None = None) -> Diagnostic:
    """A bug of ours, reported as a problem of the file it happened on."""
    if os.environ.get("APIDIFF_DEBUG"):
        raise exc
    message = f"internal error while {what}: {type(exc).__name__}: {exc} (please report it)"
    return Diagnostic("internal", message, line)


def print_table(rows: list[tuple[Path, PairSpec, Any]]) -> None:
    header = ("pair", "category", "examples", "status", "max abs dev")
    lines = [header]
    for file, spec, resolved in rows:
        statuses: dict[str, int] = {}
        for result in resolved.examples:
            statuses[result.status] = statuses.get(result.status, 0) + 1
        status = ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())) or "-"
        deviations = [r.max_abs for r in resolved.examples if r.max_abs is not None]
        worst = f"{max(deviations):.3g}" if deviations else "-"
        lines.append((str(file), resolved.category, str(len(spec.examples)), status, worst))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    for line in lines:
        print(
            "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip()
        )


# -- new ----------------------------------------------------------------------------------


def new(args: argparse.Namespace) -> int:
    from .draft import DraftError, draft_pair

    cfg, confdir, _ = load_config(args.conf_dir)
    apis = [args.reference, args.other]
    frameworks = args.framework or [api.split(".")[0] for api in apis]
    if len(frameworks) != len(apis):
        raise UsageError("give one --framework per API, or none")
    if len(set(frameworks)) != len(frameworks):
        raise UsageError(f"the two APIs must be of different frameworks, got {frameworks}")
    check_output(args.output, args.force)
    with engine_for(cfg, confdir) as engine:
        try:
            text, messages = draft_pair(dict(zip(frameworks, apis, strict=True)), engine)
        except DraftError as exc:
            raise PageError(str(exc)) from None
    for message in messages:
        print(message, file=sys.stderr)
    write_output(args.output, text, args.force)
    return 0


# -- import -------------------------------------------------------------------------------


def import_page(args: argparse.Namespace) -> int:
    from .legacy import NotAComparisonPage, import_legacy

    cfg, confdir, _ = load_config(args.conf_dir)
    source = Path(args.legacy)
    try:
        text = source.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"cannot read {source}: {exc}") from None
    check_output(args.output, args.force)
    with engine_for(cfg, confdir) as engine:
        try:
            result = import_legacy(text, engine, source=str(source))
        except NotAComparisonPage as exc:
            raise PageError(f"{source} is not a comparison page: {exc}") from None
    for line in result.corrections:
        print(f"{source}: corrected: {line}", file=sys.stderr)
    for line in result.notes:
        print(f"{source}: note: {line}", file=sys.stderr)
    write_output(args.output, result.yaml_text, args.force)
    return 0


# -- schema -------------------------------------------------------------------------------


def print_schema(args: argparse.Namespace) -> int:
    print(json.dumps(schema.json_schema(), indent=2, ensure_ascii=False))
    return 0


# -- main ---------------------------------------------------------------------------------


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="sphinx-apidiff", description=__doc__.splitlines()[0])
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--conf-dir", help="folder of the project's conf.py (default: docs/)")
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
    p.add_argument("paths", nargs="*", help="YAML files or folders (default: the conf dir)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument(
        "--mode", choices=("auto", "force", "cache", "off"), help="override apidiff_execution_mode"
    )
    p.set_defaults(func=check)

    p = subs.add_parser("import", parents=[common], help="convert a legacy hand-written page")
    p.add_argument("legacy", help="the legacy .rst page")
    p.add_argument("-o", "--output", help="file to write (default: stdout)")
    p.add_argument("--force", action="store_true", help="overwrite an existing file")
    p.set_defaults(func=import_page)

    p = subs.add_parser("schema", help="print the JSON Schema of the YAML format")
    p.set_defaults(func=print_schema)
    return top


def main(argv: Sequence[str] | None = None) -> int:
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
