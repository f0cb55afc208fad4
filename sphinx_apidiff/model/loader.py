"""The line-aware YAML loader: a document as values, the line of every node, the parts
the schema accepted. Never raises on any text but :class:`yaml.YAMLError` and
:class:`Unreadable`, which :func:`~sphinx_apidiff.model.spec.parse_pair` turns into
diagnostics. No Sphinx, no numpy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

from sphinx_apidiff.model.diagnostics import Diagnostic
from sphinx_apidiff.model.types import KeyPath, Problem
from sphinx_apidiff.model.vocabulary import Subtype

_SAFE_TAGS = {
    "tag:yaml.org,2002:map",
    "tag:yaml.org,2002:seq",
}


#: libyaml's parser, when PyYAML was built with it: 15 times faster on a pair file (0.24 ms
#: against 3.5 ms for four examples). A document it rejects is read again by the pure-Python
#: parser, so that diagnostics are the same with or without libyaml (tested with Hypothesis).
_FAST_LOADER = getattr(yaml, "CSafeLoader", None)

#: Most nodes a document may expand to (aliases can multiply a small file).
MAX_NODES = 100_000
#: Deepest nesting of a document (a pair file needs six levels).
MAX_DEPTH = 100


class Unreadable(Exception):
    """The document cannot be turned into values; ``line`` is 0-based in the text."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.message, self.line = message, line


class LocatedDocument:
    """A YAML document turned into Python values plus a path -> line index."""

    def __init__(self, text: str, line_offset: int) -> None:
        self.offset = line_offset
        # YAML counts the same line breaks as str.splitlines, or fewer: no line beyond
        self.last_line = line_offset + max(len(text.splitlines()), 1)
        # PyYAML rejects tabs outside quoted scalars where libyaml accepts them: a text
        # with a tab is PyYAML's alone, so that both builds of PyYAML accept the same files.
        if _FAST_LOADER is not None and "\t" not in text:
            try:
                self.data = self._load(_FAST_LOADER, text)
                return
            except (yaml.YAMLError, Unreadable):
                pass  # read again below, for PyYAML's own message and line
        self.data = self._load(yaml.SafeLoader, text)

    def _load(self, loader_class: Any, text: str) -> Any:
        self.lines: dict[tuple[Any, ...], int] = {}
        self.content_lines: dict[tuple[Any, ...], int] = {}
        self.problems: list[Diagnostic] = []
        self._nodes = 0
        self._active: set[int] = set()
        loader = loader_class(text)
        try:
            node = loader.get_single_node()
            return None if node is None else self._walk(loader, node, ())
        finally:
            loader.dispose()

    def _line(self, mark: Any) -> int:
        return self.clamp(int(mark.line) + 1 + self.offset)

    def clamp(self, line: int) -> int:
        """A line of the file (an error at the end of the text points at its last line)."""
        return min(max(line, self.offset + 1), self.last_line)

    def _construct(self, loader: yaml.SafeLoader, node: yaml.Node) -> Any:
        try:
            return loader.construct_object(node, deep=True)
        except yaml.YAMLError:
            raise
        except (ValueError, TypeError, OverflowError) as exc:
            # e.g. a date that does not exist (2024-02-30), an integer of 5000 digits
            raise Unreadable(
                f"cannot read the value {clip(node.value)!r}: {exc}", node.start_mark.line
            ) from None

    def _walk(self, loader: yaml.SafeLoader, node: yaml.Node, path: tuple[Any, ...]) -> Any:
        self._nodes += 1
        if self._nodes > MAX_NODES:
            raise Unreadable(
                f"the document expands to more than {MAX_NODES} values (aliases?)",
                node.start_mark.line,
            )
        if len(path) > MAX_DEPTH:
            raise Unreadable(f"nested more than {MAX_DEPTH} levels", node.start_mark.line)
        self.lines.setdefault(path, self._line(node.start_mark))
        if isinstance(node, yaml.ScalarNode):
            # Content line: a block scalar ("|", ">") starts on the next line.
            first = self._line(node.start_mark) + (1 if node.style in ("|", ">") else 0)
            self.content_lines[path] = self.clamp(first)
            return self._construct(loader, node)
        if node.tag not in _SAFE_TAGS:
            raise yaml.constructor.ConstructorError(
                None, None, f"tag {node.tag!r} is not allowed", node.start_mark
            )
        if id(node) in self._active:  # an alias inside its own anchor
            raise Unreadable("an alias refers to a node that contains it", node.start_mark.line)
        self._active.add(id(node))
        try:
            if isinstance(node, yaml.SequenceNode):
                return [self._walk(loader, item, (*path, i)) for i, item in enumerate(node.value)]
            assert isinstance(node, yaml.MappingNode)
            loader.flatten_mapping(node)
            return self._mapping(loader, node, path)
        finally:
            self._active.discard(id(node))

    def _mapping(
        self, loader: yaml.SafeLoader, node: yaml.MappingNode, path: tuple[Any, ...]
    ) -> dict[Any, Any]:
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            line = self._line(key_node.start_mark)
            if not isinstance(key_node, yaml.ScalarNode):
                what = "a list" if isinstance(key_node, yaml.SequenceNode) else "a mapping"
                self.problems.append(
                    Diagnostic(Subtype.SPEC, f"a key must be a word or a number, not {what}", line)
                )
                continue
            key = self._construct(loader, key_node)  # a scalar: always hashable
            if key in result:
                self.problems.append(Diagnostic(Subtype.SPEC, f"duplicate key {clip(key)!r}", line))
            self.lines[(*path, key)] = line
            result[key] = self._walk(loader, value_node, (*path, key))
        return result

    def line(self, path: tuple[Any, ...]) -> int:
        """The line of ``path``, or of its nearest ancestor present in the document."""
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), self.offset + 1)


