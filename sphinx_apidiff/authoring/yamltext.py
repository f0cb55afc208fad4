"""The one YAML writer of the authoring tools (``sphinx-apidiff new`` and ``import``).

PyYAML's ``dump`` drops comments and quotes by rules of its own; the drafts and the
imported pages need comments where the tools put them (``# review`` on a row, the
corrections of an import, a legacy example kept as a comment block), ``|`` blocks for
code and multi-line prose, flow style for small values (``{en: ..., zh_CN: ...}``),
and scalars that read back exactly as given. A :class:`Mapping` is built entry by
entry; :meth:`Mapping.document` writes it and checks that the text loads back
(``yaml.safe_load``) to the very data it was given.

No Sphinx imports here.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any, Literal, TypeAlias

import yaml

Scalar: TypeAlias = str | int | float | bool | None
#: What an entry can hold; a ``dict`` or ``list`` is written in block style.
Value: TypeAlias = "Scalar | Flow | Mapping | Sequence | dict[str, Any] | list[Any]"
Context = Literal["block", "flow"]

_INDENT = 2


@dataclass(frozen=True)
class Flow:
    """A small mapping or list written on one line: ``{en: ..., zh_CN: ...}``, ``[2, 3]``."""

    value: dict[str, Any] | list[Any]


@dataclass(frozen=True)
class _Entry:
    key: str | None  # None: an item of a sequence
    value: Any
    comment: str | None


@dataclass(frozen=True)
class _Comment:
    lines: tuple[str, ...]
    blank_before: bool


class _Block:
    """Entries of a block collection, with comment lines among and after them."""

    def __init__(self) -> None:
        self._items: list[_Entry | _Comment] = []

    def comment(self, *lines: str, blank_before: bool = False) -> None:
        """Comment lines at this point, at the indentation of the entries."""
        for line in lines:
            if "\n" in line:
                raise ValueError(f"a comment line holds a line break: {line!r}")
        self._items.append(_Comment(tuple(lines), blank_before))

    def _entries(self) -> list[_Entry]:
        return [item for item in self._items if isinstance(item, _Entry)]

    def _lines(self, indent: int) -> list[str]:
        pad = " " * indent
        out: list[str] = []
        for item in self._items:
            if isinstance(item, _Comment):
                if item.blank_before:
                    out.append("")
                out += [f"{pad}# {line}".rstrip() for line in item.lines]
            else:
                lead = f"{pad}- " if item.key is None else f"{pad}{_key(item.key)}:"
                out += _entry_lines(lead, item.value, item.comment, indent)
        return out


class Mapping(_Block):
    """A block mapping being written: entries in order, with comments where they are added."""

    def add(self, key: str, value: Value, *, comment: str | None = None) -> Mapping:
        """Add ``key: value`` (``comment`` at the end of its first line); returns self."""
        if key in {e.key for e in self._entries()}:
            raise ValueError(f"duplicate key {key!r}")
        self._items.append(_Entry(key, value, _one_line(comment)))
        return self

    def data(self) -> dict[str, Any]:
        """The plain data the mapping holds (what its YAML loads back to)."""
        return {e.key: _data(e.value) for e in self._entries() if e.key is not None}

    def document(self) -> str:
        """The YAML text of a whole document; raises RuntimeError if it would not load back."""
        text = "\n".join(self._lines(0)) + "\n"
        try:
            loaded = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise RuntimeError(f"the YAML written does not load: {exc}\n{text}") from None
        if loaded != self.data():
            raise RuntimeError(f"the YAML written does not load back as given:\n{text}")
        return text


class Sequence(_Block):
    """A block sequence being written: items in order, with comments where they are added."""

    def append(self, value: Value, *, comment: str | None = None) -> Sequence:
        """Add an item (``comment`` at the end of its first line); returns self."""
        self._items.append(_Entry(None, value, _one_line(comment)))
        return self

    def clear(self) -> Sequence:
        """Remove every item and comment (to write the sequence again); returns self."""
        self._items.clear()
        return self

    def data(self) -> list[Any]:
        """The plain data the sequence holds."""
        return [_data(e.value) for e in self._entries()]


def _one_line(comment: str | None) -> str | None:
    if comment is not None and "\n" in comment:
        raise ValueError(f"a comment holds a line break: {comment!r}")
    return comment


def _data(value: Any) -> Any:
    if isinstance(value, Mapping | Sequence):
        return value.data()
    if isinstance(value, Flow):
        return _data(value.value)
    if isinstance(value, dict):
        return {k: _data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_data(v) for v in value]
    return value


def _as_block(value: Any) -> Any:
    """A plain ``dict`` or ``list`` as the block collection that writes it."""
    if isinstance(value, dict):
        mapping = Mapping()
        for k, v in value.items():
            mapping.add(k, v)
        return mapping
    if isinstance(value, list | tuple):
        sequence = Sequence()
        for v in value:
            sequence.append(v)
        return sequence
    return value


def _entry_lines(lead: str, value: Any, comment: str | None, indent: int) -> list[str]:
    """``lead`` (``key:`` or ``- ``) and its value, at ``indent``."""
    tail = f"  # {comment}" if comment else ""
    value = _as_block(value)
    item = lead.endswith("- ")
    if isinstance(value, Mapping | Sequence):
        if not value._entries():
            empty = "{}" if isinstance(value, Mapping) else "[]"
            return [f"{lead.rstrip()} {empty}{tail}"]
        inner = value._lines(indent + _INDENT)
        first = inner[0]
        if item and not tail and first.strip() and not first.lstrip().startswith("#"):
            # "- key: value": the first entry of an item goes on the dash's line
            return [lead + first[indent + _INDENT :], *inner[1:]]
        return [lead.rstrip() + tail, *inner]
    if isinstance(value, Flow):
        text = _flow(value.value)
    else:
        text = scalar(value, "block", indent + _INDENT)
    first, *rest = text.split("\n")
    sep = "" if item else " "
    return [f"{lead}{sep}{first}{tail}", *rest]


def _flow(value: Any) -> str:
    if isinstance(value, Flow):
        value = value.value
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_key(k)}: {_flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_flow(v) for v in value) + "]"
    return scalar(value, "flow", 0)


def _key(key: str) -> str:
    if not isinstance(key, str):
        raise TypeError(f"keys are strings here, not {key!r}")
    return key if _plain_key(key) else _double_quoted(key)


# -- scalars ----------------------------------------------------------------------------


def scalar(value: Scalar, context: Context = "block", indent: int = _INDENT) -> str:
    """``value`` as YAML that loads back to it: plain when that is safe, a ``|`` block
    for text with line breaks (lines at ``indent`` spaces), else double-quoted."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return ".nan"
        if math.isinf(value):
            return ".inf" if value > 0 else "-.inf"
        text = repr(value).lower()
        if "." not in text and "e" in text:  # YAML 1.1 wants the dot: 1.0e-300, not 1e-300
            text = text.replace("e", ".0e", 1)
        if not _loads_back(text, value):
            raise ValueError(f"no YAML float reads back as {value!r}")
        return text
    if not isinstance(value, str):
        raise TypeError(f"not a YAML scalar: {value!r}")
    if "\n" in value:
        if context == "block":
            block = _literal(value, indent)
            if block is not None:
                return block
        return _double_quoted(value)
    return value if _plain(value, context) else _double_quoted(value)


