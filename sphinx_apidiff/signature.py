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


@dataclass
class Param:
    name: str
    kind: str = POSITIONAL_OR_KEYWORD
    default: str | None = None  # repr of the default; None: no default

    @property
    def has_default(self) -> bool:
        return self.default is not None

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
    params: list[Param] = field(default_factory=list)
    source: str = "inspect"  # inspect | docstring | yaml

    @property
    def shown(self) -> list[Param]:
        """Parameters shown on a page: no ``self``, no catch-all ``**kwargs``."""
        return [p for p in self.params if p.name != "self" and p.kind != VAR_KEYWORD]

    def names(self) -> list[str]:
        return [p.name for p in self.shown]

    def get(self, name: str) -> Param | None:
        return next((p for p in self.shown if p.name == name), None)

    def position(self, name: str) -> int:
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
        return None
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


def signature_from_docstring(doc: str, api: str) -> Signature | None:
    """The signature line that opens a builtin's docstring (``cat(tensors, dim=0, ...)``)."""
    short = api.rsplit(".", 1)[-1]
    pattern = re.compile(rf"^\s*(?:[\w.]+\.)?{re.escape(short)}\s*\(")
    for line in doc.strip().splitlines()[:5]:
        if pattern.match(line):
            return parse_signature_text(line, source="docstring")
    return None
