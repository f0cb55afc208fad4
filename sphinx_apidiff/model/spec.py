"""YAML pair file -> typed model, with the file line of every node.

The loader is PyYAML's safe loader driven node by node, so every key, row and
code block keeps the line it came from: warnings point at the YAML file and
line, and tracebacks from executed snippets point at the snippet's real lines.
Problems never raise: they come back as :class:`Diagnostic` objects and the
model keeps whatever is valid.

No Sphinx imports here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from sphinx_apidiff.model import schema
from sphinx_apidiff.model.diagnostics import Diagnostic
from sphinx_apidiff.model.example import (
    ExampleSpec,
    Prose,
    read_example,
)
from sphinx_apidiff.model.loader import (
    MAX_DEPTH,
    LocatedDocument,
    Unreadable,
    ValidParts,
    yaml_problem,
)
from sphinx_apidiff.model.types import KeyPath, Problem, describe, suggest
from sphinx_apidiff.model.vocabulary import Category, Subtype

__all__ = [
    "PairSpec",
    "ParamRowSpec",
    "duplicate_id_message",
    "id_for_api",
    "id_for_file",
    "is_pair_file",
    "parse_pair",
    "prose_text",
    "read_pair_file",
    "slug",
    "where",
]


@dataclass
class ParamRowSpec:
    """One row of ``params``: the parameter's name in each framework, and a note."""

    names: dict[str, str]
    note: Prose | None = None
    line: int | None = None
    name_lines: dict[str, int | None] = field(default_factory=dict)
    note_line: int | None = None
    examples: list[int] = field(default_factory=list)  # cited: positions in PairSpec.examples
    meaning_differs: bool = False  # the names correspond, the values mean different things


@dataclass
class PairSpec:
    """A pair file as a model: the APIs compared, what the author wrote about them, and
    the line of each part for located warnings."""

    id: str
    title: Prose
    apis: dict[str, str]  # for a framework in ``missing``: the name checked to be absent
    source: str  # path of the YAML file (or of the document for inline YAML)
    line: int = 1
    id_line: int | None = None  # the ``id:`` line; None when the id is derived
    api_lines: dict[str, int | None] = field(default_factory=dict)
    signatures: dict[str, str] = field(default_factory=dict)
    signature_lines: dict[str, int | None] = field(default_factory=dict)
    summary: Prose | None = None
    summary_line: int | None = None
    usage: Prose | None = None
    usage_line: int | None = None
    params: list[ParamRowSpec] = field(default_factory=list)
    category: Category | None = None
    examples: list[ExampleSpec] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # frameworks with no counterpart

    @property
    def frameworks(self) -> list[str]:
        """The frameworks in the order of ``apis``, the reference first."""
        return list(self.apis)

    @property
    def reference(self) -> str:
        """The reference framework: the first one of ``apis``."""
        return next(iter(self.apis))

    def location(self, line: int | None) -> str:
        """``file:line`` of a warning at ``line`` (the pair's own line when None)."""
        return f"{self.source}:{line or self.line}"


def prose_text(value: Prose | None, language: str | None) -> str | None:
    """Pick the text for ``language`` (``zh_CN`` -> ``zh_CN``, ``zh``, then ``en``)."""
    if value is None or isinstance(value, str):
        return value
    candidates = []
    if language:
        candidates += [language, language.replace("-", "_"), re.split(r"[_-]", language)[0]]
    candidates += ["en", "en_US"]
    for lang in candidates:
        if lang in value:
            return value[lang]
    return next(iter(value.values()), None)


PAIRS_FOLDER = "pairs"
_APIS_KEY = re.compile(r"""^["']?apis["']?[ \t]*:""", re.MULTILINE)


def is_pair_file(path: str | Path) -> bool:
    """Is this YAML file a comparison pair? Yes if it lies in a ``pairs/`` folder (there a
    misspelt ``apsi:`` is a problem, not another kind of file) or has a top-level ``apis:``."""
    path = Path(path)
    if PAIRS_FOLDER in path.parts[:-1]:
        return True
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return False
    return bool(_APIS_KEY.search(text))


