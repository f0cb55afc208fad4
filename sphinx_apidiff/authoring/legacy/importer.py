"""``sphinx-apidiff import``: a legacy hand-written comparison page -> a YAML pair.

Legacy pages (MegEngine's ``reference/comparison/*.rst``) put the two APIs
side by side in a sphinx-panels block, each with a hand-copied signature, then
prose sections: usage differences (使用差异), parameter differences (参数差异)
with one subsection per parameter, and examples that never ran.

:func:`parse_legacy` reads what the page says, with the line of every part and
without trusting any of it. :func:`import_legacy` then checks the page against
the real libraries (through the :class:`~sphinx_apidiff.execute.Engine` it is
given): it corrects API names that do not exist, keeps only parameter names
that the real signatures have, and reports everything else (wrong signatures,
code blocks naming another API, text it could not map) as notes for review.
The examples are not carried over as examples, since nobody ever ran them:
they are kept as a YAML comment.

The reader is line based (no docutils): legacy pages are full of markup that
docutils rejects or misreads (``.. code-block::: python``, stray lines inside
the panels, under-length underlines), and the importer must survive them.

No Sphinx imports here.
"""

from __future__ import annotations

import ast
import difflib
import json
import re
import textwrap
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import yaml

from sphinx_apidiff.analysis.signature import Signature
from sphinx_apidiff.model.schema import SCHEMA_ID
from sphinx_apidiff.model.spec import parse_pair


class NotAComparisonPage(ValueError):
    """The page has no panels comparing two APIs of two frameworks."""


# -- what the page says --------------------------------------------------------------------


@dataclass
class LegacyParam:
    """A parameter subsection: its name (from the heading), its text, its heading line."""

    name: str
    note: str | None
    line: int
    title: str = ""  # the heading as written
    section: str = "params"  # "params", or "usage" for a usage subsection named after a parameter
    rename: tuple[str, str] | None = None  # a rename stated in the subsection's own text


@dataclass
class LegacyRename:
    """A rename stated in the prose ("X 对应 Y"), names in the order of the panels."""

    names: tuple[str, str]
    text: str  # the paragraph that states it (the note of its row)
    line: int
    param: str | None = None  # the parameter subsection it belongs to, if any


@dataclass
class Panel:
    """One card of the panels: the header, its code block, the header's line."""

    api: str
    signature: str | None
    line: int
    signature_line: int | None = None
    refs: list[str] = field(default_factory=list)  # APIs of its "更多请查看 :py:class:`...`" link
    inferred: bool = False  # no panels on the page: the API was inferred from the names it uses

    @property
    def framework(self) -> str:
        return self.api.split(".", 1)[0]


@dataclass
class LegacyPage:
    """A legacy page, parsed: what it says, with lines, nothing checked yet."""

    title: str
    language: str  # "zh_CN" if the prose has CJK characters, else "en"
    panels: list[Panel]
    usage: str | None
    params: list[LegacyParam]
    renames: list[tuple[str, str]]
    code_blocks: list[str]
    unmapped: list[str]
    label: str | None = None
    raw_title: str = ""
    title_line: int | None = None
    summary: str | None = None
    usage_line: int | None = None
    rename_sources: list[LegacyRename] = field(default_factory=list)
    code_meta: list[tuple[int, str | None]] = field(default_factory=list)  # (line, lead-in)
    inferred_from: dict[str, list[str]] = field(default_factory=dict)  # fw -> other candidates

    @property
    def id(self) -> str | None:
        if not self.label:
            return None
        return self.label.removeprefix("comparison-") or self.label


# -- reading reStructuredText line by line ----------------------------------------------------

_ADORNMENT = re.compile(r"^([=\-~^\"'`#*+:.<>_])\1{2,}\s*$")
_LABEL = re.compile(r"^\.\.\s+_([^:]+):\s*$")
_DIRECTIVE = re.compile(r"^\.\.\s+([A-Za-z][\w-]*(?::[\w-]+)?)\s*:{2,3}(?!:)\s*(.*)$")
_DIRECTIVE_3 = re.compile(r"^(\s*\.\.\s+[A-Za-z][\w-]*(?::[\w-]+)?\s*):::", re.M)
_OPTION = re.compile(r"^\s*:[\w-]+:")
_CODE_DIRECTIVES = {"code-block", "code", "sourcecode"}
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")
_IDENT = re.compile(r"(?<![A-Za-z0-9_])[A-Za-z_][A-Za-z0-9_]*(?![A-Za-z0-9_])")
_DOTTED = re.compile(r"(?<![A-Za-z0-9_.])[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+")
_ROLE = re.compile(r":(?:py:)?(?:class|func|meth|obj|data|attr|mod):`~?([^`<]+?)(?:\s*<([^>]+)>)?`")
_BACKTICKED = re.compile(r"``?\s*([A-Za-z_][A-Za-z0-9_]*)\s*``?")
_IMPORT = re.compile(r"^\s*(?:import|from)\s+[A-Za-z_]", re.M)
_TITLE_SUFFIX = re.compile(r"\s*(?:差异对比|差异|(?:API\s+)?differences?)\s*$", re.I)

