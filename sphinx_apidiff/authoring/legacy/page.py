"""What a legacy page says: its panels, parameters, renames and prose, with lines.

Nothing here is checked against the real libraries (see :mod:`.apis`); this is the
page as written, panels included (:func:`parse_panels`, or :func:`infer_panels`
for a page without any).

No Sphinx imports here.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from sphinx_apidiff.authoring.legacy.calls import parse_call
from sphinx_apidiff.authoring.legacy.rst import (
    OPTION,
    ROLE,
    Block,
    BlockKind,
    api_in,
    dedent,
    short,
    tokenize,
)
from sphinx_apidiff.model.anchors import label_pair_id


class NotAComparisonPage(ValueError):
    """The page has no panels comparing two APIs of two frameworks."""


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
        """The framework of the API: its first component."""
        return self.api.split(".", 1)[0]

    def param_names(self) -> list[str]:
        """The parameter names of the signature shown (no ``*args``/``**kwargs``)."""
        if not self.signature:
            return []
        return [n for n, _ in parse_call(self.signature).params if not n.startswith("*")]


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
        """The pair id the page's label gives (``comparison-relu``: ``relu``), if it has one."""
        if not self.label:
            return None
        return label_pair_id(self.label)


def parse_panels(block: Block, unmapped: list[str]) -> list[Panel]:
    """The cards of a panels block; what else the block holds goes to ``unmapped``."""
    for line, text in block.stray:
        unmapped.append(f"stray line {text.strip()!r} inside the panels (line {line})")
    body = block.body
    # the directive's own options (":container: ...") come first
    start = 0
    while start < len(body) and (not body[start].strip() or OPTION.match(body[start])):
        start += 1
    dedented = dedent(body[start:])
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
        blocks = tokenize(chunk, chunk_first - 1)
        header: Block | None = next((b for b in blocks if b.kind == BlockKind.HEADING), None)
        api = api_in(header.name) if header else None
        signature = None
        signature_line = None
        refs: list[str] = []
        for b in blocks:
            if b.kind == BlockKind.CODE and signature is None:
                signature, signature_line = b.text, b.line
            elif b.kind == BlockKind.PARA and ROLE.search(b.text):
                refs += [(m.group(2) or m.group(1)).strip() for m in ROLE.finditer(b.text)]
            elif b.kind == BlockKind.HEADING and b is header:
                continue
            elif b.kind != BlockKind.COMMENT:
                what = b.name or short(b.text)
                unmapped.append(f"{what!r} inside a panel (line {b.line})")
        if api is None and signature:
            api = parse_call(signature).callee
        if api is None and refs:
            api = refs[0]
        if api is None:
            unmapped.append(f"a panel without an API name (line {chunk_first})")
            continue
        panels.append(
            Panel(api, signature, header.line if header else chunk_first, signature_line, refs)
        )
    return panels


def norm(name: str) -> str:
    """A name lowercased, with only its letters and digits (to compare spellings)."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def title_names(stem: str, api: str) -> bool:
    """Does the title stem name this API (``InstanceNorm`` names ``InstanceNorm2d``)?"""
    short = norm(api.rsplit(".", 1)[-1])
    t = norm(stem)
    return bool(t) and (t == short or t == re.sub(r"\d+d$", "", short))


def infer_panels(blocks: list[Block], stem: str, page: LegacyPage) -> list[Panel]:
    """No panels: the APIs the page names most that match its title, one per framework."""
    counts: Counter[str] = Counter()
    first_line: dict[str, int] = {}

    def count(name: str, line: int) -> None:
        name = name.strip().lstrip("~")
        if "." in name and title_names(stem, name):
            counts[name] += 1
            first_line.setdefault(name, line)

    def scan(text: str, line: int) -> None:
        for role in ROLE.finditer(text):
            count(role.group(2) or role.group(1), line)
        for call in re.finditer(r"(?<![\w.])([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\s*\(", text):
            count(call.group(1), line)

    for block in blocks:
        if block.kind in (BlockKind.PARA, BlockKind.DIRECTIVE, BlockKind.CODE):
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
