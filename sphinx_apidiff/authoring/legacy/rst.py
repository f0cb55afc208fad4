"""Reading a legacy page's reStructuredText line by line, into top-level blocks.

Line based (no docutils): legacy pages are full of markup that docutils rejects or
misreads (``.. code-block::: python``, stray lines inside the panels, under-length
underlines), and the importer must survive them.

No Sphinx imports here.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field
from enum import StrEnum

_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:.<>_])\1{2,}\s*$")
_LABEL = re.compile(r"^\.\.\s+_([^:]+):\s*$")
_DIRECTIVE = re.compile(r"^\.\.\s+([A-Za-z][\w-]*(?::[\w-]+)?)\s*:{2,3}(?!:)\s*(.*)$")
OPTION = re.compile(r"^\s*:[\w-]+:")
_CODE_DIRECTIVES = {"code-block", "code", "sourcecode"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
IDENT = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_])")
_DOTTED = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
ROLE = re.compile(r":(?:py:)?(?:class|func|meth|obj|data|attr|mod):`~?([^`<]+?)(?:\s*<([^>]+)>)?`")


class BlockKind(StrEnum):
    """What a top-level block of a page is."""

    HEADING = "heading"
    LABEL = "label"
    DIRECTIVE = "directive"
    CODE = "code"
    PANELS = "panels"
    PARA = "para"  # a paragraph, or an indented block quote (legacy pages use them by accident)
    COMMENT = "comment"


@dataclass
class Block:
    """A top-level block, with its page line and what its kind needs."""

    kind: BlockKind
    line: int  # 1-based line in the page
    text: str = ""  # para: dedented text; code: body; directive: the whole directive
    name: str = ""  # heading: title; directive: its name; label: the label
    args: str = ""  # directive arguments (code: the language)
    style: tuple[str, str] = ("", "")  # heading: ("over" | "under", character)
    body: list[str] = field(default_factory=list)  # panels: raw body lines
    body_line: int = 0  # panels: page line of body[0]
    stray: list[tuple[int, str]] = field(default_factory=list)  # panels: stray col-0 lines


def _is_adornment(line: str) -> bool:
    return bool(_ADORNMENT.match(line))


def _heading_at(lines: list[str], i: int) -> bool:
    text = lines[i].strip()
    return (
        bool(text)
        and not _is_adornment(lines[i])
        and i + 1 < len(lines)
        and _is_adornment(lines[i + 1])
        and not lines[i].startswith(".. ")
    )


def _overline_at(lines: list[str], i: int) -> bool:
    return (
        i + 2 < len(lines)
        and _is_adornment(lines[i])
        and bool(lines[i + 1].strip())
        and _is_adornment(lines[i + 2])
        and lines[i][0] == lines[i + 2][0]
    )


def dedent(lines: list[str]) -> list[str]:
    """The lines without their common indentation (and trailing spaces)."""
    text = textwrap.dedent("\n".join(line.rstrip() for line in lines))
    return text.split("\n")


def _trim(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines = lines[:-1]
    while lines and not lines[0].strip():
        lines = lines[1:]
    return lines


def _panels_go_on(lines: list[str], j: int) -> bool:
    """Is ``lines[j]``, at column 0, a stray line with more panels after it?"""
    if _heading_at(lines, j) or lines[j].startswith(".."):
        return False
    k = j + 1
    while k < len(lines) and not lines[k].strip():
        k += 1
    while k < len(lines) and (not lines[k].strip() or lines[k][0] in " \t"):
        if re.match(r"^\s+(-{3,}|\^{3,})\s*$", lines[k]):
            return True
        k += 1
    return False


def tokenize(lines: list[str], offset: int = 0) -> list[Block]:
    """Top-level blocks of reST lines (``offset``: page line of ``lines[0]``, minus one)."""
    blocks: list[Block] = []
    n = len(lines)
    i = 0
    while i < n:
        line = lines[i]
        if not line.strip():
            i += 1
            continue
        lineno = i + 1 + offset
        if _overline_at(lines, i):
            blocks.append(
                Block(
                    BlockKind.HEADING,
                    lineno + 1,
                    name=lines[i + 1].strip(),
                    style=("over", lines[i][0]),
                )
            )
            i += 3
            continue
        if _heading_at(lines, i):
            blocks.append(
                Block(
                    BlockKind.HEADING, lineno, name=line.strip(), style=("under", lines[i + 1][0])
                )
            )
            i += 2
            continue
        if _is_adornment(line):  # a transition, or an underline without its title
            i += 1
            continue
        label = _LABEL.match(line)
        if label:
            blocks.append(Block(BlockKind.LABEL, lineno, name=label.group(1).strip()))
            i += 1
            continue
        if line.startswith(".."):
            directive = _DIRECTIVE.match(line)
            name = directive.group(1) if directive else ""
            j = i + 1
            stray: list[tuple[int, str]] = []
            while j < n:
                if not lines[j].strip() or lines[j][0] in " \t":
                    j += 1
                elif name == "panels" and _panels_go_on(lines, j):
                    stray.append((j + 1 + offset, lines[j]))  # a stray line inside the panels
                    j += 1
                else:
                    break
            body = [
                ln
                for k, ln in enumerate(lines[i + 1 : j], start=i + 1)
                if (k + 1 + offset, ln) not in stray
            ]
            if directive is None:
                blocks.append(Block(BlockKind.COMMENT, lineno, text="\n".join(lines[i:j])))
            elif name == "panels":
                blocks.append(
                    Block(
                        BlockKind.PANELS,
                        lineno,
                        name=name,
                        body=body,
                        body_line=lineno + 1,
                        stray=stray,
                    )
                )
            elif name in _CODE_DIRECTIVES:
                content = list(body)
                while content and OPTION.match(content[0]):
                    content = content[1:]
                code = "\n".join(_trim(dedent(content)))
                blocks.append(
                    Block(
                        BlockKind.CODE,
                        lineno,
                        text=code,
                        name=name,
                        args=directive.group(2).strip().lstrip(":").strip(),
                    )
                )
            else:
                raw = [line, *body]
                blocks.append(
                    Block(
                        BlockKind.DIRECTIVE,
                        lineno,
                        text="\n".join(_trim([ln.rstrip() for ln in raw])),
                        name=name,
                        args=directive.group(2).strip(),
                    )
                )
            i = j
            continue
        # a paragraph (or an indented block quote, which legacy pages use by accident)
        j = i
        while (
            j < n
            and lines[j].strip()
            and not (j > i and lines[j].startswith(".."))
            and not (j > i and (_heading_at(lines, j) or _overline_at(lines, j)))
        ):
            j += 1
        text = "\n".join(dedent(lines[i:j]))
        blocks.append(Block(BlockKind.PARA, lineno, text=text))
        i = j
    return blocks


def has_cjk(text: str) -> bool:
    """Does ``text`` hold Chinese, Japanese or full-width characters?"""
    return bool(_CJK.search(text))


def short(text: str, width: int = 60) -> str:
    """``text`` on one line, cut to ``width`` characters (for messages)."""
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def api_in(text: str) -> str | None:
    """The dotted API name in a panel header (plain, in a role, or in backquotes)."""
    role = ROLE.search(text)
    if role:
        return (role.group(2) or role.group(1)).strip().lstrip("~")
    match = _DOTTED.search(text.replace("`", " "))
    return match.group(0) if match else None
