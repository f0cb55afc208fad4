"""The type machinery of the YAML formats: types declared once.

A type checks a parsed value (with "did you mean" suggestions and a path to
every problem) and exports its JSON Schema, so the two cannot drift apart.
:mod:`sphinx_apidiff.model.schema` declares the pair format with these types.

No Sphinx imports here.
"""

from __future__ import annotations

import difflib
import keyword
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, cast

KeyPath = tuple[str | int, ...]


@dataclass
class Problem:
    """One validation problem, located by its path in the document.

    ``path`` is where the problem is (shown, and located at its nearest existing
    node); ``blocks`` is the part of the document a reader must not use, when it
    is not ``path`` itself: a missing required key blocks that key, an invalid
    key blocks its whole mapping.
    """

    path: KeyPath
    message: str
    blocks: KeyPath | None = None

    @property
    def blocked(self) -> KeyPath:
        """The path that this problem makes unusable (it and everything below it)."""
        return self.path if self.blocks is None else self.blocks


def suggest(word: str, choices: list[str] | tuple[str, ...], cutoff: float = 0.6) -> str:
    """Return a ``"; did you mean 'x'?"`` tail, or an empty string."""
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=cutoff)
    return f"; did you mean {close[0]!r}?" if close else ""


def describe(value: Any) -> str:
    """``a string``, ``a list``...: the YAML kind of a value, for messages."""
    if value is None:
        return "null"
    return {
        bool: "a boolean",
        int: "an integer",
        float: "a number",
        str: "a string",
        list: "a list",
        dict: "a mapping",
    }.get(type(value), type(value).__name__)


class Type:
    """The type of a YAML value, declared once: it checks a parsed value and exports its
    JSON Schema; ``doc`` is the description that editors show."""

    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        """The problems of ``value``, located at ``path`` and below (none: it is valid)."""
        raise NotImplementedError

    def json(self) -> dict[str, Any]:
        """This type as JSON Schema, for editors (``sphinx-apidiff schema``)."""
        raise NotImplementedError

    def _with_doc(self, schema: dict[str, Any]) -> dict[str, Any]:
        if self.doc:
            schema["description"] = self.doc
        return schema


@dataclass
class Str(Type):
    """A string that is not blank (``min_length`` characters once stripped), matching
    ``pattern`` when given."""

    doc: str = ""
    min_length: int = 1
    pattern: str | None = None
    pattern_help: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, str):
            yield Problem(path, f"expected a string, got {describe(value)}")
        elif len(value.strip()) < self.min_length:
            yield Problem(path, "must not be empty")
        elif self.pattern is not None and not re.fullmatch(self.pattern, value):
            yield Problem(path, f"{value!r} is not valid: {self.pattern_help or self.pattern}")

    def json(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "minLength": self.min_length}
        if self.pattern is not None:
            schema["pattern"] = f"^{self.pattern}$"
        return self._with_doc(schema)


@dataclass
class Number(Type):
    """A finite number (never a boolean, NaN or infinity), within bounds when given."""

    doc: str = ""
    minimum: float | None = None
    integer: bool = False
    maximum: float | None = None

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        ok_types: tuple[type, ...] = (int,) if self.integer else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_types):
            kind = "an integer" if self.integer else "a number"
            yield Problem(path, f"expected {kind}, got {describe(value)}")
        elif not _finite(cast(float, value)):
            yield Problem(path, f"expected a finite number, got {_short(value)}")
        elif self.minimum is not None and cast(float, value) < self.minimum:
            yield Problem(path, f"must be at least {self.minimum:g}, got {_short(value)}")
        elif self.maximum is not None and cast(float, value) > self.maximum:
            yield Problem(path, f"must be at most {self.maximum:g}, got {_short(value)}")

    def json(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "integer" if self.integer else "number"}
        if self.minimum is not None:
            schema["minimum"] = self.minimum
        if self.maximum is not None:
            schema["maximum"] = self.maximum
        return self._with_doc(schema)


