"""What the results store and the execution cache read back, validated like pair files.

Files on disk are input: hand-resolved merge conflicts, edits, other tools and
older versions write them too. Each kind of entry is declared once here, with
the schema types of the pair files (:mod:`sphinx_apidiff.model.types`), and
both the cache and the store check what they read against the same
declaration: :data:`RESULT` (an example's result), :data:`SIGNATURE` (an
introspected signature), :data:`STORE_ENTRY` (a stored example: the result and
what it was run from) and :data:`STORE_FILE` (the shape of a pair's store file;
its entries are checked one by one, so one bad entry costs only its own example).

A problem names its key path (``examples[2].result.status``); :func:`json_lines`
finds the line of a path in the JSON text, so that a warning points at the bad
entry of a store file (written with one key per line).

No Sphinx imports here.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]
from typing import Any

from sphinx_apidiff.model.signature import (
    KEYWORD_ONLY,
    POSITIONAL_ONLY,
    POSITIONAL_OR_KEYWORD,
    VAR_KEYWORD,
    VAR_POSITIONAL,
)
from sphinx_apidiff.model.types import (
    AnyValue,
    Bool,
    Enum,
    Key,
    KeyPath,
    List,
    Map,
    Number,
    Problem,
    Str,
    Type,
    describe,
)
from sphinx_apidiff.model.vocabulary import ResultKind, Status, Subtype


@dataclass
class FileProblem:
    """A problem of a file that was read back (a store file, a cache entry, the store's
    folder): where it is, what it is, and the warning subtype (``store`` or ``cache``).
    ``ours``: the problem is in a file the store wrote, which a refresh rewrites."""

    file: str
    message: str
    line: int | None = None
    subtype: Subtype = Subtype.STORE
    ours: bool = True

    @property
    def location(self) -> str | None:
        """``path/to/file:LINE``; None for a folder (the message names it), since Sphinx
        reads a location without a line as a document's name."""
        return f"{self.file}:{self.line}" if self.line else None


# -- the types that the pair schema has no use for -------------------------------------


@dataclass
class Nullable(Type):
    """``null``, or a value of ``type``."""

    type: Type = field(default_factory=AnyValue)
    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if value is not None:
            yield from self.type.check(value, path)

    def json(self) -> dict[str, Any]:
        return self._with_doc({"anyOf": [{"type": "null"}, self.type.json()]})


@dataclass
class Text(Type):
    """Any string, empty included (output, errors, titles)."""

    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, str):
            yield Problem(path, f"expected a string, got {describe(value)}")

    def json(self) -> dict[str, Any]:
        return self._with_doc({"type": "string"})


@dataclass
class Deviation(Type):
    """A deviation: a number at least 0, or infinite or NaN (values that overflowed)."""

    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            yield Problem(path, f"expected a number, got {describe(value)}")
        elif not math.isnan(value) and value < 0:
            yield Problem(path, f"must be at least 0, got {value!r}")

    def json(self) -> dict[str, Any]:
        return self._with_doc({"type": "number", "minimum": 0})


@dataclass
class Names(Type):
    """A mapping with free string keys (frameworks, compared values, sweep cells)."""

    value: Type = field(default_factory=AnyValue)
    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, dict):
            yield Problem(path, f"expected a mapping, got {describe(value)}")
            return
        for name, item in value.items():
            yield from self.value.check(item, (*path, name))

    def json(self) -> dict[str, Any]:
        return self._with_doc({"type": "object", "additionalProperties": self.value.json()})


@dataclass
class Frame(Type):
    """A traceback frame of a snippet: ``[line in the snippet, function, source text]``."""

    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, list) or len(value) != 3:
            what = f"{len(value)} items" if isinstance(value, list) else describe(value)
            yield Problem(path, f"expected [line, function, text], got {what}")
            return
        yield from Number(integer=True).check(value[0], (*path, 0))
        yield from Text().check(value[1], (*path, 1))
        yield from Text().check(value[2], (*path, 2))

    def json(self) -> dict[str, Any]:
        items = [{"type": "integer"}, {"type": "string"}, {"type": "string"}]
        return self._with_doc({"type": "array", "prefixItems": items, "items": False})


# -- the entries -------------------------------------------------------------------

VERSION = Nullable(Text(), doc="The framework's version, as it reported it.")

SIDE = Map(
    doc="What one framework's snippet did.",
    keys={
        "ok": Key(Bool(), required=True),
        "stdout": Key(Text(), required=True),
        "error": Key(Nullable(Text()), required=True),
        "frames": Key(List(Frame()), required=True),
        "elapsed": Key(Number(minimum=0), required=True),
        "crashed": Key(Bool(), required=True),
    },
)