def _printable(ch: str) -> bool:
    """Characters a YAML reader takes as they are, and not as a line break."""
    code = ord(ch)
    return (
        0x20 <= code <= 0x7E
        or 0xA0 <= code <= 0xD7FF
        or (0xE000 <= code <= 0xFFFD and code != 0xFEFF)
        or code >= 0x10000
    ) and ch not in "\u2028\u2029"


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\t": "\\t", "\r": "\\r", "\0": "\\0"}


def _double_quoted(text: str) -> str:
    """``text`` double-quoted on one line, every character that could be misread escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif _printable(ch):
            out.append(ch)
        elif ord(ch) <= 0xFF:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) <= 0xFFFF:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return '"' + "".join(out) + '"'


def _loads(text: str) -> Any:
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError:
        return _FAILED


_FAILED = object()


def _loads_back(text: str, value: Any) -> bool:
    loaded = _loads(f"k: {text}")
    return isinstance(loaded, dict) and loaded == {"k": value} and type(loaded["k"]) is type(value)


@functools.lru_cache(maxsize=4096)
def _plain(text: str, context: Context) -> bool:
    """Can ``text`` be written unquoted where a value goes, in block or in flow style?"""
    if not text or text != text.strip() or not all(_printable(ch) for ch in text):
        return False
    if context == "flow":
        probes = [(f"[{text}]", [text]), (f"{{k: {text}}}", {"k": text})]
    else:
        probes = [(f"k: {text}", {"k": text}), (f"- {text}", [text])]
    return all(_loads(probe) == expected for probe, expected in probes)


@functools.lru_cache(maxsize=1024)
def _plain_key(text: str) -> bool:
    if not text or text != text.strip() or not all(_printable(ch) for ch in text):
        return False
    probes = [(f"{text}: 0", {text: 0}), (f"{{{text}: 0}}", {text: 0})]
    return all(_loads(probe) == expected for probe, expected in probes)


def _literal(text: str, indent: int) -> str | None:
    """``text`` as a ``|`` block with its lines at ``indent`` spaces, or None if it cannot be."""
    if not all(ch in "\n\t" or _printable(ch) for ch in text):
        return None
    if text.endswith("\n\n") or not text.strip():
        return None  # trailing blank lines would swallow what follows
    body, chomp = (text[:-1], "") if text.endswith("\n") else (text, "-")
    lines = body.split("\n")
    first = next(line for line in lines if line.strip())
    indicator = str(_INDENT) if first[:1] in (" ", "\t") or lines[0] == "" else ""
    header = f"|{indicator}{chomp}\n"
    probe = header + "\n".join("  " + line if line else "" for line in lines) + "\n"
    if _loads(f"k: {probe}") != {"k": text}:
        return None
    pad = " " * indent
    return header + "\n".join(pad + line if line else "" for line in lines)