_FRAMEWORK_ALIASES = {
    "torch": ("pytorch", "torch"),
    "megengine": ("megengine", "mge"),
    "paddle": ("paddlepaddle", "paddle"),
    "tensorflow": ("tensorflow", "tf"),
    "mindspore": ("mindspore",),
    "jax": ("jax",),
}
_RENAME_WORDS = re.compile(
    r"对应|等价于|参数名|名称不同|名字不同|重命名|改名|correspond|renamed|is called|is named"
    r"|maps to|named differently|equivalent of",
    re.I,
)
_EXPLICIT_RENAME = re.compile(
    r"与之对应|对应于?|等价于|corresponds? to|is called|is named|maps to|is the equivalent of", re.I
)
_USAGE_SECTION = re.compile(r"使用|用法|功能|usage|functional|behaviou?r", re.I)
_PARAMS_SECTION = re.compile(r"参数|parameter|argument", re.I)
_PARAM_WORDS = re.compile(
    r"参数|差异|的|(?<![A-Za-z])(?:the|parameters?|arguments?|differences?|option)(?![A-Za-z])",
    re.I,
)


@dataclass
class _Block:
    kind: str  # heading | label | directive | code | panels | para | comment
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


def _dedent(lines: list[str]) -> list[str]:
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


def _tokenize(lines: list[str], offset: int = 0) -> list[_Block]:
    """Top-level blocks of reST lines (``offset``: page line of ``lines[0]``, minus one)."""
    blocks: list[_Block] = []
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
                _Block(
                    "heading", lineno + 1, name=lines[i + 1].strip(), style=("over", lines[i][0])
                )
            )
            i += 3
            continue
        if _heading_at(lines, i):
            blocks.append(
                _Block("heading", lineno, name=line.strip(), style=("under", lines[i + 1][0]))
            )
            i += 2
            continue
        if _is_adornment(line):  # a transition, or an underline without its title
            i += 1
            continue
        label = _LABEL.match(line)
        if label:
            blocks.append(_Block("label", lineno, name=label.group(1).strip()))
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
                blocks.append(_Block("comment", lineno, text="\n".join(lines[i:j])))
            elif name == "panels":
                blocks.append(
                    _Block(
                        "panels", lineno, name=name, body=body, body_line=lineno + 1, stray=stray
                    )
                )
            elif name in _CODE_DIRECTIVES:
                content = list(body)
                while content and _OPTION.match(content[0]):
                    content = content[1:]
                code = "\n".join(_trim(_dedent(content)))
                blocks.append(
                    _Block(
                        "code",
                        lineno,
                        text=code,
                        name=name,
                        args=directive.group(2).strip().lstrip(":").strip(),
                    )
                )
            else:
                raw = [line, *body]
                blocks.append(
                    _Block(
                        "directive",
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
        text = "\n".join(_dedent(lines[i:j]))
        blocks.append(_Block("para", lineno, text=text))
        i = j
    return blocks


def _has_cjk(text: str) -> bool:
    return bool(_CJK.search(text))


def _short(text: str, width: int = 60) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def _api_in(text: str) -> str | None:
    """The dotted API name in a panel header (plain, in a role, or in backquotes)."""
    role = _ROLE.search(text)
    if role:
        return (role.group(2) or role.group(1)).strip().lstrip("~")
    match = _DOTTED.search(text.replace("`", " "))
    return match.group(0) if match else None


# -- legacy signatures -------------------------------------------------------------------------


@dataclass
class _LegacyCall:
    callee: str | None
    params: list[tuple[str, str | None]]  # (name, default as written); "**x"/"*x" for var args
    missing_commas: bool = False


def _parse_legacy_call(code: str) -> _LegacyCall:
    """A hand-copied signature such as ``api(\\n  a,\\n  b=1\\n  ** kwargs)``, tolerantly."""
    text = code.strip()
    match = re.match(r"([A-Za-z_][\w.]*)\s*\(", text)
    if match is None:
        return _LegacyCall(None, [])
    callee = match.group(1)
    inner_chars: list[str] = []
    depth = 0
    for ch in text[match.end() :]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        inner_chars.append(ch)
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    quote = ""
    for ch in "".join(inner_chars):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    params: list[tuple[str, str | None]] = []
    missing_commas = False
    item = re.compile(r"^(\*{0,2})\s*([A-Za-z_]\w*)\s*(?::[^=]+)?(?:=\s*(.+?))?\s*$")
    for piece in pieces:
        parts = [p.strip() for p in piece.split("\n") if p.strip()]
        if len(parts) > 1 and all(item.match(p) for p in parts):
            missing_commas = True
        else:
            parts = [" ".join(parts)] if parts else []
        for part in parts:
            if part in ("*", "/"):
                continue
            found = item.match(part)
            if found is None:
                continue
            stars, name, default = found.groups()
            params.append((f"{stars}{name}" if stars else name, default))
    return _LegacyCall(callee, params, missing_commas)


def _legacy_names(panel: Panel) -> list[str]:
    if not panel.signature:
        return []
    return [n for n, _ in _parse_legacy_call(panel.signature).params if not n.startswith("*")]


# -- parsing the page ------------------------------------------------------------------------------


def _parse_panels(block: _Block, unmapped: list[str]) -> list[Panel]:
    for line, text in block.stray:
        unmapped.append(f"stray line {text.strip()!r} inside the panels (line {line})")
    body = block.body
    # the directive's own options (":container: ...") come first
    start = 0
    while start < len(body) and (not body[start].strip() or _OPTION.match(body[start])):
        start += 1
    dedented = _dedent(body[start:])
    first = block.body_line + start
    chunks: list[tuple[int, list[str]]] = [(first, [])]
    for k, body_line in enumerate(dedented):
        if re.match(r"^-{3,}\s*$", body_line):
            chunks.append((first + k + 1, []))
        else:
            chunks[-1][1].append(body_line)
    panels: list[Panel] = []
    for chunk_first, chunk in chunks:
        if not any(ln.strip() for ln in chunk):
            continue
        blocks = _tokenize(chunk, chunk_first - 1)
        header: _Block | None = next((b for b in blocks if b.kind == "heading"), None)
        api = _api_in(header.name) if header else None
        signature = None
        signature_line = None
        refs: list[str] = []
        for b in blocks:
            if b.kind == "code" and signature is None:
                signature, signature_line = b.text, b.line
            elif b.kind == "para" and _ROLE.search(b.text):
                refs += [(m.group(2) or m.group(1)).strip() for m in _ROLE.finditer(b.text)]
            elif b.kind == "heading" and b is header:
                continue
            elif b.kind != "comment":
                what = b.name or _short(b.text)
                unmapped.append(f"{what!r} inside a panel (line {b.line})")
        if api is None and signature:
            api = _parse_legacy_call(signature).callee
        if api is None and refs:
            api = refs[0]
        if api is None:
            unmapped.append(f"a panel without an API name (line {chunk_first})")
            continue
        panels.append(
            Panel(api, signature, header.line if header else chunk_first, signature_line, refs)
        )
    return panels


def _norm(name: str) -> str:
    return re.sub(r"[^a-z0-9]", "", name.lower())


def _title_names(stem: str, api: str) -> bool:
    """Does the title stem name this API (``InstanceNorm`` names ``InstanceNorm2d``)?"""
    short = _norm(api.rsplit(".", 1)[-1])
    t = _norm(stem)
    return bool(t) and (t == short or t == re.sub(r"\d+d$", "", short))


def _infer_panels(blocks: list[_Block], stem: str, page: LegacyPage) -> list[Panel]:
    """No panels: the APIs the page names most that match its title, one per framework."""
    counts: Counter[str] = Counter()
    first_line: dict[str, int] = {}

    def count(name: str, line: int) -> None:
        name = name.strip().lstrip("~")
        if "." in name and _title_names(stem, name):
            counts[name] += 1
            first_line.setdefault(name, line)

    def scan(text: str, line: int) -> None:
        for role in _ROLE.finditer(text):
            count(role.group(2) or role.group(1), line)
        for call in re.finditer(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\s*\(", text):
            count(call.group(1), line)

    for block in blocks:
        if block.kind in ("para", "directive", "code"):
            scan(block.text, block.line)
    by_framework: dict[str, list[str]] = {}
    for name, _ in counts.most_common():
        by_framework.setdefault(name.split(".", 1)[0], []).append(name)
    if len(by_framework) < 2:
        return []
    # Legacy pages show PyTorch first, as the reference: keep that convention.
    order = sorted(
        by_framework, key=lambda fw: (fw != "torch", min(first_line[n] for n in by_framework[fw]))
    )
    panels = []
    for fw in order:
        best, *others = by_framework[fw]
        page.inferred_from[fw] = others
        panels.append(Panel(best, None, first_line[best], inferred=True))
    return panels


def _param_name(title: str, known: set[str]) -> tuple[str | None, bool]:
    """The parameter a subsection heading names, and whether it says "parameter"."""
    text = _ROLE.sub(lambda m: m.group(1), title).replace("`", " ")
    says_param = bool(re.search(r"参数|parameter|argument", text, re.I))
    rest = _PARAM_WORDS.sub(" ", text).strip()
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", rest):
        return rest, says_param
    idents = [t for t in _IDENT.findall(text) if t in known]
    if len(idents) == 1:
        return idents[0], says_param
    return None, says_param


def _framework_at(text: str, pos: int, frameworks: list[str]) -> str | None:
    """The framework named in ``text`` closest to ``pos``."""
    best: tuple[int, str] | None = None
    for fw in frameworks:
        for alias in _FRAMEWORK_ALIASES.get(fw, (fw,)):
            for m in re.finditer(
                rf"(?<![A-Za-z0-9_]){re.escape(alias)}(?![A-Za-z0-9_])", text, re.I
            ):
                distance = abs(m.start() - pos)
                if best is None or distance < best[0]:
                    best = (distance, fw)
    return best[1] if best else None


def _find_renames(text: str, panels: list[Panel]) -> list[tuple[str, str]]:
    """Renames a paragraph states, as (name in panel 0's framework, name in panel 1's)."""
    if len(panels) < 2 or not _RENAME_WORDS.search(text):
        return []
    frameworks = [panels[0].framework, panels[1].framework]
    names = [set(_legacy_names(panels[0])), set(_legacy_names(panels[1]))]
    aliases = {a for fw in frameworks for a in _FRAMEWORK_ALIASES.get(fw, (fw,))}
    found: list[tuple[str, str]] = []

    def pick(part: str, last: bool, base: int) -> tuple[str, int] | None:
        ticks = list(_BACKTICKED.finditer(part))
        if ticks:
            m = ticks[-1] if last else ticks[0]
            return m.group(1), base + m.start(1)
        bare = [
            m
            for m in _IDENT.finditer(part)
            if m.group(0).lower() not in aliases
            and ("_" in m.group(0) or m.group(0) in names[0] | names[1])
        ]
        if not bare:
            return None
        m = bare[-1] if last else bare[0]
        return m.group(0), base + m.start()

    for sentence in re.split(r"(?<=[。；;!?！？])|(?<=\.)\s+", text):
        for m in _EXPLICIT_RENAME.finditer(sentence):
            left = pick(sentence[: m.start()], True, 0)
            right = pick(sentence[m.end() :], False, m.end())
            if left is None or right is None or left[0] == right[0]:
                continue
            fw_left = _framework_at(sentence[: m.start()], left[1], frameworks)
            fw_right = _framework_at(sentence[m.end() :], right[1] - m.end(), frameworks)
            if fw_left is None or fw_right is None or fw_left == fw_right:
                continue
            by_fw = {fw_left: left[0], fw_right: right[0]}
            found.append((by_fw[frameworks[0]], by_fw[frameworks[1]]))
    if found:
        return list(dict.fromkeys(found))
    # "dim 与 axis 仅参数名不一致": one name only the first signature has, one only the second
    tokens = set(_IDENT.findall(text))
    only0 = tokens & (names[0] - names[1])
    only1 = tokens & (names[1] - names[0])
    if len(only0) == 1 and len(only1) == 1:
        return [(only0.pop(), only1.pop())]
    return []


@dataclass
class _Section:
    title: str | None
    line: int
    blocks: list[_Block] = field(default_factory=list)
    subsections: list[_Section] = field(default_factory=list)


def _is_example(block: _Block) -> bool:
    return block.kind == "code" and bool(_IMPORT.search(block.text))


def _is_lead_in(block: _Block) -> bool:
    text = block.text.strip()
    return (
        block.kind == "para"
        and len(text) <= 60
        and text.endswith((":", "："))
        and not text.endswith("::")
    )


def _code_directive(block: _Block) -> str:
    lang = block.args or "python"
    body = textwrap.indent(block.text, "   ")
    return f".. code-block:: {lang}\n\n{body}"


def _prose_of(block: _Block) -> str | None:
    if block.kind == "para":
        return block.text
    if block.kind == "directive":
        return _DIRECTIVE_3.sub(r"\1::", block.text)
    if block.kind == "code":
        return _code_directive(block)
    if block.kind == "heading":  # a heading below the subsections
        return f".. rubric:: {block.name}"
    return None


class _Reader:
    """Turns the blocks of sections into usage, params, renames and examples."""

    def __init__(self, page: LegacyPage) -> None:
        self.page = page

    def examples_out(self, blocks: list[_Block]) -> list[_Block]:
        """Move examples (code blocks that import something) and their lead-ins out."""
        kept: list[_Block] = []
        for block in blocks:
            if _is_example(block):
                lead = None
                if kept and _is_lead_in(kept[-1]):
                    lead = kept.pop().text.strip()
                self.page.code_blocks.append(block.text)
                self.page.code_meta.append((block.line, lead))
            else:
                kept.append(block)
        return kept

    def prose(self, blocks: list[_Block], where: str) -> tuple[str | None, int | None]:
        parts: list[str] = []
        line = None
        for block in blocks:
            text = _prose_of(block)
            if text is None:
                if block.kind == "label":
                    self.page.unmapped.append(
                        f"label {block.name!r} in {where} (line {block.line})"
                    )
                elif block.kind == "panels":
                    self.page.unmapped.append(f"panels in {where} (line {block.line})")
                continue
            parts.append(text)
            line = line or block.line
        if not parts:
            return None, None
        return "\n\n".join(parts), line

    def param(self, sub: _Section, section: str) -> None:
        page = self.page
        known = {n for p in page.panels for n in _legacy_names(p)}
        name, _ = _param_name(sub.title or "", known)
        blocks = self.examples_out(sub.blocks)
        kept: list[_Block] = []
        own_rename = None
        for block in blocks:
            renames = _find_renames(block.text, page.panels) if block.kind == "para" else []
            mine = [r for r in renames if name in r]
            if mine:
                own_rename = own_rename or mine[0]
            others = [r for r in renames if name not in r]
            if others and not mine:
                for rename in others:
                    page.rename_sources.append(LegacyRename(rename, block.text, block.line))
                continue
            kept.append(block)
        note, _ = self.prose(kept, f"subsection {sub.title!r}")
        param = LegacyParam(
            name or (sub.title or ""), note, sub.line, sub.title or "", section, own_rename
        )
        page.params.append(param)
        if own_rename:
            page.rename_sources.append(LegacyRename(own_rename, note or "", sub.line, param.name))

    def usage_subsection(self, sub: _Section) -> bool:
        """Whether a usage subsection is about one parameter (then it becomes a row)."""
        known = {n for p in self.page.panels for n in _legacy_names(p)}
        name, says_param = _param_name(sub.title or "", known)
        return name is not None and (says_param or name in known)

    def read(self, section: _Section) -> tuple[list[str], int | None]:
        """Read one top-level section; returns its usage prose parts."""
        page = self.page
        title = section.title or ""
        is_params = bool(_PARAMS_SECTION.search(title)) and not re.search(
            r"使用|用法|usage", title, re.I
        )
        is_usage = not is_params and bool(_USAGE_SECTION.search(title))
        usage: list[str] = []
        usage_line: int | None = None
        if not (is_params or is_usage):
            known = {n for p in page.panels for n in _legacy_names(p)}
            if section.title is not None and _param_name(title, known)[0] in known:
                # a parameter heading at the top level: a subsection of no section
                self.param(section, "params")
            else:
                blocks = self.examples_out(section.blocks)
                for sub in section.subsections:
                    blocks += self.examples_out(sub.blocks)
                what = f"section {title!r}" if section.title else "text"
                first = next((b.text for b in blocks if b.kind == "para"), "")
                tail = f": {_short(first)!r}" if first else ""
                page.unmapped.append(f"{what} (line {section.line}){tail}")
            return usage, usage_line
        blocks = self.examples_out(section.blocks)
        if is_params:
            for block in blocks:
                renames = _find_renames(block.text, page.panels) if block.kind == "para" else []
                for rename in renames:
                    page.rename_sources.append(LegacyRename(rename, block.text, block.line))
                if not renames and block.kind != "comment":
                    page.unmapped.append(
                        f"{_short(block.text or block.name)!r} in section {title!r} "
                        f"(line {block.line})"
                    )
            for sub in section.subsections:
                self.param(sub, "params")
            return usage, usage_line
        kept = []
        for block in blocks:
            renames = _find_renames(block.text, page.panels) if block.kind == "para" else []
            for rename in renames:
                page.rename_sources.append(LegacyRename(rename, block.text, block.line))
            if not renames:
                kept.append(block)
        text, line = self.prose(kept, f"section {title!r}")
        if text:
            usage.append(text)
            usage_line = line
        for sub in section.subsections:
            if self.usage_subsection(sub):
                self.param(sub, "usage")
                continue
            sub_blocks = self.examples_out(sub.blocks)
            text, _ = self.prose(sub_blocks, f"subsection {sub.title!r}")
            usage.append(f".. rubric:: {sub.title}" + (f"\n\n{text}" if text else ""))
            usage_line = usage_line or sub.line
        return usage, usage_line


def parse_legacy(text: str) -> LegacyPage:
    """Read a legacy comparison page; raises :class:`NotAComparisonPage`."""
    lines = text.expandtabs(8).replace("\r\n", "\n").replace("\ufeff", "").split("\n")
    blocks = _tokenize(lines)
    page = LegacyPage(
        title="",
        language="en",
        panels=[],
        usage=None,
        params=[],
        renames=[],
        code_blocks=[],
        unmapped=[],
    )
    label = next((b for b in blocks if b.kind == "label"), None)
    headings = [b for b in blocks if b.kind == "heading"]
    title_block = next(
        (b for b in headings if b.style[0] == "over"), headings[0] if headings else None
    )
    if title_block is not None:
        page.raw_title = title_block.name
        page.title_line = title_block.line
        page.title = _TITLE_SUFFIX.sub("", title_block.name).strip() or title_block.name
    if label is not None and (title_block is None or label.line < title_block.line):
        page.label = label.name
    prose_text = "\n".join(
        b.text if b.kind == "para" else b.name for b in blocks if b.kind in ("para", "heading")
    )
    page.language = "zh_CN" if _has_cjk(prose_text) else "en"

    panels_blocks = [b for b in blocks if b.kind == "panels"]
    for pb in panels_blocks:
        page.panels += _parse_panels(pb, page.unmapped)
    if not panels_blocks:
        suffix = title_block is not None and _TITLE_SUFFIX.search(title_block.name)
        if suffix:
            page.panels = _infer_panels(blocks, page.title, page)
        if not page.panels:
            raise NotAComparisonPage("it has no panels comparing two APIs")
    frameworks = list(dict.fromkeys(p.framework for p in page.panels))
    if len(frameworks) < 2:
        raise NotAComparisonPage(
            f"its panels name APIs of one framework only ({', '.join(p.api for p in page.panels)})"
        )

    # sections, after the title
    styles: list[tuple[str, str]] = [title_block.style] if title_block else []
    preamble: list[_Block] = []
    sections: list[_Section] = []
    after_title = title_block is None
    for block in blocks:
        if block is title_block:
            after_title = True
            continue
        if block.kind == "label" and block is label:
            continue
        if block.kind == "panels":
            continue
        if not after_title:
            if block.kind != "comment":
                page.unmapped.append(f"{block.kind} before the title (line {block.line})")
            continue
        if block.kind == "heading":
            if block.style not in styles:
                styles.append(block.style)
            level = max(styles.index(block.style), 1)
            if level == 1:
                sections.append(_Section(block.name, block.line))
            elif level == 2:
                if not sections:
                    sections.append(_Section(None, block.line))
                sections[-1].subsections.append(_Section(block.name, block.line))
            else:
                target = (
                    sections[-1].subsections[-1]
                    if sections and sections[-1].subsections
                    else (sections[-1] if sections else None)
                )
                if target is None:
                    preamble.append(block)
                else:
                    target.blocks.append(block)
            continue
        if sections:
            target = sections[-1].subsections[-1] if sections[-1].subsections else sections[-1]
            target.blocks.append(block)
        else:
            preamble.append(block)

    reader = _Reader(page)
    # before the first section: a one-paragraph summary, examples, the rest unmapped
    preamble = reader.examples_out(preamble)
    summary_done = False
    for block in preamble:
        if block.kind == "para" and not summary_done and len(block.text) <= 300:
            page.summary = block.text
            summary_done = True
        elif block.kind == "directive":
            title = block.args or block.name
            page.unmapped.append(f"{block.name} {title!r} (line {block.line})")
        elif block.kind != "comment":
            page.unmapped.append(f"{_short(block.text or block.name)!r} (line {block.line})")
    usage_parts: list[str] = []
    for section in sections:
        parts, line = reader.read(section)
        if parts:
            usage_parts += parts
            page.usage_line = page.usage_line or line
    page.usage = "\n\n".join(usage_parts) if usage_parts else None
    seen: set[tuple[str, str]] = set()
    for source in page.rename_sources:
        if source.names not in seen:
            seen.add(source.names)
            page.renames.append(source.names)
    return page


# -- checking against the real libraries ----------------------------------------------------------


@dataclass
class ImportResult:
    yaml_text: str
    corrections: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    page: LegacyPage | None = None
    apis: dict[str, str] = field(default_factory=dict)


def _literal(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return ("value", ast.literal_eval(text.strip()))
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return ("text", re.sub(r"\s+", "", text))


def _one_line(sig: Signature, api: str) -> str:
    return " ".join(sig.format(api).split()).replace("( ", "(").replace(" )", ")")


def _signature_note(panel: Panel, api: str, sig: Signature | None, fw: str) -> list[str]:
    notes: list[str] = []
    if not panel.signature:
        return notes
    call = _parse_legacy_call(panel.signature)
    where = f"the {fw} panel (line {panel.line})"
    if call.callee and call.callee != panel.api:
        notes.append(
            f"{where}: its code block shows {call.callee}(...), not {panel.api}, the "
            f"API of its header (line {panel.signature_line})"
        )
    if sig is None:
        return notes
    shown = {n: d for n, d in call.params if not n.startswith("*")}
    real = {p.name: p.default for p in sig.shown if not p.kind.startswith("var")}
    problems = []
    for name, default in shown.items():
        if name not in real:
            close = difflib.get_close_matches(name, list(real), n=1, cutoff=0.75)
            hint = f" (the real one is {close[0]!r})" if close else ""
            problems.append(f"shows {name!r}, which {api} does not have{hint}")
        elif real[name] is not None and default is None:
            problems.append(f"gives {name!r} no default (real: {real[name]})")
        elif real[name] is None and default is not None:
            problems.append(f"gives {name!r} the default {default} (real: none)")
        elif default is not None and _literal(default) != _literal(real[name]):
            problems.append(f"shows {name}={default} (real: {name}={real[name]})")
    omitted = [n for n in real if n not in shown]
    if omitted:
        problems.append(f"omits {', '.join(omitted)}")
    if call.missing_commas:
        problems.append("misses commas between parameters")
    if problems:
        notes.append(
            f"{where}: the legacy signature {'; '.join(problems)}. Real: {_one_line(sig, api)}"
        )
    return notes


def _mentions(text: str, api: str) -> int:
    """How often the page names ``api`` by at least its last two components."""
    parts = api.split(".")
    tail = ".".join(parts[-2:]) if len(parts) >= 2 else api
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(tail)}(?![A-Za-z0-9_])", text))


def _is_2d_variant(api: str, candidates: list[str]) -> bool:
    """``api`` ends in ``2d`` and another candidate is the same name with another dimension."""
    stem, n = re.subn(r"2d$", "", api)
    return bool(n) and any(re.fullmatch(rf"{re.escape(stem)}[13]d", c) for c in candidates)


def _jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _panel_free_text(text: str) -> str:
    """The page without its panels (whose headers hold the wrong names)."""
    lines = text.split("\n")
    out: list[str] = []
    inside = False
    for line in lines:
        if line.startswith(".. panels::"):
            inside = True
            continue
        if inside and line.strip() and line[0] not in " \t":
            inside = False
        if not inside:
            out.append(line)
    return "\n".join(out)


@dataclass
class _Checked:
    """The APIs after checking them: names, real signatures, what could be checked."""

    panels: dict[str, Panel]
    apis: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, Signature | None] = field(default_factory=dict)
    checked: dict[str, bool] = field(default_factory=dict)  # False: runtime unavailable, or
    # the API does not exist and nothing could replace it

    @property
    def frameworks(self) -> list[str]:
        return list(self.panels)

    def names(self, fw: str) -> list[str]:
        sig = self.signatures.get(fw)
        return sig.names() if sig is not None else []

    def describe(self) -> str:
        return " or ".join(
            api if self.signatures[fw] is not None else f"{api} (signature unknown)"
            for fw, api in self.apis.items()
        )


def _check_apis(
    page: LegacyPage, engine: Any, text: str, corrections: list[str], notes: list[str]
) -> _Checked:
    """Each panel's API against the real library, corrected when it does not exist."""
    panels: dict[str, Panel] = {}
    for panel in page.panels:
        if panel.framework in panels:
            notes.append(
                f"not mapped: a second {panel.framework} panel, {panel.api} (line {panel.line})"
            )
        else:
            panels[panel.framework] = panel
    if any(p.inferred for p in panels.values()):
        inferred = ", ".join(p.api for p in panels.values())
        others = [n for names in page.inferred_from.values() for n in names]
        notes.append(
            f"the page has no panels: the APIs ({inferred}) are the ones it names most"
            + (f"; it also names {', '.join(others)}" if others else "")
        )
    state = _Checked(panels)
    results = engine.signatures([(fw, p.api) for fw, p in panels.items()])
    page_text = _panel_free_text(text)
    for fw, panel in panels.items():
        result = results[(fw, panel.api)]
        state.apis[fw] = panel.api
        state.signatures[fw] = result.signature
        state.checked[fw] = result.unavailable is None
        if result.unavailable:
            notes.append(f"could not check {panel.api}: {result.unavailable}")
        elif result.error:
            fixed = _correct_api(panel, result, engine, page_text)
            if fixed is None:
                notes.append(
                    f"{panel.api} does not exist in {fw} ({result.error}) and no "
                    "correction was found: fix apis by hand"
                )
                state.checked[fw] = False
            else:
                best, signature, message = fixed
                corrections.append(message)
                state.apis[fw] = best
                state.signatures[fw] = signature
    return state


def _correct_api(
    panel: Panel, result: Any, engine: Any, page_text: str
) -> tuple[str, Signature | None, str] | None:
    """The real API a wrong header most likely means, its signature, and why."""
    fw = panel.framework
    candidates = list(result.suggestions)
    parts = panel.api.split(".")
    for k in range(len(parts) - 2, 0, -1):  # the same name in a parent module
        candidates.append(".".join([*parts[:k], parts[-1]]))
    candidates = list(dict.fromkeys(c for c in candidates if c != panel.api))
    found = engine.signatures([(fw, c) for c in candidates])
    real = [c for c in candidates if not found[(fw, c)].error and not found[(fw, c)].unavailable]
    if not real:
        return None
    legacy = _legacy_names(panel)

    def score(c: str) -> tuple[int, float]:
        sig = found[(fw, c)].signature
        return _mentions(page_text, c), _jaccard(legacy, sig.names() if sig else [])

    # named on the page, then the parameters its code block shows; among variants that
    # differ only by dimension (InstanceNorm1d/2d/3d), the 2-D one; then the closest name
    ranked = sorted(
        real, key=lambda c: (*score(c), _is_2d_variant(c, real), -real.index(c)), reverse=True
    )
    best = ranked[0]
    mentions, match = score(best)
    tied = [c for c in ranked[1:] if score(c) == score(best)]
    if mentions and not tied:
        why = f"named elsewhere on the page, {mentions} time" + ("s" if mentions > 1 else "")
    elif match and not tied:
        why = "its parameters match the page's signature best"
    elif tied and _is_2d_variant(best, real):
        why = (
            "nothing on the page tells the 1-D/2-D/3-D variants apart: chose the 2-D one, check it"
        )
    else:
        why = "the closest name"
    others = [c for c in ranked[1:] if c in result.suggestions or c in tied]
    tail = f"; other candidates: {', '.join(others)}" if others else ""
    message = f"{panel.api} does not exist; using {best} ({why}{tail})"
    return best, found[(fw, best)].signature, message


def _checked_title(page: LegacyPage, state: _Checked, corrections: list[str]) -> str:
    """The page title, unless it misspells the API or names another one."""
    title = page.title
    first = state.apis[state.frameworks[0]].rsplit(".", 1)[-1]
    real_shorts = {api.rsplit(".", 1)[-1] for fw, api in state.apis.items() if state.checked[fw]}
    for fw, panel in state.panels.items():
        wrong = panel.api.rsplit(".", 1)[-1]
        right = state.apis[fw].rsplit(".", 1)[-1]
        if (
            title == wrong
            and wrong != right
            and title not in real_shorts
            and _norm(title) == _norm(right)
        ):  # only a misspelling: Avg_Pool2d, LeakyRelu
            corrections.append(
                f"the title {page.raw_title!r} repeats the wrong name {wrong!r} "
                f"of {panel.api}; using {right!r}"
            )
            return right
    names = [panel.api for panel in state.panels.values()] + list(state.apis.values())
    if title and not any(_title_names(title, api) for api in names):
        corrections.append(
            f"the title {page.raw_title!r} names neither "
            f"{' nor '.join(state.apis.values())}; using {first!r}"
        )
        return first
    return title or first


def _panel_notes(state: _Checked) -> list[str]:
    notes: list[str] = []
    for fw, panel in state.panels.items():
        api, signature = state.apis[fw], state.signatures[fw]
        notes += _signature_note(panel, api, signature, fw)
        wrong_refs = [r for r in panel.refs if r not in (panel.api, api)]
        if wrong_refs:
            notes.append(
                f"the {fw} panel (line {panel.line}) links to {', '.join(wrong_refs)}, not {api}"
            )
        if state.checked[fw] and signature is None:
            shown = ""
            call = _parse_legacy_call(panel.signature) if panel.signature else None
            if call is not None and call.callee == panel.api:
                params = ", ".join(n if d is None else f"{n}={d}" for n, d in call.params)
                shown = f"; the page shows ({params})"
            notes.append(
                f"cannot introspect the signature of {api} (it takes *args, "
                f"**kwargs): give it under 'signatures:' after checking it{shown}"
            )
    return notes


def _param_rows(
    page: LegacyPage, state: _Checked, corrections: list[str], notes: list[str]
) -> list[tuple[dict[str, str], str | None]]:
    """One row per parameter subsection and per rename, naming only real parameters."""
    frameworks = state.frameworks[:2]
    rows: list[tuple[dict[str, str], str | None]] = []
    seen: set[tuple[tuple[str, str], ...]] = set()

    def add(line: int, names: dict[str, str], note: str | None, what: str) -> None:
        key = tuple(sorted(names.items()))
        if key in seen:
            notes.append(
                f"not mapped: {what} (line {line}) repeats the row "
                f"{', '.join(f'{fw}: {n}' for fw, n in names.items())}"
            )
            return
        seen.add(key)
        rows.append((names, note))

    def renamed(names: tuple[str, str]) -> dict[str, str] | None:
        pairs = list(zip(frameworks, names, strict=True))
        return dict(pairs) if all(n in state.names(fw) for fw, n in pairs) else None

    def missing(names: tuple[str, str]) -> str:
        return "; ".join(
            f"{state.apis[fw]} has no parameter {n!r}"
            for fw, n in zip(frameworks, names, strict=True)
            if n not in state.names(fw)
        )

    items: list[tuple[int, LegacyParam | LegacyRename]] = [(p.line, p) for p in page.params]
    items += [(r.line, r) for r in page.rename_sources if r.param is None]
    for line, item in sorted(items, key=lambda x: x[0]):
        if isinstance(item, LegacyRename):
            names = renamed(item.names)
            what = f"the rename {item.names[0]} -> {item.names[1]}"
            if names is None:
                notes.append(f"not mapped: {what} (line {line}): {missing(item.names)}")
            else:
                add(line, names, item.text, what)
            continue
        what = f"parameter section {item.title!r}"
        if item.rename:
            names = renamed(item.rename)
            if names is not None:
                add(line, names, item.note, what)
                continue
            notes.append(
                f"{what} (line {line}) pairs {item.rename[0]} with {item.rename[1]}, "
                f"but {missing(item.rename)}"
            )
        has = {fw: item.name for fw in state.frameworks if item.name in state.names(fw)}
        if not has:
            everything = sorted({n for fw in state.frameworks for n in state.names(fw)})
            same = [n for n in everything if n.lower() == item.name.lower()]
            close = same or difflib.get_close_matches(item.name, everything, n=1, cutoff=0.8)
            fixed: str | None = close[0] if close else None
            if fixed is not None:
                corrections.append(
                    f"parameter section {item.title!r} (line {line}): "
                    f"{item.name!r} is not a parameter; using {fixed!r}"
                )
                has = {fw: fixed for fw in state.frameworks if fixed in state.names(fw)}
        if not has:
            text = f"; its text: {_short(item.note, 80)!r}" if item.note else ""
            notes.append(
                f"not mapped: {what} (line {line}): {state.describe()} has no "
                f"parameter {item.name!r}{text}"
            )
            continue
        add(line, has, item.note, what)
    return rows


def import_legacy(text: str, engine: Any, *, source: str = "") -> ImportResult:
    """Convert a legacy page into the YAML of a pair, checked against the real libraries.

    ``engine`` is an :class:`~sphinx_apidiff.execute.Engine` (anything with its
    ``signatures`` method). Raises :class:`NotAComparisonPage`.
    """
    page = parse_legacy(text)
    corrections: list[str] = []
    notes: list[str] = []
    state = _check_apis(page, engine, text, corrections, notes)
    title = _checked_title(page, state, corrections)
    notes += _panel_notes(state)
    rows = _param_rows(page, state, corrections, notes)

    if page.code_blocks:
        lines = ", ".join(str(line) for line, _ in page.code_meta)
        if len(page.code_blocks) == 1:
            notes.append(
                f"the legacy example (line {lines}) was never run: it is kept as a "
                "comment at the end of the YAML; write runnable 'examples:'"
            )
        else:
            notes.append(
                f"the {len(page.code_blocks)} legacy examples (lines {lines}) were "
                "never run: they are kept as comments at the end of the YAML; write "
                "runnable 'examples:'"
            )
    notes += [f"not mapped: {item}" for item in page.unmapped]
    if page.usage is None:
        notes.append(
            "no usage text on the page (usage differences): write 'usage:' by hand "
            "if the APIs are used differently"
        )

    lang = page.language
    data: dict[str, Any] = {}
    if page.id:
        data["id"] = page.id
    data["title"] = title
    data["apis"] = dict(state.apis)
    if page.summary:
        data["summary"] = {lang: page.summary}
    if page.usage:
        data["usage"] = {lang: page.usage}
    if rows:
        data["params"] = [
            {**names, **({"note": {lang: note}} if note else {})} for names, note in rows
        ]

    yaml_text = _emit(data, page, corrections, source)
    pair, diags = parse_pair(yaml_text, "imported.yaml")
    if pair is None or diags or yaml.safe_load(yaml_text) != _normalised(data):
        raise RuntimeError(f"the imported YAML does not load back as written: {diags}")
    return ImportResult(yaml_text, corrections, notes, page, dict(state.apis))


# -- writing the YAML ---------------------------------------------------------------------------


def _normalised(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _normalised(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_normalised(v) for v in value]
    if isinstance(value, str):
        return _prose(value)
    return value


def _prose(text: str) -> str:
    lines = [line.rstrip() for line in text.strip("\n").split("\n")]
    out = "\n".join(lines)
    return out + "\n" if "\n" in out or len(out) > 72 else out


def _scalar(value: str, indent: int) -> str:
    """``value`` after a key: plain, double-quoted, or a ``|`` block at ``indent`` spaces."""
    value = _prose(value)
    if "\n" not in value:
        try:
            plain_ok = yaml.safe_load(f"k: {value}") == {"k": value}
        except yaml.YAMLError:
            plain_ok = False
        if plain_ok and value == value.strip():
            return f" {value}"
        return " " + json.dumps(value, ensure_ascii=False)
    body = value[:-1].split("\n")
    pad = " " * indent
    header = "|" + (str(indent) if body[0].startswith(" ") else "")
    return f" {header}\n" + "\n".join(pad + line if line else "" for line in body)


def _emit(data: dict[str, Any], page: LegacyPage, corrections: list[str], source: str) -> str:
    out = [f"# yaml-language-server: $schema={SCHEMA_ID}"]
    origin = f" from {source}" if source else ""
    out.append(f"# Imported{origin} by `sphinx-apidiff import`: review it, then write examples.")
    for line in corrections:
        out.append(f"# Corrected: {line}")
    for key in ("id", "title"):
        if key in data:
            out.append(f"{key}:{_scalar(data[key], 2)}")
    out.append("apis:")
    out += [f"  {fw}:{_scalar(api, 4)}" for fw, api in data["apis"].items()]
    for key in ("summary", "usage"):
        if key in data:
            out.append(f"{key}:")
            out += [f"  {lang}:{_scalar(text, 4)}" for lang, text in data[key].items()]
    if "params" in data:
        out.append("params:")
        for row in data["params"]:
            first = True
            for key, value in row.items():
                prefix = "  - " if first else "    "
                first = False
                if key == "note":
                    out.append(f"{prefix}note:")
                    out += [f"      {lang}:{_scalar(text, 8)}" for lang, text in value.items()]
                else:
                    out.append(f"{prefix}{key}:{_scalar(value, 6)}")
    for index, (code, (code_line, lead)) in enumerate(
        zip(page.code_blocks, page.code_meta, strict=True)
    ):
        number = f"{index + 1} of {len(page.code_blocks)}, " if len(page.code_blocks) > 1 else ""
        out += [
            "",
            "# Legacy example, kept for review (it was never run): "
            f"{number}line {code_line} of the page",
        ]
        if lead:
            out.append(f"# {lead}")
        out += [f"# {ln}".rstrip() for ln in code.split("\n")]
    return "\n".join(out) + "\n"
