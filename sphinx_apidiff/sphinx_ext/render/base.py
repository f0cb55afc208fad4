"""Generic docutils nodes for every builder: badges, semantic containers, paragraphs, tables.

The pair's parts and the overview are built from these; they read well in text
and LaTeX output. Only :mod:`.design` (HTML) turns the containers and badges
into sphinx-design components.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_apidiff.analysis.pair import PairAnalysis
from sphinx_apidiff.analysis.verdicts import Judgement
from sphinx_apidiff.model.vocabulary import Status, TagKind, Verdict
from sphinx_apidiff.options import ApidiffConfig
from sphinx_apidiff.sphinx_ext.nodes import PairEntry


class BadgeKind(StrEnum):
    """Badges beyond the vocabulary's statuses, tag kinds and ``documented`` verdict."""

    CATEGORY = "category"
    IGNORED = "ignored"  # a parameter row that is not counted
    STALE = "stale"  # a stored result that no longer matches its example
    PASSED = "passed"  # a value within tolerance
    FAILED = "failed"  # not what the author expects
    KIND = "kind"  # a kind of difference of the whole pair
    GRAD = "grad"  # a compared value that is a gradient


#: Badge kind -> sphinx-design semantic colour (HTML only).
BADGE_COLORS: dict[str, str] = {
    BadgeKind.CATEGORY: "primary",
    TagKind.RENAMED: "info",
    TagKind.DEFAULT: "warning",
    TagKind.MISSING: "secondary",
    TagKind.UNKNOWN: "danger",
    TagKind.MEANING: "warning",
    TagKind.VALUES: "warning",
    TagKind.DTYPE: "warning",
    TagKind.GRADIENTS: "warning",
    TagKind.SUPPORT: "secondary",
    TagKind.ERROR: "danger",
    TagKind.USAGE: "secondary",
    TagKind.TYPES: "secondary",
    TagKind.RETURNS: "secondary",
    TagKind.COMPOSITE: "secondary",
    TagKind.UNSUPPORTED: "dark",
    BadgeKind.IGNORED: "light",
    Status.MATCH: "success",
    Status.DIFFER: "warning",
    Verdict.DOCUMENTED: "info",
    Status.ERROR: "danger",
    Status.NOT_RUN: "secondary",
    Status.UNSTABLE: "danger",
    BadgeKind.STALE: "danger",
    BadgeKind.PASSED: "success",
    BadgeKind.FAILED: "danger",
    BadgeKind.KIND: "secondary",
    BadgeKind.GRAD: "info",
}


def verdict_badge(judged: Verdict, status: str) -> str:
    """The badge kind of a status judged against what its author expects."""
    if judged is Verdict.UNEXPECTED:
        return BadgeKind.FAILED
    if judged is Verdict.DOCUMENTED:
        return Verdict.DOCUMENTED
    return status


def badge(text: str, kind: str) -> nodes.inline:
    """A short label; ``kind`` names its class and its colour in HTML."""
    return nodes.inline(
        text,
        text,
        classes=["apidiff-badge", f"apidiff-badge-{kind}"],
        apidiff_color=BADGE_COLORS.get(kind, "secondary"),
    )


def container(
    role: str, *children: nodes.Node, classes: list[str] | None = None
) -> nodes.container:
    """A container whose ``apidiff`` role (grid, card, card-header, ...) the layout reads."""
    node = nodes.container("", *children, classes=[f"apidiff-{role}", *(classes or [])])
    node["apidiff"] = role
    return node


def para(*children: nodes.Node | str, classes: list[str] | None = None) -> nodes.paragraph:
    """A paragraph of nodes and plain strings."""
    kids = [nodes.Text(c) if isinstance(c, str) else c for c in children]
    return nodes.paragraph("", "", *kids, classes=classes or [])


def code_block(text: str, language: str = "python", **attrs: Any) -> nodes.literal_block:
    """A highlighted block of code or output."""
    return nodes.literal_block(text, text, language=language, **attrs)


def simple_table(
    header: list[str],
    rows: list[list[nodes.Node]],
    classes: list[str],
    widths: list[int] | None = None,
) -> nodes.table:
    """A table with one header row; a cell that is not a body element goes into a paragraph,
    an ``entry`` is taken as it is (with its ``morecols``)."""
    table = nodes.table(classes=classes)
    group = nodes.tgroup(cols=len(header))
    table += group
    for width in widths or [1] * len(header):
        group += nodes.colspec(colwidth=width)
    head = nodes.thead()
    row = nodes.row()
    for text in header:
        row += nodes.entry("", para(text))
    head += row
    group += head
    body = nodes.tbody()
    for cells in rows:
        row = nodes.row()
        for cell in cells:
            if isinstance(cell, nodes.entry):  # a cell of its own making (one that spans)
                row += cell
                continue
            entry = nodes.entry()
            if isinstance(cell, nodes.Body):
                entry += cell
            else:
                entry += para(cell)
            row += entry
        body += row
    group += body
    return table


def fmt_number(value: float | None) -> str:
    """A deviation as shown: three significant digits, ``0``, or a dash for none."""
    if value is None:
        return "—"
    if value == 0:
        return "0"
    return f"{value:.3g}"


class PairPage:
    """What every part of one pair's page reads: its spec, its results, labels and config."""

    def __init__(
        self, transform: SphinxPostTransform, cfg: ApidiffConfig, entry: PairEntry
    ) -> None:
        self.transform = transform
        self.cfg = cfg
        self.entry = entry
        self.spec = entry.spec
        assert entry.analysis is not None
        self.analysis: PairAnalysis = entry.analysis
        self.labels = {fw: cfg.label(fw) for fw in self.spec.apis}
        self.language = transform.config.language

    def judgement(self, index: int) -> Judgement | None:
        """How the example at ``index`` is judged; None when it has no result."""
        judgements = self.analysis.judgements
        return judgements[index] if index < len(judgements) else None
