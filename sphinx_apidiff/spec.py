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

from . import schema
from .schema import Problem, suggest

Prose = str | dict[str, str]

DEFAULT_ATOL = 1.0e-6
DEFAULT_RTOL = 1.0e-5
FLOAT_DTYPES = ("float16", "float32", "float64")
INT_DTYPES = ("int8", "uint8", "int16", "int32", "int64")

_SAFE_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


@dataclass
class Diagnostic:
    """A problem in a pair file, at a 1-based line of that file."""

    subtype: str
    message: str
    line: int | None = None


@dataclass
class Code:
    text: str
    line: int  # file line of the first line of ``text``


@dataclass
class InputSpec:
    name: str
    shape: list[int] = field(default_factory=list)
    dtype: str = "float32"
    low: int | None = None
    high: int | None = None
    value: Any = None
    as_numpy: bool = False
    line: int | None = None

    def canonical(self) -> dict[str, Any]:
        """The content that determines the generated array (for cache keys)."""
        return {
            "name": self.name,
            "shape": self.shape,
            "dtype": self.dtype,
            "low": self.low,
            "high": self.high,
            "value": self.value,
            "as": "numpy" if self.as_numpy else "tensor",
        }


@dataclass
class ExampleSpec:
    index: int
    title: Prose | None
    code: dict[str, Code]
    inputs: list[InputSpec] = field(default_factory=list)
    compare: list[str] = field(default_factory=list)
    atol: float = DEFAULT_ATOL
    rtol: float = DEFAULT_RTOL
    expect: str = "match"
    seed: int = 0
    timeout: float | None = None
    line: int | None = None


@dataclass
class ParamRowSpec:
    names: dict[str, str]
    note: Prose | None = None
    line: int | None = None
    name_lines: dict[str, int | None] = field(default_factory=dict)
    note_line: int | None = None


@dataclass
class PairSpec:
    id: str
    title: Prose
    apis: dict[str, str]
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
    category: str | None = None
    category_line: int | None = None
    examples: list[ExampleSpec] = field(default_factory=list)

    @property
    def frameworks(self) -> list[str]:
        return list(self.apis)

    @property
    def reference(self) -> str:
        return next(iter(self.apis))

    def location(self, line: int | None) -> str:
        return f"{self.source}:{line or self.line}"


def resolve_prose(value: Prose | None, language: str | None) -> str | None:
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


