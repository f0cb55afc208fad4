"""The project's conf.py as the command line reads it, and the build's engine for it.

The command reads the runtimes and options from the project's conf.py (found by
itself, or given with --conf-dir) and uses the same engine, cache and analysis
as the Sphinx build, so the two always agree. This is the one module of the
command line that imports Sphinx, to read conf.py as a build does.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sphinx_apidiff.authoring.output import UsageError, note, shown
from sphinx_apidiff.options import ApidiffConfig, build_cache_dir

if TYPE_CHECKING:
    from sphinx_apidiff.execution.engine import Engine

#: Where a project's conf.py usually is, looked up in this order from the current folder.
CONF_PLACES = (".", "docs", "doc", "source", "docs/source")


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
        names = ", ".join(sorted(str(shown(c)) for c in found))
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
            note(f"execution cache: {shown(path)}" if path else "no execution cache")
        yield engine
    for framework, problem in engine.pool_problems.items():
        note(f"warm workers for {framework} not used: {problem}; fresh workers ran instead")