def read_pair_file(path: str | Path) -> tuple[PairSpec | None, list[Diagnostic]]:
    """Load a pair from a file (its default id is :func:`id_for_file`)."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Diagnostic(Subtype.SPEC, f"cannot read {path}: {exc.strerror or exc}", None)]
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        return None, [
            Diagnostic(Subtype.YAML, f"not UTF-8 text: {exc.reason} (byte {exc.start})", line)
        ]
    return parse_pair(text, str(path), default_id=id_for_file(path))


def parse_pair(
    text: str, source: str, *, line_offset: int = 0, default_id: str | None = None
) -> tuple[PairSpec | None, list[Diagnostic]]:
    """Parse YAML text into a :class:`PairSpec`.

    ``line_offset`` is added to YAML line numbers (inline YAML in a document).
    Returns ``(None, diagnostics)`` when nothing can be rendered (bad YAML,
    no usable ``apis``). Never raises on any text: every problem is a diagnostic.
    """
    try:
        doc = LocatedDocument(text, line_offset)
    except yaml.YAMLError as exc:
        return None, [yaml_problem(exc, text, line_offset)]
    except Unreadable as exc:
        last = line_offset + max(len(text.splitlines()), 1)
        return None, [Diagnostic(Subtype.YAML, exc.message, min(exc.line + 1 + line_offset, last))]
    except RecursionError:  # PyYAML composes recursively: [[[[...]]]] thousands deep
        return None, [
            Diagnostic(Subtype.YAML, f"nested more than {MAX_DEPTH} levels", line_offset + 1)
        ]
    diags = list(doc.problems)
    data = doc.data
    if not isinstance(data, dict):
        what = "an empty file" if data is None else describe(data)
        return None, [
            *diags,
            Diagnostic(
                Subtype.SPEC, f"a pair file is a mapping (apis: ...), got {what}", doc.line(())
            ),
        ]

    problems = schema.validate(data)
    for problem in problems:
        diags.append(
            Diagnostic(Subtype.SPEC, _format(problem) + _outcome(problem), doc.line(problem.path))
        )
    valid = ValidParts(data, problems, _optional)
    if not valid.has("apis"):
        return None, diags
    given: dict[str, Any] = dict(valid.get("apis"))
    apis = {fw: api["none"] if isinstance(api, dict) else api for fw, api in given.items()}
    frameworks = list(apis)
    if isinstance(given[frameworks[0]], dict):
        message = "the reference (the first API) cannot be {none: ...}: name an API it has"
        diags.append(Diagnostic(Subtype.SPEC, message, doc.line(("apis", frameworks[0]))))
        return None, diags

    def check_framework(name: str, path: tuple[Any, ...]) -> bool:
        if name in apis:
            return True
        diags.append(
            Diagnostic(
                Subtype.FRAMEWORK,
                f"unknown framework {name!r} (apis has {', '.join(frameworks)})"
                f"{suggest(name, frameworks, cutoff=0.5)}",
                doc.line(path),
            )
        )
        return False

    first_api = apis[frameworks[0]]
    explicit_id = valid.has("id")
    pair = PairSpec(
        id=valid.get("id") if explicit_id else (default_id or id_for_api(first_api)),
        id_line=doc.line(("id",)) if explicit_id else None,
        title=valid.get("title") or first_api.rsplit(".", 1)[-1] or first_api,
        apis=apis,
        source=source,
        line=doc.line(()),
        api_lines={fw: doc.line(("apis", fw)) for fw in apis},
        missing={fw for fw, api in given.items() if isinstance(api, dict)},
    )
    for fw, text_ in valid.get("signatures", default={}).items():
        if check_framework(fw, ("signatures", fw)):
            pair.signatures[fw] = text_
            pair.signature_lines[fw] = doc.line(("signatures", fw))
    if valid.has("summary"):
        pair.summary = valid.get("summary")
        pair.summary_line = doc.content_lines.get(("summary",)) or doc.line(("summary",))
    if valid.has("usage"):
        pair.usage = valid.get("usage")
        pair.usage_line = doc.content_lines.get(("usage",)) or doc.line(("usage",))
    if valid.has("category"):
        pair.category = Category(valid.get("category"))
    for i in range(len(_items(data, "params"))):
        row = valid.get("params", i)
        if row is None:
            continue
        names = {k: v for k, v in row.items() if k not in ("note", "examples", "meaning")}
        names = {k: v for k, v in names.items() if check_framework(k, ("params", i, k))}
        if not names:
            diags.append(
                Diagnostic(Subtype.SPEC, "a params row names no framework", doc.line(("params", i)))
            )
            continue
        pair.params.append(
            ParamRowSpec(
                names=names,
                note=valid.get("params", i, "note"),
                line=doc.line(("params", i)),
                name_lines={fw: doc.line(("params", i, fw)) for fw in names},
                note_line=doc.content_lines.get(("params", i, "note")),
                examples=[n - 1 for n in valid.get("params", i, "examples", default=[])],
                meaning_differs=valid.get("params", i, "meaning") == "differs",
            )
        )
    for i in range(len(_items(data, "examples"))):
        if valid.has("examples", i):
            found = len(diags)
            example = read_example(i, valid, doc, diags, check_framework, frameworks)
            if example is not None:
                pair.examples.append(example)
            else:  # each of its problems says what became of it
                for diag in diags[found:]:
                    diag.message += LEFT_OUT
    count = len(_items(data, "examples"))
    positions = {example.index: position for position, example in enumerate(pair.examples)}
    for row_spec in pair.params:  # cited by their number in the file, kept by position
        for number in row_spec.examples:
            if number >= count:
                message = f"params row: there is no example {number + 1} ({count} in this file)"
                diags.append(Diagnostic(Subtype.SPEC, message, row_spec.line))
        row_spec.examples = [positions[n] for n in row_spec.examples if n in positions]
    return pair, diags


#: Said after each problem of an example that is not run nor shown.
LEFT_OUT = " (the example is left out)"


def _outcome(problem: Problem) -> str:
    """What a problem inside an example does to it, said after the problem: an invalid
    title is left out alone; any other problem there leaves the whole example out."""
    blocked = problem.blocked
    if _optional(blocked):
        return " (the example is kept, with a generated title)"
    if len(blocked) >= 2 and blocked[0] == "examples" and isinstance(blocked[1], int):
        return LEFT_OUT
    return ""


def _optional(blocked: KeyPath) -> KeyPath | None:
    """The part of the file a problem at ``blocked`` leaves out when that is less than its
    mapping: an example's title (the example is kept and headed "Example N")."""
    if len(blocked) >= 3 and blocked[0] == "examples" and blocked[2] == "title":
        return blocked[:3]
    return None


