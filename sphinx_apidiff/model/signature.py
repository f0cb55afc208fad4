"""Signatures as data: from ``inspect`` results, docstring lines or YAML text.

No Sphinx imports here.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field
from typing import Any

POSITIONAL_ONLY = "positional_only"
POSITIONAL_OR_KEYWORD = "positional_or_keyword"
VAR_POSITIONAL = "var_positional"
KEYWORD_ONLY = "keyword_only"
VAR_KEYWORD = "var_keyword"


#: Longest default text read as a literal; a longer one compares as text (a repr read
#: back from a worker is input, and ``ast.literal_eval`` of a huge text is slow).
LITERAL_LIMIT = 1000


def _value_key(value: object) -> object:
    """A key that is equal for equal values, where a bool is no number: ``0`` and
    ``0.0`` share a key, ``False`` and ``0`` do not; containers keep their type, so
    a tuple is never a list or a scalar."""
    if isinstance(value, bool) or value is None or isinstance(value, (str, bytes)):
        return (type(value).__name__, value)
    if isinstance(value, (int, float, complex)):
        return ("number", value)
    if isinstance(value, (tuple, list)):
        return (type(value).__name__, tuple(_value_key(v) for v in value))
    if isinstance(value, (set, frozenset)):
        return ("set", frozenset(_value_key(v) for v in value))
    if isinstance(value, dict):
        return ("dict", frozenset((_value_key(k), _value_key(v)) for k, v in value.items()))
    return ("repr", repr(value))  # Ellipsis


def default_key(text: str) -> object:
    """What a default (the repr of a value, or the text a page or signature gives)
    compares by: its value where it is a Python literal, else its text without spaces."""
    if len(text) <= LITERAL_LIMIT:
        try:
            return ("value", _value_key(ast.literal_eval(text.strip())))
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            pass
    return ("text", re.sub(r"\s+", "", text))


def same_default(a: str | None, b: str | None) -> bool:
    """Whether two defaults are the same: the one rule wherever defaults are compared.

    ``None`` is "no default". Literals compare as values: ``0`` is ``0.0`` (the same
    number), but ``False`` is not ``0`` (a bool and a number mean different things in an
    API), and ``(1, 1)`` is not ``1`` (a tuple is no scalar, whatever the callee makes
    of it). Anything else (``<module 'pickle'>``, an object's repr) compares as text.
    """
    if a is None or b is None:
        return a is b
    return a == b or default_key(a) == default_key(b)


@dataclass
class Param:
    """One parameter: its name, its kind (as ``inspect`` names it) and the repr of its default."""

    name: str
    kind: str = POSITIONAL_OR_KEYWORD
    default: str | None = None  # repr of the default; None: no default

    def to_json(self) -> dict[str, Any]:
        return {"name": self.name, "kind": self.kind, "default": self.default}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Param:
        return cls(
            name=data["name"],
            kind=data.get("kind", POSITIONAL_OR_KEYWORD),
            default=data.get("default"),
        )


@dataclass
class Signature:
    """The parameters of an API, and where they were read from (``inspect``, its
    docstring, or the YAML ``signatures``)."""

    params: list[Param] = field(default_factory=list)
    source: str = "inspect"  # inspect | docstring | yaml

    @property
    def shown(self) -> list[Param]:
        """Parameters shown on a page: no ``self``, no catch-all ``**kwargs``."""
        return [p for p in self.params if p.name != "self" and p.kind != VAR_KEYWORD]

    def names(self) -> list[str]:
        """The names of the shown parameters, in order."""
        return [p.name for p in self.shown]

    def get(self, name: str) -> Param | None:
        """The shown parameter called ``name``, or None."""
        return next((p for p in self.shown if p.name == name), None)

    def position(self, name: str) -> int:
        """The place of ``name`` among the shown parameters (after them all if it is not
        one), to order the rows of the parameter table."""
        names = self.names()
        return names.index(name) if name in names else len(names)

    def format(self, api: str) -> str:
        """``api(`` then one parameter per line, with ``/`` and ``*`` markers."""
        parts: list[str] = []
        params = [p for p in self.params if p.name != "self"]
        seen_kw_marker = False
        for i, p in enumerate(params):
            if p.kind == KEYWORD_ONLY and not seen_kw_marker:
                parts.append("*")
                seen_kw_marker = True
            if p.kind == VAR_POSITIONAL:
                seen_kw_marker = True
                parts.append(f"*{p.name}")
            elif p.kind == VAR_KEYWORD:
                parts.append(f"**{p.name}")
            else:
                parts.append(p.name if p.default is None else f"{p.name}={p.default}")
            nxt = params[i + 1] if i + 1 < len(params) else None
            if p.kind == POSITIONAL_ONLY and (nxt is None or nxt.kind != POSITIONAL_ONLY):
                parts.append("/")
        if not parts:
            return f"{api}()"
        body = ",\n".join(f"    {part}" for part in parts)
        return f"{api}(\n{body}\n)"

    def to_json(self) -> dict[str, Any]:
        return {"source": self.source, "params": [p.to_json() for p in self.params]}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Signature:
        return cls(
            params=[Param.from_json(p) for p in data["params"]],
            source=data.get("source", "inspect"),
        )


def parse_signature_text(text: str, source: str = "yaml") -> Signature | None:
    """Parse ``name(a, b=1, *, c=None) -> T`` (the name and return are optional)."""
    text = text.strip()
    start = text.find("(")
    if start < 0:
        return None
    depth = 0
    end = -1
    for i in range(start, len(text)):
        if text[i] in "([{":
            depth += 1
        elif text[i] in ")]}":
            depth -= 1
            if depth == 0:
                end = i
                break
    if end < 0:
        return None
    inner = text[start + 1 : end]
    try:
        tree = ast.parse(f"def _f({inner}):\n    pass")
    except SyntaxError:
        return _parse_loosely(inner, source)
    func = tree.body[0]
    assert isinstance(func, ast.FunctionDef)
    args = func.args
    params: list[Param] = []
    positional = [*args.posonlyargs, *args.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    for i, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        kind = POSITIONAL_ONLY if i < len(args.posonlyargs) else POSITIONAL_OR_KEYWORD
        params.append(Param(arg.arg, kind, ast.unparse(default) if default else None))
    if args.vararg:
        params.append(Param(args.vararg.arg, VAR_POSITIONAL))
    for arg, kw_default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(Param(arg.arg, KEYWORD_ONLY, ast.unparse(kw_default) if kw_default else None))
    if args.kwarg:
        params.append(Param(args.kwarg.arg, VAR_KEYWORD))
    return Signature(params=params, source=source)


def _split_top_level(text: str) -> list[str]:
    parts, depth, current = [], 0, ""
    for char in text:
        if char in "([{":
            depth += 1
        elif char in ")]}":
            depth -= 1
        if char == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += char
    if current.strip():
        parts.append(current.strip())
    return parts


_LOOSE = re.compile(r"^(\*{0,2})([A-Za-z_]\w*)\s*(?::[^=]*)?(?:=\s*(.+))?$")


def _parse_loosely(inner: str, source: str) -> Signature | None:
    """Docstring signatures that are not valid Python (``arange(start=0, end, step=1)``)."""
    params: list[Param] = []
    keyword_only = False
    for part in _split_top_level(inner):
        if part == "*":
            keyword_only = True
            continue
        if part == "/":
            for param in params:
                param.kind = POSITIONAL_ONLY
            continue
        match = _LOOSE.match(part)
        if match is None:
            return None
        stars, name, default = match.groups()
        if stars == "*":
            params.append(Param(name, VAR_POSITIONAL))
            keyword_only = True
        elif stars == "**":
            params.append(Param(name, VAR_KEYWORD))
        else:
            kind = KEYWORD_ONLY if keyword_only else POSITIONAL_OR_KEYWORD
            params.append(Param(name, kind, default.strip() if default else None))
    return Signature(params=params, source=source) if params else None


def signature_from_docstring(doc: str, api: str) -> Signature | None:
    """The signature lines that open a builtin's docstring (``cat(tensors, dim=0, ...)``).

    Overloads (``sum(input, *, dtype=None)`` then ``sum(input, dim, keepdim=False, ...)``)
    are merged: every parameter of every overload, in order of first appearance, with
    the fullest overload first.
    """
    short = api.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^(?:\.\. (?:py:)?function::\s*)?(?:[\w.]+\.)?{re.escape(short)}\s*\(")
    overloads = [
        sig
        for line in doc.strip().splitlines()
        if pattern.match(line.strip()) and not line.startswith((" ", "\t"))
        for sig in [parse_signature_text(line.strip().split("::", 1)[-1], source="docstring")]
        if sig is not None
    ]
    if not overloads:
        return None
    overloads.sort(key=lambda sig: len(sig.params), reverse=True)
    merged = Signature(params=list(overloads[0].params), source="docstring")
    for other in overloads[1:]:
        for param in other.params:
            if param.name not in {p.name for p in merged.params}:
                merged.params.insert(_insert_at(merged.params, param), param)
    return merged


def _insert_at(params: list[Param], param: Param) -> int:
    """Keyword-only and catch-all parameters go after the positional ones."""
    order = [POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD]
    rank = order.index(param.kind)
    for i, existing in enumerate(params):
        if order.index(existing.kind) > rank:
            return i
    return len(params)