class ValidParts:
    """The parts of a document that the schema accepted; nothing else can be read.

    ``get`` returns a value only when no problem blocks its path, an ancestor of
    it or anything below it, so a reader of a validated path may trust its type.
    ``optional(blocked)`` names the part that a problem's blocked path lies in when
    that part can be left out alone (an example's title): the part is unreadable, the
    mapping around it stays readable.
    """

    def __init__(
        self,
        data: dict[Any, Any],
        problems: list[Problem],
        optional: Callable[[KeyPath], KeyPath | None] = lambda blocked: None,
    ) -> None:
        self.data = data
        self.blocked = [(problem.blocked, optional(problem.blocked)) for problem in problems]

    def ok(self, *path: Any) -> bool:
        """Whether no problem blocks ``path``, an ancestor of it or anything below it
        (below it in an optional part blocks only that part)."""
        n = len(path)
        for blocked, part in self.blocked:
            if path[: len(blocked)] == blocked:
                return False
            if blocked[:n] == path and (part is None or n >= len(part)):
                return False
        return True

    def has(self, *path: Any) -> bool:
        """Whether ``path`` may be read and holds a value (not missing, not null)."""
        return self.get(*path) is not None

    def get(self, *path: Any, default: Any = None) -> Any:
        """The value at ``path``, or ``default`` when it is blocked, missing or null."""
        if not self.ok(*path):
            return default
        value: Any = self.data
        for key in path:
            in_list = isinstance(value, list) and isinstance(key, int) and 0 <= key < len(value)
            if not (in_list or (isinstance(value, dict) and key in value)):
                return default
            value = value[key]
        return default if value is None else value


def yaml_problem(exc: yaml.YAMLError, text: str, line_offset: int) -> Diagnostic:
    """A YAML error as a diagnostic at a line of the file."""
    last = line_offset + max(len(text.splitlines()), 1)
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text[: exc.position].count("\n") + 1 + line_offset
        what = f"U+{exc.character:04X}" if isinstance(exc.character, int) else "a character"
        message = f"malformed YAML: {what} is not allowed ({exc.reason})"
        return Diagnostic(Subtype.YAML, message, min(line, last))
    problem_mark = getattr(exc, "problem_mark", None)
    context_mark = getattr(exc, "context_mark", None)
    mark = problem_mark or context_mark
    line = int(mark.line) + 1 + line_offset if mark is not None else line_offset + 1
    if line > last and context_mark is not None:  # "unexpected end of stream": where it began
        line = int(context_mark.line) + 1 + line_offset
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    context = getattr(exc, "context", None)
    if (
        context
        and problem_mark is not None
        and context_mark is not None
        and context_mark.line != problem_mark.line
    ):
        problem = f"{problem} ({context} at line {context_mark.line + 1 + line_offset})"
    if "expected a single document" in str(context):
        problem = "a pair file holds one YAML document; another one starts here"
    tag_error = isinstance(exc, yaml.constructor.ConstructorError) and "tag" in str(problem)
    if tag_error:
        message = f"YAML tag not allowed (pair files are read safely): {problem}"
    else:
        message = f"malformed YAML: {problem}"
    return Diagnostic(Subtype.YAML, message, min(max(line, line_offset + 1), last))


def clip(value: Any, limit: int = 40) -> str:
    """``value`` as text cut at ``limit`` characters, to quote it in a message."""
    text = str(value)
    return text if len(text) <= limit else f"{text[:limit]}..."