def _items(data: dict[Any, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _format(problem: Problem) -> str:
    """The problem for people; a bad key is shown at its mapping (a key 1 is no list item)."""
    blocks = problem.blocks
    shown = blocks if blocks is not None and problem.path[: len(blocks)] == blocks else problem.path
    return f"{where(shown)}: {problem.message}" if shown else problem.message


_LIST_ITEM = {"examples": "example {n}", "params": "params row {n}"}


def where(path: tuple[Any, ...]) -> str:
    """A YAML path for people, counting from 1: ``example 2, inputs.x.dtype``."""
    text = ""
    for key in path:
        if isinstance(key, int) and not isinstance(key, bool):
            head, _, name = text.rpartition(".")
            if name in _LIST_ITEM and not head.endswith(","):
                text = (head + "." if head else "") + _LIST_ITEM[name].format(n=key + 1) + ","
            else:
                text += f" item {key + 1},"
        else:
            name = str(key) if str(key).isprintable() else repr(key)  # one line, always
            text += ("" if not text else " " if text.endswith(",") else ".") + name
    return text.rstrip(",")


_WORD = re.compile(r"(?<=[a-z0-9])(?=[A-Z][a-z])|(?<=[A-Z][A-Z])(?=[A-Z][a-z])")


def slug(name: str) -> str:
    """The id a name gives, the one rule for every id: ``InstanceNorm2d`` and
    ``instance_norm2d`` both give ``instance-norm2d``; ``ReLU`` gives ``relu``."""
    return re.sub(r"[^a-z0-9]+", "-", _WORD.sub("-", name).lower()).strip("-") or "pair"


def id_for_api(api: str) -> str:
    """The default id of a pair from its reference API (``torch.nn.LSTMCell`` -> ``lstm-cell``)."""
    return slug(api.rsplit(".", 1)[-1])


def id_for_file(path: str | Path) -> str:
    """The default id of a pair file, from its name (``instance_norm.yaml``: ``instance-norm``)."""
    return slug(Path(path).stem)


def duplicate_id_message(spec: PairSpec, other: PairSpec, other_source: str | None = None) -> str:
    """``duplicate pair id 'x' (also in other.yaml:3)``, saying where a derived id comes from."""
    also = f"{other_source or other.source}:{other.id_line or other.line}"
    message = f"duplicate pair id {spec.id!r} (also in {also})"
    if spec.id_line is None:
        origin = "file name" if spec.source.endswith((".yaml", ".yml")) else "reference API"
        message += f"; this id comes from the {origin}: give the pair its own with 'id:'"
    return message
