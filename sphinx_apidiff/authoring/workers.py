"""``sphinx-apidiff workers``: list or stop the pools of warm workers."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from sphinx_apidiff.authoring.output import UsageError
from sphinx_apidiff.authoring.project import Project, load_config


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
