"""The project's options, declared once: the build and the command line read the same.

Each option is a field of :class:`ApidiffConfig` with its validator and help text;
conf.py spells it ``apidiff_<name>``. This module imports no Sphinx, so the command
line starts without it: :mod:`sphinx_apidiff.sphinx_ext.config` registers these
declarations as Sphinx config values and validates them on ``config-inited``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import MISSING, Field, dataclass, field, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from sphinx_apidiff.analysis.params import DEFAULT_IGNORED
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.runtime.process import MAX_RESULT
from sphinx_apidiff.execution.store import Store
from sphinx_apidiff.model.types import suggest
from sphinx_apidiff.model.vocabulary import MAX_REPEAT, Mode

#: How conf.py names an option: ``apidiff_<name>``.
PREFIX = "apidiff_"

#: Display names and documentation URL templates. ``{api}`` is the full API
#: name, ``{lang}`` is ``zh`` or ``en`` by the build's language.
DEFAULT_FRAMEWORKS: dict[str, dict[str, str | None]] = {
    "torch": {"label": "PyTorch", "url": "https://pytorch.org/docs/stable/generated/{api}.html"},
    "megengine": {
        "label": "MegEngine",
        "url": "https://www.megengine.org.cn/doc/stable/{lang}/reference/api/{api}.html",
    },
    "paddle": {"label": "PaddlePaddle", "url": None},
    "mindspore": {"label": "MindSpore", "url": None},
    "numpy": {
        "label": "NumPy",
        "url": "https://numpy.org/doc/stable/reference/generated/{api}.html",
    },
    "jax": {"label": "JAX", "url": "https://jax.readthedocs.io/en/latest/_autosummary/{api}.html"},
    "tensorflow": {"label": "TensorFlow", "url": None},
}


def _is_runtimes(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "a dict {framework: {'python': path}}"
    for name, entry in value.items():
        if not isinstance(entry, dict) or not isinstance(entry.get("python", ""), str):
            return f"{name!r}: a dict with a 'python' path"
        unknown = set(entry) - {"python"}
        if unknown:
            return f"{name!r}: unknown key(s) {sorted(unknown)}"
    return None


def _is_frameworks(value: Any) -> str | None:
    if not isinstance(value, dict):
        return "a dict {framework: {'label': ..., 'url': ...}}"
    for name, entry in value.items():
        if not isinstance(entry, dict) or set(entry) - {"label", "url"}:
            return f"{name!r}: a dict with 'label' and/or 'url'"
    return None


def _one_of(*choices: str) -> Any:
    def check(value: Any) -> str | None:
        return None if value in choices else f"one of {', '.join(choices)}"

    return check


def _positive(value: Any) -> str | None:
    ok = isinstance(value, int | float) and not isinstance(value, bool) and value > 0
    return None if ok else "a positive number of seconds"


def _repeat(value: Any) -> str | None:
    ok = isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_REPEAT
    return None if ok else f"a whole number of runs from 1 to {MAX_REPEAT}"


def _workers(value: Any) -> str | None:
    ok = value == "auto" or (isinstance(value, int) and not isinstance(value, bool) and value > 0)
    return None if ok else '"auto" or a positive number of workers'


_SIZE = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([kmgt]?)(?:i?b)?\s*", re.I)
_UNITS = {"": 1, "k": 1 << 10, "m": 1 << 20, "g": 1 << 30, "t": 1 << 40}


def parse_size(value: int | str) -> int:
    """A number of bytes: an int, or a string such as ``"512M"``, ``"4G"``, ``"4GiB"``
    (binary units); ValueError for anything else."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    match = _SIZE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        raise ValueError(value)
    return int(float(match[1]) * _UNITS[match[2].lower()])


def _size(minimum: int) -> Any:
    def check(value: Any) -> str | None:
        try:
            ok = parse_size(value) >= minimum
        except ValueError:
            ok = False
        return None if ok else f'a number of bytes ("64M", "4G") of at least {minimum:,}'

    return check