class _Located:
    """A YAML document turned into Python values plus a path -> line index."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.offset = line_offset
        self.lines: dict[tuple[Any, ...], int] = {}
        self.content_lines: dict[tuple[Any, ...], int] = {}
        self.problems: list[Diagnostic] = []
        loader = yaml.SafeLoader(text)
        try:
            node = loader.get_single_node()
            self.data = None if node is None else self._walk(loader, node, ())
        finally:
            loader.dispose()

    def _line(self, mark: Any) -> int:
        return int(mark.line) + 1 + self.offset

    def _walk(self, loader: yaml.SafeLoader, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        self.lines.setdefault(path, self._line(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            # Content line: a block scalar ("|", ">") starts on the next line.
            first = self._line(node.start_mark) + (1 if node.style in ("|", ">") else 0)
            self.content_lines[path] = first
            return loader.construct_object(node, deep=True)
        if node.tag not in _SAFE_TAGS:
            raise yaml.constructor.ConstructorError(
                None, None, f"tag {node.tag!r} is not allowed", node.start_mark
            )
        if isinstance(node, yaml.SequenceNode):
            return [self._walk(loader, item, (*path, i)) for i, item in enumerate(node.value)]
        assert isinstance(node, yaml.MappingNode)
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = loader.construct_object(key_node, deep=True)
            if not isinstance(key, str | int | float | bool):
                raise yaml.constructor.ConstructorError(
                    None, None, "mapping keys must be plain values", key_node.start_mark
                )
            if key in result:
                self.problems.append(
                    Diagnostic("spec", f"duplicate key {key!r}", self._line(key_node.start_mark))
                )
            self.lines[(*path, key)] = self._line(key_node.start_mark)
            result[key] = self._walk(loader, value_node, (*path, key))
        return result

    def line(self, path: tuple[Any, ...]) -> int | None:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), self.offset + 1)


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
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        return None, [Diagnostic("spec", f"cannot read {path}: {exc}", None)]
    return parse_pair(text, str(path), default_id=id_for_file(path))


def parse_pair(
    text: str, source: str, *, line_offset: int = 0, default_id: str | None = None
) -> tuple[PairSpec | None, list[Diagnostic]]:
    """Parse YAML text into a :class:`PairSpec`.

    ``line_offset`` is added to YAML line numbers (inline YAML in a document).
    Returns ``(None, diagnostics)`` when nothing can be rendered (bad YAML,
    no usable ``apis``).
    """
    try:
        doc = _Located(text, line_offset)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = int(mark.line) + 1 + line_offset if mark is not None else line_offset + 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        if isinstance(exc, yaml.constructor.ConstructorError):
            message = f"YAML tag not allowed (pair files are read safely): {problem}"
        else:
            message = f"malformed YAML: {problem}"
        return None, [Diagnostic("yaml", message, line)]
    diags = list(doc.problems)
    data = doc.data
    if not isinstance(data, dict):
        what = "empty" if data is None else schema.describe(data)
        return None, [
            *diags,
            Diagnostic("spec", f"a pair file is a mapping, got {what}", doc.line(())),
        ]

    problems = schema.validate(data)
    bad: set[tuple[Any, ...]] = set()
    for problem in problems:
        diags.append(Diagnostic("spec", _format(problem), doc.line(problem.path)))
        bad.add(problem.path)

    def ok(*path: Any) -> bool:
        return not any(p[: len(path)] == path for p in bad)

    if not ok("apis") or not isinstance(data.get("apis"), dict):  # missing: a problem at ()
        return None, diags
    apis: dict[str, str] = dict(data["apis"])
    frameworks = list(apis)

    def check_framework(name: str, path: tuple[Any, ...]) -> bool:
        if name in apis:
            return True
        diags.append(
            Diagnostic(
                "framework",
                f"unknown framework {name!r} (apis has {', '.join(frameworks)})"
                f"{suggest(name, frameworks, cutoff=0.5)}",
                doc.line(path),
            )
        )
        return False

    first_api = apis[frameworks[0]]
    explicit_id = ok("id") and "id" in data
    pair = PairSpec(
        id=str(data["id"]) if explicit_id else (default_id or id_for_api(first_api)),
        id_line=doc.line(("id",)) if explicit_id else None,
        title=data["title"] if ok("title") and "title" in data else first_api.rsplit(".", 1)[-1],
        apis=apis,
        source=source,
        line=doc.line(()) or 1,
        api_lines={fw: doc.line(("apis", fw)) for fw in apis},
    )
    if ok("signatures"):
        for fw, text_ in (data.get("signatures") or {}).items():
            if check_framework(fw, ("signatures", fw)):
                pair.signatures[fw] = text_
                pair.signature_lines[fw] = doc.line(("signatures", fw))
    if ok("summary"):
        pair.summary = data.get("summary")
        pair.summary_line = doc.content_lines.get(("summary",)) or doc.line(("summary",))
    if ok("usage"):
        pair.usage = data.get("usage")
        pair.usage_line = doc.content_lines.get(("usage",)) or doc.line(("usage",))
    if ok("category") and "category" in data:
        pair.category = data["category"]
        pair.category_line = doc.line(("category",))
    params: list[Any] = data["params"] if isinstance(data.get("params"), list) else []
    for i, row in enumerate(params):
        if not ok("params", i) or not isinstance(row, dict):
            continue
        names = {k: v for k, v in row.items() if k != "note"}
        names = {k: v for k, v in names.items() if check_framework(k, ("params", i, k))}
        if not names:
            diags.append(
                Diagnostic("spec", "a params row names no framework", doc.line(("params", i)))
            )
            continue
        pair.params.append(
            ParamRowSpec(
                names=names,
                note=row.get("note"),
                line=doc.line(("params", i)),
                name_lines={fw: doc.line(("params", i, fw)) for fw in names},
                note_line=doc.content_lines.get(("params", i, "note")),
            )
        )
    examples: list[Any] = data["examples"] if isinstance(data.get("examples"), list) else []
    for i, raw in enumerate(examples):
        if not ok("examples", i) or not isinstance(raw, dict):
            continue
        example = _example(i, raw, doc, diags, check_framework)
        if example is not None:
            pair.examples.append(example)
    return pair, diags


def _example(
    index: int, raw: dict[str, Any], doc: _Located, diags: list[Diagnostic], check_framework: Any
) -> ExampleSpec | None:
    base = ("examples", index)
    code: dict[str, Code] = {}
    for fw, text in raw["code"].items():
        if check_framework(fw, (*base, "code", fw)):
            line = doc.content_lines.get((*base, "code", fw)) or doc.line((*base, "code", fw)) or 1
            code[fw] = Code(text=text, line=line)
    example = ExampleSpec(
        index=index,
        title=raw.get("title"),
        code=code,
        compare=list(raw.get("compare") or []),
        atol=float(raw.get("atol", DEFAULT_ATOL)),
        rtol=float(raw.get("rtol", DEFAULT_RTOL)),
        expect=raw.get("expect", "match"),
        seed=int(raw.get("seed", 0)),
        timeout=float(raw["timeout"]) if "timeout" in raw else None,
        line=doc.line(base),
    )
    ok = True
    for name, spec in (raw.get("inputs") or {}).items():
        path = (*base, "inputs", name)
        problem = _input_problem(spec)
        if problem:
            diags.append(Diagnostic("spec", f"input {name!r}: {problem}", doc.line(path)))
            ok = False
            continue
        dtype = spec.get("dtype", "float32")
        example.inputs.append(
            InputSpec(
                name=name,
                shape=list(spec.get("shape") or []),
                dtype=dtype,
                low=spec.get("low"),
                high=spec.get("high"),
                value=spec.get("value"),
                as_numpy=spec.get("as") == "numpy",
                line=doc.line(path),
            )
        )
    for j, name in enumerate(example.compare):
        if not name.isidentifier():
            diags.append(
                Diagnostic(
                    "spec",
                    f"compare: {name!r} is not a variable name",
                    doc.line((*base, "compare", j)),
                )
            )
            ok = False
    if example.compare and len(code) < 2:
        diags.append(
            Diagnostic(
                "spec", "compare needs code for at least two frameworks", doc.line((*base, "code"))
            )
        )
        ok = False
    return example if ok and code else None


def _input_problem(spec: dict[str, Any]) -> str | None:
    dtype = spec.get("dtype", "float32")
    if "value" in spec:
        if any(k in spec for k in ("shape", "low", "high")):
            return "'value' excludes 'shape', 'low' and 'high'"
        return None
    if "shape" not in spec:
        return "needs 'shape' (generated data) or 'value' (literal data)"
    if ("low" in spec or "high" in spec) and dtype not in INT_DTYPES:
        return f"'low'/'high' apply to integer dtypes, not {dtype}"
    if dtype in INT_DTYPES:
        low, high = spec.get("low", 0), spec.get("high", 10)
        if low >= high:
            return f"'low' ({low}) must be below 'high' ({high})"
    return None


def _format(problem: Problem) -> str:
    return f"{where(problem.path)}: {problem.message}" if problem.path else problem.message


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
            text += ("" if not text else " " if text.endswith(",") else ".") + str(key)
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