def _finite(value: int | float) -> bool:
    """A float that exists: not NaN, not infinite, not an integer too large for a float."""
    try:
        return math.isfinite(float(value))
    except OverflowError:
        return False


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else f"{text[:20]}...{text[-8:]} ({len(text)} characters)"


@dataclass
class Bool(Type):
    """A YAML boolean, ``true`` or ``false``."""

    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, bool):
            yield Problem(path, f"expected true or false, got {describe(value)}")

    def json(self) -> dict[str, Any]:
        return self._with_doc({"type": "boolean"})


@dataclass
class Enum(Type):
    """One of a fixed set of strings, with a "did you mean" for a near miss."""

    values: tuple[str, ...] = ()
    doc: str = ""

    def __post_init__(self) -> None:
        # plain strings, so that a "did you mean" quotes 'differ', not a StrEnum's repr
        self.values = tuple(str(v) for v in self.values)

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, str) or value not in self.values:
            choices = ", ".join(self.values)
            tail = suggest(value, self.values) if isinstance(value, str) else ""
            yield Problem(path, f"{_short(value)} is not one of: {choices}{tail}")

    def json(self) -> dict[str, Any]:
        return self._with_doc({"enum": list(self.values)})


@dataclass
class AnyValue(Type):
    """Any value at all, checked elsewhere (an input's literal ``value``)."""

    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        return iter(())

    def json(self) -> dict[str, Any]:
        return self._with_doc({})


LANGUAGE_CODE = r"[A-Za-z]{2,3}([_-][A-Za-z0-9]+)*"


@dataclass
class Localized(Type):
    """Text, or a mapping from language code to text."""

    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if isinstance(value, str):
            return
        if isinstance(value, dict) and value:
            for lang, text in value.items():
                if not isinstance(lang, str):
                    yield Problem(path, f"language codes are strings, got {describe(lang)}")
                elif not re.fullmatch(LANGUAGE_CODE, lang):
                    yield Problem(
                        (*path, lang), f"{_short(lang)} is not a language code (en, zh_CN...)"
                    )
                elif not isinstance(text, str):
                    yield Problem((*path, lang), f"expected a string, got {describe(text)}")
            return
        yield Problem(
            path, f"expected text or a mapping from language to text, got {describe(value)}"
        )

    def json(self) -> dict[str, Any]:
        return self._with_doc(
            {
                "anyOf": [
                    {"type": "string"},
                    {
                        "type": "object",
                        "minProperties": 1,
                        "additionalProperties": {"type": "string"},
                        "propertyNames": {"pattern": f"^{LANGUAGE_CODE}$"},
                    },
                ]
            }
        )


@dataclass
class List(Type):
    """A list of ``item`` values, with ``min_items`` to ``max_items`` of them."""

    item: Type = field(default_factory=AnyValue)
    doc: str = ""
    min_items: int = 0
    max_items: int | None = None

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, list):
            yield Problem(path, f"expected a list, got {describe(value)}")
            return
        if len(value) < self.min_items:
            yield Problem(path, f"needs at least {self.min_items} item(s)")
        if self.max_items is not None and len(value) > self.max_items:
            yield Problem(path, f"has {len(value)} items, at most {self.max_items} allowed")
        for index, item in enumerate(value):
            yield from self.item.check(item, (*path, index))

    def json(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "array", "items": self.item.json()}
        if self.min_items:
            schema["minItems"] = self.min_items
        if self.max_items is not None:
            schema["maxItems"] = self.max_items
        return self._with_doc(schema)


