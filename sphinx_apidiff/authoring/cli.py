"""``sphinx-apidiff``: write, check and import comparison pages without a full build.

The parser and the dispatch; each subcommand imports its module when it runs
(``check.py``, ``workers.py``, ``schema.py``, and ``draft.py`` or ``legacy/`` for
``new`` and ``import``), so that ``sphinx-apidiff schema`` and ``--help`` load no
engine, analysis or Sphinx.

Exit codes: 0 all good, 1 a page is wrong, 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from sphinx_apidiff._version import __version__
from sphinx_apidiff.authoring.output import PageError, UsageError, check_output, write_output
from sphinx_apidiff.model.vocabulary import MAX_REPEAT, Mode

# -- new ----------------------------------------------------------------------------------


def _runs(text: str) -> int:
    """``--repeat``'s value: a whole number of runs, 1 to MAX_REPEAT."""
    try:
        runs = int(text)
    except ValueError:
        runs = 0
    if not 1 <= runs <= MAX_REPEAT:
        raise argparse.ArgumentTypeError(f"a whole number from 1 to {MAX_REPEAT}, not {text!r}")
    return runs


def new(args: argparse.Namespace) -> int:
    """``sphinx-apidiff new``: write a YAML draft for two or more APIs (the first the
    reference) from their real signatures."""
    from sphinx_apidiff.authoring.draft import DraftError, draft_pair
    from sphinx_apidiff.authoring.project import engine_for, load_config
    from sphinx_apidiff.authoring.schema import LocalSchema
    from sphinx_apidiff.model.spec import id_for_file

    out = [Path(args.output)] if args.output not in (None, "-") else []
    project = load_config(args.conf_dir, [p.parent for p in out])
    apis = [args.reference, *args.other]
    frameworks = args.framework or [api.split(".")[0] for api in apis]
    if len(frameworks) != len(apis):
        raise UsageError("give one --framework per API, or none")
    if len(set(frameworks)) != len(frameworks):
        which = "two" if len(apis) == 2 else "the"
        raise UsageError(f"{which} APIs must be of different frameworks, got {frameworks}")
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
    from sphinx_apidiff.authoring.project import engine_for, load_config
    from sphinx_apidiff.authoring.schema import LocalSchema

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


# -- the subcommands of their own modules, imported when they run --------------------------


def check(args: argparse.Namespace) -> int:
    """``sphinx-apidiff check`` (:mod:`sphinx_apidiff.authoring.check`)."""
    from sphinx_apidiff.authoring.check import check

    return check(args)


def workers(args: argparse.Namespace) -> int:
    """``sphinx-apidiff workers`` (:mod:`sphinx_apidiff.authoring.workers`)."""
    from sphinx_apidiff.authoring.workers import workers

    return workers(args)


def print_schema(args: argparse.Namespace) -> int:
    """``sphinx-apidiff schema`` (:mod:`sphinx_apidiff.authoring.schema`)."""
    from sphinx_apidiff.authoring.schema import print_schema

    return print_schema(args)


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
    p.add_argument(
        "other",
        nargs="+",
        help="its counterpart, e.g. megengine.module.Conv2d; more than one for a page of "
        "more frameworks (paddle.nn.Conv2D jax...)",
    )
    p.add_argument(
        "--framework",
        action="append",
        help="framework of each API (default: its top-level module); give it once per API",
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
        "--repeat",
        type=_runs,
        metavar="N",
        help="override apidiff_repeat: run each example, recipe and sweep cell N times",
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