def _optional_size(minimum: int) -> Any:
    sized = _size(minimum)
    return lambda value: None if value is None else sized(value)


def _optional_path(value: Any) -> str | None:
    return None if value is None or isinstance(value, str | os.PathLike) else "a path or None"


def _names(value: Any) -> str | None:
    ok = isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    return None if ok else "a list of parameter names"


def doctree_cache(doctreedir: str | os.PathLike[str]) -> Path:
    """A build's execution cache: in its doctree folder, which sphinx-autobuild never
    watches (the folder lies in the output folder, is given with ``-d``, or lies in the
    build folder of ``-M``), so a result written during a build is no edit that starts
    another build. :func:`build_cache_dir` finds it for ``check``."""
    return Path(doctreedir) / "apidiff-cache"


def build_cache_dir(confdir: str | os.PathLike[str], exclude_patterns: Any = ()) -> Path | None:
    """The build's execution cache, for ``check`` (which has no doctree folder).

    The last written of the usual builds' caches (:func:`doctree_cache`): in
    ``<build>/doctrees/`` (``sphinx-build -M``, sphinx-quickstart's Makefile) or
    ``<build>/<builder>/.doctrees/`` (``sphinx-build docs docs/_build/html``, and
    ``sphinx-autobuild`` alike), where ``<build>`` is ``<confdir>/_build`` or, beside a
    ``source/`` folder, ``../build``; before any build, the Makefile's. None where no
    such build folder exists and ``exclude_patterns`` declares none.
    """
    conf = Path(confdir).resolve()
    folders = [conf / "_build"]
    if conf.name == "source":
        folders.append(conf.parent / "build")
    for folder in folders:
        if folder.is_dir() or folder.name in (exclude_patterns or ()) or folder.name == "build":
            doctrees = [folder / "doctrees", *folder.glob("*/.doctrees")]
            made = [doctree_cache(d) for d in doctrees if doctree_cache(d).is_dir()]
            if made:
                return max(made, key=lambda path: path.stat().st_mtime)
            return doctree_cache(folder / "doctrees")
    return None


@dataclass(frozen=True)
class Declaration:
    """One option as conf.py sees it, read from its field of :class:`ApidiffConfig`."""

    field: str
    help: str
    #: The types Sphinx accepts without its own warning (empty: the default's type).
    types: tuple[type, ...]
    #: None for a valid value, else what the value must be ("a positive number of seconds").
    check: Callable[[Any], str | None]
    factory: Callable[[], Any]

    @property
    def name(self) -> str:
        """The name in conf.py: ``apidiff_<field>``."""
        return PREFIX + self.field

    def default(self) -> Any:
        """A fresh default value (a list or dict is never shared between projects)."""
        return self.factory()

    def problem(self, value: Any) -> str | None:
        """None when ``value`` is valid; else the warning, which names the default used
        instead (the build and the command line say the same)."""
        wanted = self.check(value)
        if wanted is None:
            return None
        default = self.default()
        shown = str(default) if isinstance(default, StrEnum) else default  # 'auto', not <Mode...>
        return f"{self.name} must be {wanted}; got {value!r}, using {shown!r}"


def _factory(f: Field[Any]) -> Callable[[], Any]:
    if f.default_factory is not MISSING:
        return f.default_factory
    default = f.default
    return lambda: default


def _declaration(f: Field[Any]) -> Declaration:
    return Declaration(
        field=f.name,
        help=f.metadata["help"],
        types=tuple(f.metadata.get("types", ())),
        check=f.metadata["check"],
        factory=_factory(f),
    )


