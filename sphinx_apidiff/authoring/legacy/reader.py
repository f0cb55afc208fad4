"""Reading a legacy page: its title, panels and sections, into a :class:`.LegacyPage`.

A legacy page (MegEngine's ``reference/comparison/*.rst``) puts the two APIs side by
side in a sphinx-panels block, each with a hand-copied signature, then prose sections:
usage differences (使用差异), parameter differences (参数差异) with one subsection per
parameter, and examples that never ran. :func:`parse_legacy` reads what the page says,
with the line of every part, and trusts none of it.

No Sphinx imports here.
"""

from __future__ import annotations

import re
import textwrap
from dataclasses import dataclass, field

from sphinx_apidiff.authoring.legacy.page import (
    LegacyPage,
    LegacyParam,
    LegacyRename,
    NotAComparisonPage,
    infer_panels,
    parse_panels,
)
from sphinx_apidiff.authoring.legacy.renames import find_renames
from sphinx_apidiff.authoring.legacy.rst import (
    IDENT,
    ROLE,
    Block,
    BlockKind,
    has_cjk,
    short,
    tokenize,
)

_USAGE_SECTION = re.compile(r"使用|用法|功能|usage|functional|behaviou?r", re.I)
_PARAMS_SECTION = re.compile(r"参数|parameter|argument", re.I)
_PARAM_WORDS = re.compile(
    r"参数|差异|的|(?<![A-Za-z])(?:the|parameters?|arguments?|differences?|option)(?![A-Za-z])",
    re.I,
)

_DIRECTIVE_3 = re.compile(r"^(\s*\.\.\s+[A-Za-z][\w-]*(?::[\w-]+)?\s*):::", re.M)
_IMPORT = re.compile(r"^\s*(?:import|from)\s+[A-Za-z_]", re.M)
_TITLE_SUFFIX = re.compile(r"\s*(?:差异对比|差异|(?:API\s+)?differences?)\s*$", re.I)


def _param_name(title: str, known: set[str]) -> tuple[str | None, bool]:
    """The parameter a subsection heading names, and whether it says "parameter"."""
    text = ROLE.sub(lambda m: m.group(1), title).replace("`", " ")
    says_param = bool(re.search(r"参数|parameter|argument", text, re.I))
    rest = _PARAM_WORDS.sub(" ", text).strip()
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", rest):
        return rest, says_param
    idents = [t for t in IDENT.findall(text) if t in known]
    if len(idents) == 1:
        return idents[0], says_param
    return None, says_param


@dataclass
class _Section:
    title: str | None
    line: int
    blocks: list[Block] = field(default_factory=list)
    subsections: list[_Section] = field(default_factory=list)


def _is_example(block: Block) -> bool:
    return block.kind == BlockKind.CODE and bool(_IMPORT.search(block.text))


def _is_lead_in(block: Block) -> bool:
    text = block.text.strip()
    return (
        block.kind == BlockKind.PARA
        and len(text) <= 60
        and text.endswith((":", "："))
        and not text.endswith("::")
    )


def _code_directive(block: Block) -> str:
    lang = block.args or "python"
    body = textwrap.indent(block.text, "   ")
    return f".. code-block:: {lang}\n\n{body}"


def _prose_of(block: Block) -> str | None:
    if block.kind == BlockKind.PARA:
        return block.text
    if block.kind == BlockKind.DIRECTIVE:
        return _DIRECTIVE_3.sub(r"\1::", block.text)
    if block.kind == BlockKind.CODE:
        return _code_directive(block)
    if block.kind == BlockKind.HEADING:  # a heading below the subsections
        return f".. rubric:: {block.name}"
    return None