PAIR = Map(
    doc="One value compared between two frameworks (the deviation of the second from the first).",
    keys={
        "max_abs": Key(Nullable(Deviation()), required=True),
        "max_rel": Key(Nullable(Deviation()), required=True),
        "dtype_equal": Key(Nullable(Bool()), required=True),
        "within": Key(Bool(), required=True),
    },
)

COMPARISON = Map(
    doc="One compared value.",
    keys={
        "shapes": Key(Names(Nullable(List(Number(integer=True, minimum=0)))), required=True),
        "dtypes": Key(Names(Nullable(Text())), required=True),
        "max_abs": Key(Nullable(Deviation()), required=True),
        "max_rel": Key(Nullable(Deviation()), required=True),
        "passed": Key(Bool(), required=True),
        "note": Key(Nullable(Text())),
        "kind": Key(Enum(tuple(k.value for k in ResultKind))),
        # read from older files without them: derived (see Comparison.from_json)
        "pairwise": Key(Names(PAIR, doc="By pair of frameworks, 'first|second'.")),
        "groups": Key(List(List(Str(), min_items=1), doc="The frameworks, in groups that agree.")),
    },
)

#: How the runs of an unstable result disagree (``execution.stability.Spread``).
SPREAD = Map(
    doc="How the runs of an unstable result disagree with its first run.",
    keys={
        "disagreeing": Key(Number(integer=True, minimum=1, doc="Runs that disagree."), True),
        "max_abs": Key(Nullable(Deviation(), doc="The worst deviation between runs.")),
        "changes": Key(List(Text(), doc="What changed, in the first run's order.")),
    },
)

#: An example's result (``ExampleResult.to_json()``): a cache entry's value, and a
#: store entry's ``result``.
RESULT = Map(
    doc="What one example gave.",
    keys={
        "status": Key(Enum(tuple(s.value for s in Status)), required=True),
        "results": Key(Names(COMPARISON), required=True),
        "order": Key(List(Str(), doc="The results' names in the order the run gave them.")),
        "sides": Key(Names(SIDE), required=True),
        "versions": Key(Names(VERSION)),
        "key": Key(Nullable(Text())),
        "reason": Key(Nullable(Text())),
        # stability: absent where the result was run once
        "runs": Key(Number(integer=True, minimum=1, doc="How many times it ran.")),
        "stable": Key(Bool(doc="Whether every run agreed with the first.")),
        "spread": Key(Nullable(SPREAD)),
    },
)

PARAM = Map(
    keys={
        "name": Key(Str(), required=True),
        "kind": Key(
            Enum(
                (POSITIONAL_ONLY, POSITIONAL_OR_KEYWORD, VAR_POSITIONAL, KEYWORD_ONLY, VAR_KEYWORD)
            )
        ),
        "default": Key(Nullable(Text())),
    }
)

#: An introspected signature (``SignatureResult.to_json()``): a cache entry's value, and
#: an entry of a store file's ``signatures``.
SIGNATURE = Map(
    doc="What introspecting one API gave.",
    keys={
        "framework": Key(Str()),
        "api": Key(Str(), required=True),
        "signature": Key(
            Nullable(
                Map(
                    keys={
                        "params": Key(List(PARAM), required=True),
                        "source": Key(Enum(("inspect", "docstring", "yaml"))),
                    }
                )
            )
        ),
        "error": Key(Nullable(Text())),
        "suggestions": Key(List(Text())),
        "version": Key(VERSION),
    },
)

#: A stored example (of ``examples``, ``recipes``, or a cell of ``sweeps``).
STORE_ENTRY = Map(
    doc="A stored example result, and what it was run from.",
    keys={
        "title": Key(Text()),
        "content": Key(Text(), required=True),
        "versions": Key(Names(VERSION)),
        "result": Key(RESULT, required=True),
    },
)

#: The shape of a pair's store file; its entries are checked one by one (see
#: :data:`ENTRY_SECTIONS`), so only the containers are checked here.
STORE_FILE = Map(
    doc="The stored results of one pair.",
    keys={
        "version": Key(Number(integer=True), required=True),
        "id": Key(Str(), required=True),
        "apis": Key(Names(Str())),
        "signatures": Key(Names()),
        "examples": Key(List()),
        "recipes": Key(List()),
        "sweeps": Key(List(Nullable(Names()))),
    },
)

#: A cache file: the key it was written under, and the value (:data:`RESULT` for an
#: example, :data:`SIGNATURE` for a signature).
CACHE_FILE = Map(keys={"key": Key(Text(), required=True), "value": Key(AnyValue(), required=True)})
CACHE_VALUES = {"ex": RESULT, "sig": SIGNATURE}

#: The results store's manifest: the pairs whose files the store wrote, and the pair
#: file (or document) each came from, relative to the store's folder.
MANIFEST = Map(
    doc="What the results store wrote.",
    keys={
        "format": Key(Text()),
        "version": Key(Number(integer=True), required=True),
        "pairs": Key(
            Names(Map(keys={"source": Key(Nullable(Text()))})),
            required=True,
        ),
    },
)