@dataclass
class Dict(Type):
    """A mapping with free keys (framework names, variable names)."""

    value: Type = field(default_factory=AnyValue)
    doc: str = ""
    min_items: int = 0
    key_pattern: str = r"^[A-Za-z_][A-Za-z0-9_]*$"
    dotted: bool = False  # keys may be dotted paths (``0.weight``, ``cells.0.bias``)

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, dict):
            yield Problem(path, f"expected a mapping, got {describe(value)}")
            return
        if len(value) < self.min_items:
            yield Problem(path, f"needs at least {self.min_items} entries")
        for key, item in value.items():
            if not (is_name(key) or (self.dotted and is_dotted_name(key))):
                # located at the key, and the whole mapping is unusable
                yield Problem((*path, key), f"key {_short(key)} is not a valid name", blocks=path)
                continue
            yield from self.value.check(item, (*path, key))

    def json(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "propertyNames": {"pattern": self.key_pattern},
            "additionalProperties": self.value.json(),
        }
        if self.min_items:
            schema["minProperties"] = self.min_items
        return self._with_doc(schema)


def is_name(key: Any) -> bool:
    """A framework, variable or parameter name: a Python identifier, not a keyword."""
    return isinstance(key, str) and key.isidentifier() and not keyword.iskeyword(key)


def is_dotted_name(key: Any) -> bool:
    """A parameter's path in a module: names and indices joined by dots (``0.weight``)."""
    return isinstance(key, str) and all(
        part.isidentifier() or part.isdigit() for part in key.split(".")
    )


@dataclass
class Key:
    """A key of a :class:`Map`: the type of its value, and whether it must be present."""

    type: Type
    required: bool = False


@dataclass
class Map(Type):
    """A mapping with fixed keys; unknown keys are reported with a suggestion.

    ``extra`` validates keys that are not in ``keys`` (e.g. framework names on
    a parameter row); without it, unknown keys are errors.
    """

    keys: dict[str, Key] = field(default_factory=dict)
    doc: str = ""
    extra: Type | None = None

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if not isinstance(value, dict):
            yield Problem(path, f"expected a mapping, got {describe(value)}")
            return
        for name, key in self.keys.items():
            if key.required and name not in value:
                # shown at the mapping, but it is the missing key that cannot be read
                yield Problem(path, f"missing required key {name!r}", blocks=(*path, name))
        for name, item in value.items():
            if isinstance(name, str) and name in self.keys:
                yield from self.keys[name].type.check(item, (*path, name))
            elif self.extra is not None and is_name(name):
                yield from self.extra.check(item, (*path, name))
            else:
                yield Problem(
                    (*path, name),
                    f"unknown key {_short(name)}{suggest(str(name), list(self.keys))}",
                )

    def json(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "object",
            "properties": {name: key.type.json() for name, key in self.keys.items()},
        }
        required = [name for name, key in self.keys.items() if key.required]
        if required:
            schema["required"] = required
        if self.extra is None:
            schema["additionalProperties"] = False
        else:
            schema["additionalProperties"] = self.extra.json()
        return self._with_doc(schema)


@dataclass
class StrOrMap(Type):
    """A string, or a mapping of the given shape (a short form and a long form)."""

    text: Type = field(default_factory=Str)
    mapping: Type = field(default_factory=Map)
    doc: str = ""

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        yield from (self.mapping if isinstance(value, dict) else self.text).check(value, path)

    def json(self) -> dict[str, Any]:
        return self._with_doc({"oneOf": [self.text.json(), self.mapping.json()]})


@dataclass
class CountOrList(Type):
    """A count (``3``: the first ``n`` values counting from 0) or a list of integers."""

    item: Number = field(default_factory=lambda: Number(integer=True, minimum=0))
    doc: str = ""
    max_items: int | None = None

    def check(self, value: Any, path: KeyPath) -> Iterator[Problem]:
        if isinstance(value, list):
            yield from List(self.item, min_items=1, max_items=self.max_items).check(value, path)
            if len(set(map(repr, value))) < len(value):
                yield Problem(path, "lists a value twice")
            return
        yield from Number(integer=True, minimum=1, maximum=self.max_items).check(value, path)

    def json(self) -> dict[str, Any]:
        count: dict[str, Any] = {"type": "integer", "minimum": 1}
        items: dict[str, Any] = {"type": "array", "items": self.item.json(), "minItems": 1}
        if self.max_items is not None:
            count["maximum"] = self.max_items
            items["maxItems"] = self.max_items
        return self._with_doc({"oneOf": [count, items]})