class _Reader:
    """Turns the blocks of sections into usage, params, renames and examples."""

    def __init__(self, page: LegacyPage) -> None:
        self.page = page

    def examples_out(self, blocks: list[Block]) -> list[Block]:
        """Move examples (code blocks that import something) and their lead-ins out."""
        kept: list[Block] = []
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

    def prose(self, blocks: list[Block], where: str) -> tuple[str | None, int | None]:
        """The blocks as reST prose, and the line of the first; labels and panels unmapped."""
        parts: list[str] = []
        line = None
        for block in blocks:
            text = _prose_of(block)
            if text is None:
                if block.kind == BlockKind.LABEL:
                    self.page.unmapped.append(
                        f"label {block.name!r} in {where} (line {block.line})"
                    )
                elif block.kind == BlockKind.PANELS:
                    self.page.unmapped.append(f"panels in {where} (line {block.line})")
                continue
            parts.append(text)
            line = line or block.line
        if not parts:
            return None, None
        return "\n\n".join(parts), line

    def param(self, sub: _Section, section: str) -> None:
        """A subsection about one parameter: its note, and the renames it states."""
        page = self.page
        known = {n for p in page.panels for n in p.param_names()}
        name, _ = _param_name(sub.title or "", known)
        blocks = self.examples_out(sub.blocks)
        kept: list[Block] = []
        own_rename = None
        for block in blocks:
            renames = find_renames(block.text, page.panels) if block.kind == BlockKind.PARA else []
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
        known = {n for p in self.page.panels for n in p.param_names()}
        name, says_param = _param_name(sub.title or "", known)
        return name is not None and (says_param or name in known)

    def preamble(self, blocks: list[Block]) -> None:
        """Before the first section: a one-paragraph summary, examples, the rest unmapped."""
        page = self.page
        summary_done = False
        for block in self.examples_out(blocks):
            if block.kind == BlockKind.PARA and not summary_done and len(block.text) <= 300:
                page.summary = block.text
                summary_done = True
            elif block.kind == BlockKind.DIRECTIVE:
                title = block.args or block.name
                page.unmapped.append(f"{block.name} {title!r} (line {block.line})")
            elif block.kind != BlockKind.COMMENT:
                page.unmapped.append(f"{short(block.text or block.name)!r} (line {block.line})")

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
            known = {n for p in page.panels for n in p.param_names()}
            if section.title is not None and _param_name(title, known)[0] in known:
                # a parameter heading at the top level: a subsection of no section
                self.param(section, "params")
            else:
                blocks = self.examples_out(section.blocks)
                for sub in section.subsections:
                    blocks += self.examples_out(sub.blocks)
                what = f"section {title!r}" if section.title else "text"
                first = next((b.text for b in blocks if b.kind == BlockKind.PARA), "")
                tail = f": {short(first)!r}" if first else ""
                page.unmapped.append(f"{what} (line {section.line}){tail}")
            return usage, usage_line
        blocks = self.examples_out(section.blocks)
        if is_params:
            for block in blocks:
                renames = (
                    find_renames(block.text, page.panels) if block.kind == BlockKind.PARA else []
                )
                for rename in renames:
                    page.rename_sources.append(LegacyRename(rename, block.text, block.line))
                if not renames and block.kind != BlockKind.COMMENT:
                    page.unmapped.append(
                        f"{short(block.text or block.name)!r} in section {title!r} "
                        f"(line {block.line})"
                    )
            for sub in section.subsections:
                self.param(sub, "params")
            return usage, usage_line
        kept = []
        for block in blocks:
            renames = find_renames(block.text, page.panels) if block.kind == BlockKind.PARA else []
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
    blocks = tokenize(lines)
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
    title_block, label = _read_head(blocks, page)
    _read_panels(blocks, title_block, page)
    preamble, sections = _sections(blocks, title_block, label, page.unmapped)
    reader = _Reader(page)
    reader.preamble(preamble)
    usage_parts: list[str] = []
    for section in sections:
        parts, line = reader.read(section)
        if parts:
            usage_parts += parts
            page.usage_line = page.usage_line or line
    page.usage = "\n\n".join(usage_parts) if usage_parts else None
    page.renames = list(dict.fromkeys(source.names for source in page.rename_sources))
    return page


def _read_head(blocks: list[Block], page: LegacyPage) -> tuple[Block | None, Block | None]:
    """The title and label of the page (their blocks), and the language of its prose."""
    label = next((b for b in blocks if b.kind == BlockKind.LABEL), None)
    headings = [b for b in blocks if b.kind == BlockKind.HEADING]
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
        b.text if b.kind == BlockKind.PARA else b.name
        for b in blocks
        if b.kind in (BlockKind.PARA, BlockKind.HEADING)
    )
    page.language = "zh_CN" if has_cjk(prose_text) else "en"
    return title_block, label


def _read_panels(blocks: list[Block], title_block: Block | None, page: LegacyPage) -> None:
    """The panels of the page (or, without any, the APIs it names most): two frameworks."""
    panels_blocks = [b for b in blocks if b.kind == BlockKind.PANELS]
    for pb in panels_blocks:
        page.panels += parse_panels(pb, page.unmapped)
    if not panels_blocks:
        suffix = title_block is not None and _TITLE_SUFFIX.search(title_block.name)
        if suffix:
            page.panels = infer_panels(blocks, page.title, page)
        if not page.panels:
            raise NotAComparisonPage("it has no panels comparing two APIs")
    frameworks = list(dict.fromkeys(p.framework for p in page.panels))
    if len(frameworks) < 2:
        raise NotAComparisonPage(
            f"its panels name APIs of one framework only ({', '.join(p.api for p in page.panels)})"
        )


def _sections(
    blocks: list[Block], title_block: Block | None, label: Block | None, unmapped: list[str]
) -> tuple[list[Block], list[_Section]]:
    """The blocks before the first section, and the sections after the title."""
    styles: list[tuple[str, str]] = [title_block.style] if title_block else []
    preamble: list[Block] = []
    sections: list[_Section] = []
    after_title = title_block is None
    for block in blocks:
        if block is title_block:
            after_title = True
            continue
        if block.kind == BlockKind.LABEL and block is label:
            continue
        if block.kind == BlockKind.PANELS:
            continue
        if not after_title:
            if block.kind != BlockKind.COMMENT:
                unmapped.append(f"{block.kind} before the title (line {block.line})")
            continue
        if block.kind == BlockKind.HEADING:
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
    return preamble, sections