def problems(schema: Type, value: Any, path: KeyPath = ()) -> list[Problem]:
    """Every problem of ``value``; empty if it is valid."""
    return list(schema.check(value, path))


def json_path(path: KeyPath) -> str:
    """A key path as people read JSON: ``examples[2].result.status``."""
    text = ""
    for key in path:
        if isinstance(key, int) and not isinstance(key, bool):
            text += f"[{key}]"
        else:
            name = str(key)
            name = name if name.isprintable() and name else json.dumps(name)
            text += f".{name}" if text else name
    return text


def message(problem: Problem, prefix: KeyPath = ()) -> str:
    """``examples[2].result.status: 'bogus' is not one of: ...``."""
    where = json_path((*prefix, *problem.path))
    return f"{where}: {problem.message}" if where else problem.message


def clip(text: str, width: int = 80) -> str:
    """``text``, shortened in the middle to at most about ``width`` characters."""
    return text if len(text) <= width else f"{text[: width // 2]}...{text[-20:]}"


def summary(found: list[Problem], prefix: KeyPath = ()) -> str:
    """The first problem's :func:`message`, and how many more there are."""
    more = len(found) - 1
    tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more > 0 else ""
    return message(found[0], prefix) + tail


# -- lines of key paths in JSON text --------------------------------------------------

_SPACE = re.compile(r"[ \t\n\r]*")
_SCALAR = re.compile(r"-?[0-9][0-9.eE+-]*|true|false|null|NaN|-?Infinity")


def json_lines(text: str, limit: int = 100_000) -> dict[KeyPath, int]:
    """The line (from 1) where each key path's value starts in the JSON ``text``: for a
    key of an object, the line of the key. Tolerant: on text it cannot follow, it returns
    what it found so far; it maps at most ``limit`` paths."""
    lines: dict[KeyPath, int] = {}
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(pos: int) -> int:
        low, high = 0, len(newlines)
        while low < high:  # the number of newlines before pos
            mid = (low + high) // 2
            if newlines[mid] < pos:
                low = mid + 1
            else:
                high = mid
        return low + 1

    # an explicit stack, so that deep nesting cannot exhaust Python's
    stack: list[tuple[KeyPath, str, int]] = []  # (path of the container, kind, next index)
    pos = _SPACE.match(text, 0).end()  # type: ignore[union-attr]
    path: KeyPath = ()
    lines[path] = line_of(pos)
    try:
        while len(lines) < limit:
            char = text[pos] if pos < len(text) else ""
            if char in "{[":
                stack.append((path, char, 0))
                pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                if text[pos] in "}]":
                    stack.pop()
                    pos += 1
                else:
                    path = _next_key(text, pos, stack, lines, line_of)
                    pos = _after_key(text, pos, stack)
                    continue
            elif char == '"':
                _, pos = _scanstring(text, pos + 1)
            else:
                found = _SCALAR.match(text, pos)
                if found is None:
                    return lines
                pos = found.end()
            # after a value: a comma (the next item) or the end of containers
            while True:
                pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
                if not stack:
                    return lines
                if text[pos] == ",":
                    parent, kind, index = stack[-1]
                    stack[-1] = (parent, kind, index + 1)
                    pos = _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]
                    path = _next_key(text, pos, stack, lines, line_of)
                    pos = _after_key(text, pos, stack)
                    break
                stack.pop()  # the closing bracket
                pos += 1
    except (IndexError, ValueError):
        pass
    return lines


def _next_key(
    text: str,
    pos: int,
    stack: list[tuple[KeyPath, str, int]],
    lines: dict[KeyPath, int],
    line_of: Any,
) -> KeyPath:
    parent, kind, index = stack[-1]
    key: str | int = _scanstring(text, pos + 1)[0] if kind == "{" else index
    path = (*parent, key)
    lines[path] = line_of(pos)
    return path


def _after_key(text: str, pos: int, stack: list[tuple[KeyPath, str, int]]) -> int:
    """Where the value starts: after ``"key":`` in an object, right here in a list."""
    if stack[-1][1] != "{":
        return pos
    _, pos = _scanstring(text, pos + 1)
    pos = _SPACE.match(text, pos).end()  # type: ignore[union-attr]
    if text[pos] != ":":
        raise ValueError("expected ':'")
    return _SPACE.match(text, pos + 1).end()  # type: ignore[union-attr]


def line_at(lines: dict[KeyPath, int], path: KeyPath) -> int | None:
    """The line of ``path``, else of its nearest ancestor that is in the text."""
    while path not in lines and path:
        path = path[:-1]
    return lines.get(path)
