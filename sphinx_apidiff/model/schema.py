"""The YAML format of a comparison page, declared once.

The same declaration validates a parsed file (with "did you mean" suggestions
and a path to every problem) and exports the JSON Schema shipped to editors
(``sphinx-apidiff schema``), so the two cannot drift apart.

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

from sphinx_apidiff.model.vocabulary import (
    AUTHOR_CATEGORIES,
    DEFAULT_ATOL,
    DEFAULT_DTYPE,
    DEFAULT_HIGH,
    DEFAULT_LOW,
    DEFAULT_RTOL,
    DEFAULT_SEED,
    DTYPES,
    MAX_SWEEP_CELLS,
    SWEEP_DTYPES,
    SWEEP_TOLERANCE,
    DtypeExpect,
    Expect,
    Weights,
)

KeyPath = tuple[str | int, ...]

SCHEMA_ID = "https://sphinx-apidiff.readthedocs.io/schema/pair-v1.json"
#: The schema's file name in a site's ``_static/`` folder and in a project
#: (``sphinx-apidiff new``), where editors find it by a pair file's first line.
SCHEMA_NAME = "apidiff.schema.json"


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


def _number(value: float) -> str:
    """A default as people write it: ``1e-6``, not ``1e-06``."""
    return f"{value:g}".replace("e-0", "e-")


#: Most dimensions of an input (numpy 1.x, MegEngine's, allows 32).
MAX_DIMS = 32
#: Longest timeout of one example, in seconds (a day).
MAX_TIMEOUT = 86400.0

EXPECT = tuple(e.value for e in Expect)
DTYPE_EXPECT = tuple(d.value for d in DtypeExpect)

INPUT = Map(
    doc="One input, built once as a numpy array and given to every framework as its tensor.",
    keys={
        "shape": Key(
            List(
                Number(integer=True, minimum=0),
                doc="Shape of a generated array.",
                max_items=MAX_DIMS,
            )
        ),
        "dtype": Key(Enum(DTYPES, doc=f"Element type (default {DEFAULT_DTYPE}).")),
        "low": Key(
            Number(integer=True, doc=f"Lowest integer drawn (inclusive, default {DEFAULT_LOW}).")
        ),
        "high": Key(
            Number(integer=True, doc=f"Highest integer drawn (exclusive, default {DEFAULT_HIGH}).")
        ),
        "value": Key(AnyValue(doc="A literal value (nested lists) instead of random data.")),
        "as": Key(
            Enum(("tensor", "numpy"), doc="Give the snippet a tensor (default) or the numpy array.")
        ),
    },
)

RECIPE = Map(
    doc="How to get the same result: per framework, code that replaces the example's code "
    "(the other frameworks keep theirs); or 'none' with the reason no equivalent exists.",
    keys={"none": Key(Localized(doc="Why no code gets the same result."))},
    extra=Str(doc="Python code replacing this framework's snippet."),
)


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


#: Where a framework keeps a reference parameter: its own parameter's name, and the view of
#: it that holds the reference's values (indexing, and reshapes): ``w``, ``bias[0, :, 0, 0]``,
#: ``_flatten_weights.reshape(-1)[0:128].reshape(32, 4)``.
NAME_TARGET = r"[A-Za-z0-9_][A-Za-z0-9_.]*?(\[[0-9:, -]*\]|\.(reshape|transpose)\([0-9, -]*\)|\.T)*"

MODULE = Map(
    doc="A module built before the snippet runs, in every framework (per framework: the "
    "expression that builds it), with the same parameters on every side by default.",
    keys={
        "weights": Key(
            Enum(
                tuple(w.value for w in Weights),
                doc="shared (default): every framework's parameters get the same values, "
                "uniform in [-0.5, 0.5), drawn per parameter name of the reference; own: each "
                "framework's own initialisation.",
            )
        ),
        "names": Key(
            Dict(
                Dict(
                    Str(
                        doc="This framework's parameter name, and the view of it that holds "
                        "the reference's where one parameter holds several (``w[:, 0:4]``, "
                        "``w.reshape(-1)[0:128].reshape(32, 4)``, ``w[:, 0:4].T``).",
                        pattern=NAME_TARGET,
                        pattern_help="a parameter name, then optional [index], "
                        ".reshape(...), .transpose(...) and .T views",
                    ),
                    key_pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.]*$",
                    dotted=True,
                    doc="The reference's parameter name -> this framework's.",
                ),
                doc="Per framework, where its parameter names differ from the reference's.",
            )
        ),
    },
    extra=Str(doc="Python expression that builds the module in this framework."),
)

GRAD = Map(
    doc="Gradients computed after the snippet, in each framework its own way (PyTorch "
    "autograd, MegEngine's GradManager), compared like values.",
    keys={
        "of": Key(
            Str(doc="The snippet's variable differentiated (a scalar, or see upstream)."),
            required=True,
        ),
        "upstream": Key(
            Str(doc="An input: the gradient flowing into 'of' (needed where 'of' is no scalar).")
        ),
        "wrt": Key(
            List(
                Str(),
                doc="Inputs, and declared modules (all their parameters), to differentiate "
                "with respect to.",
                min_items=1,
            ),
            required=True,
        ),
    },
)

SWEEP = Map(
    doc="Run the example again for each dtype and seed: one cell of a matrix per pair.",
    keys={
        "dtypes": Key(
            List(
                Enum(SWEEP_DTYPES),
                doc="The dtypes given to the swept inputs, one cell each.",
                min_items=1,
                max_items=len(SWEEP_DTYPES),
            )
        ),
        "seeds": Key(
            CountOrList(
                doc="The seeds of the inputs: a count (3: the example's seed and the next "
                "two) or a list (default: the example's seed).",
                max_items=MAX_SWEEP_CELLS,
            )
        ),
        "inputs": Key(
            List(
                Str(),
                doc="The inputs the dtype applies to (default: every generated float input).",
                min_items=1,
            )
        ),
        "atol": Key(
            Dict(
                Number(minimum=0),
                doc="Absolute tolerance by dtype (default: the example's; float16 and "
                "bfloat16 at least "
                + ", ".join(f"{d} {_number(t[0])}" for d, t in SWEEP_TOLERANCE.items())
                + ").",
            )
        ),
        "rtol": Key(Dict(Number(minimum=0), doc="Relative tolerance by dtype (as atol).")),
    },
)

EXAMPLE = Map(
    doc="An example run in every framework on the same inputs.",
    keys={
        "title": Key(Localized(doc="Heading of the example.")),
        "inputs": Key(Dict(INPUT, doc="Variables made from the same numpy arrays on every side.")),
        "code": Key(
            Dict(Str(doc="Python code."), doc="The snippet of each framework.", min_items=1),
            required=True,
        ),
        "compare": Key(List(Str(), doc="Variables compared across frameworks after the run.")),
        "atol": Key(
            Number(minimum=0, doc=f"Absolute tolerance (default {_number(DEFAULT_ATOL)}).")
        ),
        "rtol": Key(
            Number(minimum=0, doc=f"Relative tolerance (default {_number(DEFAULT_RTOL)}).")
        ),
        "expect": Key(Enum(EXPECT, doc="What the author claims the status is (default match).")),
        "seed": Key(
            Number(
                integer=True,
                minimum=0,
                doc=f"Seed of the generated inputs (default {DEFAULT_SEED}).",
            )
        ),
        "timeout": Key(
            Number(minimum=0, maximum=MAX_TIMEOUT, doc="Seconds before the example is stopped.")
        ),
        "dtype": Key(
            Enum(
                DTYPE_EXPECT,
                doc="Whether the compared values' dtypes differ across frameworks (default same).",
            )
        ),
        "recipe": Key(RECIPE),
        "modules": Key(Dict(MODULE, doc="Modules built before the snippet, by the name it uses.")),
        "grad": Key(GRAD),
        "sweep": Key(SWEEP),
    },
)

PARAM_ROW = Map(
    doc="One row of the parameter table: the name of the parameter in each framework that has it.",
    keys={
        "note": Key(Localized(doc="What differs, shown in the table and in its own subsection.")),
        "examples": Key(
            List(
                Number(integer=True, minimum=1),
                doc="The examples (numbered from 1) that show what the note says; the table "
                "shows their verdicts beside it.",
            )
        ),
        "meaning": Key(
            Enum(
                ("same", "differs"),
                doc="'differs': the names correspond but the values mean different things "
                "(shown as a difference; check --uncited asks for an example).",
            )
        ),
    },
    extra=Str(doc="The parameter's name in this framework."),
)

PAIR = Map(
    doc="A comparison page: two or more APIs that do the same job in different frameworks.",
    keys={
        "id": Key(
            Str(
                doc="Page id; the page gets the label comparison-<id>.",
                pattern=r"[A-Za-z0-9_][A-Za-z0-9_.-]*",
                pattern_help="letters, digits, '_', '-' and '.' (it names a label and a file)",
            )
        ),
        "title": Key(Localized(doc="Title (default: last component of the first API).")),
        "apis": Key(
            Dict(
                StrOrMap(
                    Str(doc="Full dotted name of the API."),
                    Map(
                        keys={
                            "none": Key(
                                Str(
                                    doc="The name the API would have: the build checks that "
                                    "it does not exist."
                                ),
                                required=True,
                            )
                        },
                        doc="This framework has no counterpart.",
                    ),
                ),
                doc="Framework -> API (or {none: name}: no counterpart). The first one is the "
                "reference.",
                min_items=2,
            ),
            required=True,
        ),
        "signatures": Key(Dict(Str(), doc="Signature text, only where introspection cannot work.")),
        "summary": Key(Localized(doc="One sentence on how the APIs relate.")),
        "usage": Key(Localized(doc="Usage differences, in the markup of the including document.")),
        "params": Key(List(PARAM_ROW, doc="Explicit parameter rows.")),
        "category": Key(Enum(AUTHOR_CATEGORIES, doc="Override of the computed category.")),
        "examples": Key(List(EXAMPLE, doc="Examples executed in every framework.")),
    },
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a pair file."""
    schema = PAIR.json()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sphinx-apidiff comparison pair",
        **schema,
    }


def validate(data: Any) -> list[Problem]:
    """The problems of a parsed pair file against the format (an empty list: valid)."""
    return list(PAIR.check(data, ()))