@dataclass
class ApidiffConfig:
    """Options, read as ``apidiff_<name>`` from ``conf.py``."""

    runtimes: dict[str, dict[str, str]] = field(
        default_factory=dict,
        metadata={
            "check": _is_runtimes,
            "help": "Interpreter per framework; others run in "
            "the interpreter running Sphinx. APIDIFF_PYTHON_<FRAMEWORK> overrides.",
        },
    )
    frameworks: dict[str, dict[str, str | None]] = field(
        default_factory=dict,
        metadata={"check": _is_frameworks, "help": "Label and doc URL template per framework."},
    )
    execution_mode: Mode = field(
        default=Mode.AUTO,
        metadata={"check": _one_of(*Mode), "help": "auto, force, cache or off.", "types": (str,)},
    )
    execution_timeout: float = field(
        default=60.0,
        metadata={"check": _positive, "help": "Seconds per example.", "types": (int, float)},
    )
    repeat: int = field(
        default=1,
        metadata={
            "check": _repeat,
            "help": "Runs of each example, recipe and sweep cell (an example's 'repeat:' "
            "overrides), at least one in a worker of its own; runs that disagree make the "
            "result 'unstable'.",
            "types": (int,),
        },
    )
    max_result_bytes: int | str = field(
        default=MAX_RESULT,
        metadata={
            "check": _size(1024),
            "help": "Most bytes of array data one framework's side of an example may send "
            'back (a number, or "16M"); a larger result is an error of that example.',
            "types": (int, str),
        },
    )
    worker_memory: int | str | None = field(
        default=None,
        metadata={
            "check": _optional_size(256 << 20),
            "help": 'Memory limit of each worker process (a number of bytes, or "4G"); '
            "None: no limit. A snippet that allocates past it gets an error.",
            "types": (int, str, type(None)),
        },
    )
    workers: int | str = field(
        default="auto",
        metadata={
            "check": _workers,
            "help": 'Workers per framework runtime at most: "auto" (half the usable cores, '
            "at least one, and every core while some core has nothing to run) or a "
            "number; a runtime gets more than one only when many examples wait.",
            "types": (int, str),
        },
    )
    warm_workers: bool = field(
        default=False,
        metadata={
            "check": lambda v: None if isinstance(v, bool) else "True or False",
            "types": (bool,),
            "help": "Keep workers warm for later builds (a pool server per runtime, local "
            "socket only); APIDIFF_WARM_WORKERS=1/0 overrides.",
        },
    )
    warm_timeout: float = field(
        default=900.0,
        metadata={
            "check": _positive,
            "help": "Seconds a pool of warm workers waits unused before it ends.",
            "types": (int, float),
        },
    )
    cache_path: str | None = field(
        default=None,
        metadata={
            "check": _optional_path,
            "help": "Result cache, relative to conf.py (default: apidiff-cache in the "
            "doctree folder, which sphinx-autobuild does not watch).",
            "types": (str, type(None)),
        },
    )
    ignore_params: list[str] = field(
        default_factory=lambda: list(DEFAULT_IGNORED),
        metadata={
            "check": _names,
            "help": "Parameters that never count towards the category.",
            "types": (list, tuple),
        },
    )
    store_path: str | None = field(
        default=None,
        metadata={
            "check": _optional_path,
            "types": (str, type(None)),
            "help": "Committed results store used when the frameworks are absent.",
        },
    )

    store_update: bool = field(
        default=False,
        metadata={
            "check": lambda v: None if isinstance(v, bool) else "True or False",
            "types": (bool,),
            "help": "Write live results into the results store (refresh it).",
        },
    )

    def __post_init__(self) -> None:
        # conf.py and the command line give the mode as a plain string, checked before
        self.execution_mode = Mode(self.execution_mode)

    @classmethod
    def declarations(cls) -> Iterator[Declaration]:
        """Every option, in the order of the fields."""
        return map(_declaration, fields(cls))

    @classmethod
    def from_mapping(cls, values: Mapping[str, Any]) -> tuple[ApidiffConfig, list[str]]:
        """From raw ``conf.py`` values (the command line): bad values fall back, with a problem."""
        kwargs, problems = {}, []
        for option in cls.declarations():
            value = values[option.name] if option.name in values else option.default()
            problem = option.problem(value)
            if problem:
                problems.append(problem)
                value = option.default()
            kwargs[option.field] = value
        return cls(**kwargs), problems

    def make_engine(
        self,
        confdir: str | os.PathLike[str],
        default_cache: str | os.PathLike[str],
        **overrides: Any,
    ) -> Engine:
        """The engine for a build or a ``check`` run, from these options."""
        cache = os.path.join(confdir, self.cache_path) if self.cache_path else default_cache
        store = None
        if self.store_path:
            store = Store(os.path.join(confdir, self.store_path), update=self.store_update)
        kwargs: dict[str, Any] = {
            "pythons": self.pythons(confdir),
            "cache_path": cache,
            "mode": self.execution_mode,
            "timeout": float(self.execution_timeout),
            "store": store,
            "workers": self.workers,
            "pool_idle": float(self.warm_timeout) if self.use_pools() else None,
            "max_result": parse_size(self.max_result_bytes),
            "memory": None if self.worker_memory is None else parse_size(self.worker_memory),
            "repeat": self.repeat,
        }
        kwargs.update(overrides)
        return Engine(**kwargs)

    def unused_runtimes(self, used: Iterable[str]) -> list[tuple[str, str]]:
        """Each framework ``apidiff_runtimes`` names that no pair uses (``used``: the
        frameworks of every pair of the project), with its warning; none without pairs.
        Only conf.py counts: ``APIDIFF_PYTHON_<FRAMEWORK>`` may serve several projects."""
        names = sorted(set(used))
        if not names:
            return []
        return [
            (
                framework,
                f"apidiff_runtimes names {framework}, but no pair uses it: the pairs use "
                f"{', '.join(names)}{suggest(framework, names)}",
            )
            for framework in sorted(self.runtimes)
            if framework not in names
        ]

    def use_pools(self) -> bool:
        """Whether workers are leased warm: ``APIDIFF_WARM_WORKERS`` (1 or 0), else the option."""
        value = os.environ.get("APIDIFF_WARM_WORKERS", "").strip().lower()
        if value in {"1", "true", "yes", "on"}:
            return True
        if value in {"0", "false", "no", "off"}:
            return False
        return self.warm_workers

    def pythons(self, confdir: str | os.PathLike[str]) -> dict[str, str]:
        """Interpreter per framework: environment variable, then conf.py (relative to it)."""
        result = {}
        for framework, entry in self.runtimes.items():
            if entry.get("python"):
                result[framework] = str(Path(confdir) / os.path.expanduser(entry["python"]))
        for name, value in os.environ.items():
            if name.startswith("APIDIFF_PYTHON_") and value:
                framework = name[len("APIDIFF_PYTHON_") :].lower()
                result[framework] = os.path.abspath(os.path.expanduser(value))
        return result

    def framework_info(self, framework: str) -> dict[str, str | None]:
        """The ``label`` and ``url`` template of a framework: the built-in ones, overridden
        by ``apidiff_frameworks``."""
        info = dict(DEFAULT_FRAMEWORKS.get(framework, {"label": framework, "url": None}))
        info.update(self.frameworks.get(framework, {}))
        return info

    def label(self, framework: str) -> str:
        """The name a page shows for a framework (``PyTorch``), else the framework's own."""
        return self.framework_info(framework).get("label") or framework

    def doc_url(self, framework: str, api: str, language: str | None) -> str | None:
        """The link to the documentation of ``api``, in the build's language where the site
        has one; None when the framework has no URL template."""
        template = self.framework_info(framework).get("url")
        if not template:
            return None
        lang = "zh" if (language or "").lower().startswith("zh") else "en"
        return template.format(api=api, lang=lang, path=re.sub(r"\.", "/", api))


def conf_line(conf: str | os.PathLike[str], name: str) -> int | None:
    """The first line of ``conf`` (a conf.py) where ``name`` is written as a string, to
    locate a warning about an option's entry; None when it is not found there."""
    quoted = (f'"{name}"', f"'{name}'")
    try:
        lines = Path(conf).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    return next((n for n, line in enumerate(lines, 1) if any(q in line for q in quoted)), None)
