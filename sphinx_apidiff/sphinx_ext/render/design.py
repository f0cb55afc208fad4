"""HTML only: the semantic containers and badges become sphinx-design's grid, cards and badges.

sphinx-design decides its markup (classes, ``is_div``, ``design_component``) in
its directives and helpers, not in anything we could copy safely. So the layout
runs its own directives (``grid``, ``grid-item-card``, ``card-header``,
``card-footer``) over the nodes :class:`~.fill.FillParts` built, through
:class:`DirectiveHost`: a stand-in for the parser, which hands each directive
our nodes where it would parse its content. Badges take their classes from
``create_bdg_classes`` and become ``sd_badge`` nodes. Whatever a sphinx-design
release writes, our pages write too; if it needs more of the parser than we
give, the page keeps its generic layout and the build says so.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, cast

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx_design.badges_buttons import create_bdg_classes, sd_badge
from sphinx_design.cards import CardFooterDirective, CardHeaderDirective
from sphinx_design.dropdown import DropdownDirective
from sphinx_design.grids import GridDirective, GridItemCardDirective, gutter_option
from sphinx_design.shared import SEMANTIC_COLORS

from sphinx_apidiff.sphinx_ext.located import internal

#: Cards per row from the ``md`` breakpoint on (one per row below it).
MAX_COLUMNS = 3
GUTTER = "3"
#: Side by side, a code pane of half the page shows this many characters whole at 1400 px
#: in furo (the project's theme) and alabaster (Sphinx's default), a third of the page two
#: thirds of them; a page with a longer line in any code card stacks all its code cards,
#: one per row, at full width.
SIDE_BY_SIDE = 40


@dataclass
class Call:
    """One directive to run: what its markup would say, and the nodes of its content."""

    directive: type[Any]
    name: str
    content: list[nodes.Node | Call]
    arguments: list[str] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


class DirectiveHost:
    """The little of a parser state and state machine that sphinx-design's directives use.

    ``nested_parse`` puts a :class:`Call`'s content into the node, running the
    calls in it, with ``node`` set as the parser would (directives check their parent).
    """

    def __init__(self, document: nodes.document, where: nodes.Element) -> None:
        self.document = document
        self.reporter = document.reporter
        self.node: nodes.Element = where  # the state machine's node: what is being parsed into
        self.where = (where.source, where.line)
        self.contents: list[list[nodes.Node | Call]] = []

    def run(self, call: Call) -> list[nodes.Node]:
        """The nodes ``call.directive`` writes for ``call``."""
        content = StringList([f"apidiff-content {len(self.contents)}"], "<apidiff>")
        self.contents.append(call.content)
        host = cast(Any, self)  # as state and state machine
        args = (call.name, call.arguments, call.options, content, 0, 0, "", host, host)
        result: list[nodes.Node] = call.directive(*args).run()
        return result

    def nested_parse(self, block: StringList, offset: int, node: nodes.Element, **_: Any) -> None:
        """Instead of parsing ``block``: the content it stands for, into ``node``."""
        index = int(block[0].rpartition(" ")[2])
        parent, self.node = self.node, node
        try:
            for child in self.contents[index]:
                node.extend(self.run(child) if isinstance(child, Call) else [child])
        finally:
            self.node = parent

    def inline_text(self, text: str, lineno: int) -> tuple[list[nodes.Node], list[nodes.Node]]:
        """A directive's argument as plain text (our titles hold no markup)."""
        return [nodes.Text(text)], []

    def get_source_and_line(self, lineno: int | None = None) -> tuple[str | None, int | None]:
        """Where the nodes come from: the placeholder's place in the page."""
        return self.where


def card_call(card: nodes.container) -> Call:
    """A ``grid-item-card`` holding the card's own header, body and footer."""
    slots = {c.get("apidiff"): c for c in card.children if isinstance(c, nodes.Element)}
    header, body, footer = (slots.get(role) for role in ("card-header", "card-body", "card-footer"))
    content: list[nodes.Node | Call] = []
    if header is not None:
        options = {"class": header["classes"]}
        content.append(
            Call(CardHeaderDirective, "card-header", header.children[:], options=options)
        )
    if body is not None:
        content += body.children
    if footer is not None:
        options = {"class": footer["classes"]}
        content.append(
            Call(CardFooterDirective, "card-footer", footer.children[:], options=options)
        )
    options = {"class-card": card["classes"], "class-body": body["classes"] if body else []}
    return Call(GridItemCardDirective, "grid-item-card", content, options=options)


def columns(cards: int, most: int = MAX_COLUMNS) -> int:
    """Cards per row for ``cards`` cards, at most ``most``: rows of equal count where one
    exists (four cards 2 + 2, not 3 + 1; six 3 + 3), else as many as fit (five 3 + 2)."""
    cards, most = max(cards, 1), max(most, 1)
    if cards <= most:
        return cards
    even = [n for n in range(most, 1, -1) if cards % n == 0]
    return even[0] if even else most


def grid_call(grid: nodes.container) -> Call:
    """A ``grid`` of the grid's cards: one column on small screens, from ``md`` up to
    three in rows of equal count (:func:`columns`)."""
    cards = [card_call(c) for c in grid.children if isinstance(c, nodes.container)]
    n = columns(len(cards), grid.get("apidiff_columns") or MAX_COLUMNS)
    options = {"gutter": gutter_option(GUTTER), "class-container": grid["classes"]}
    return Call(GridDirective, "grid", list(cards), arguments=[f"1 1 {n} {n}"], options=options)


def dropdown(
    title: str, content: list[nodes.Node], document: nodes.document, where: nodes.Element
) -> list[nodes.Node]:
    """A folded block (every builder): what sphinx-design's ``dropdown`` directive writes;
    its own HTML transform makes it a ``<details>`` element later."""
    call = Call(DropdownDirective, "dropdown", content, arguments=[title])
    return DirectiveHost(document, where).run(call)


def ours_first(node: nodes.Element) -> None:
    """Our classes before sphinx-design's on each component, as they were before."""
    for component in node.findall(nodes.Element):
        if component.get("design_component"):
            component["classes"].sort(key=lambda name: not name.startswith("apidiff-"))


def code_layout(grids: list[nodes.container]) -> None:
    """One layout for every code card of a page, so that the cards do not switch between
    side by side and stacked from one example to the next for a few characters: side by
    side while every line they show (code, output, traceback) fits in its pane (half the
    page: :data:`SIDE_BY_SIDE` characters; a third: two thirds of that). A grid of one
    card (a recipe changing one framework) spans the page either way."""
    counts = [sum(isinstance(c, nodes.container) for c in g.children) for g in grids]
    pairs = [g for g, count in zip(grids, counts, strict=True) if count > 1]
    most = max((columns(count) for count in counts if count > 1), default=2)
    widest = max(
        (
            len(line)
            for grid in pairs
            for block in grid.findall(nodes.literal_block)
            for line in block.astext().splitlines()
        ),
        default=0,
    )
    if widest > SIDE_BY_SIDE * 2 // most:
        for grid in pairs:
            grid["apidiff_columns"] = 1


def panel_layout(grid: nodes.container) -> None:
    """The signature cards of more than two frameworks stand in rows of equal count
    (:func:`columns`) while every line they show fits its card, as code cards do
    (:func:`code_layout`); else one per row. Two cards stand side by side either way, as
    they always have (a long signature scrolls in its card)."""
    count = sum(isinstance(c, nodes.container) for c in grid.children)
    if count <= 2:
        return
    widest = max(
        (
            len(line)
            for node in grid.findall(lambda n: isinstance(n, nodes.literal_block | nodes.literal))
            for line in node.astext().splitlines()
        ),
        default=0,
    )
    if widest > SIDE_BY_SIDE * 2 // columns(count):
        grid["apidiff_columns"] = 1


def break_at_dots(literal: nodes.literal, at: str = ".") -> None:
    """Let a dotted name (``torch.nn.functional.gelu``) break after its dots only (or
    after each ``at``: a parameter's ``name=default`` after its ``=``): the browser
    breaks at each ``<wbr>``, and each part stays whole (``span.pre``)."""
    text = literal.astext()
    parts = text.split(at)
    if len(parts) < 2 or len(literal.children) != 1:
        return
    literal.children = []
    for number, part in enumerate(parts):
        if number:
            literal += nodes.raw("", "<wbr/>", format="html")  # XHTML too (epub)
        last = number == len(parts) - 1
        literal += nodes.Text(part if last else part + at)


class DesignLayout(SphinxPostTransform):
    """HTML: semantic containers -> sphinx-design grid, cards and badges; tables in a
    container that scrolls sideways, so that the page does not at a phone's width."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        grids = [g for g in self.document.findall(nodes.container) if g.get("apidiff") == "grid"]
        code_layout([g for g in grids if "apidiff-code" in g["classes"]])
        for grid in grids:
            if "apidiff-panels" in grid["classes"]:
                panel_layout(grid)
        for grid in grids:
            self.lay_out(grid)
        for node in list(self.document.findall(nodes.inline)):
            if "apidiff-badge" in node["classes"] and not isinstance(node, sd_badge):
                self.badge(node)
        for table in list(self.document.findall(nodes.table)):
            if any(name.startswith("apidiff-") for name in table["classes"]):
                self.scroll(table)

    def scroll(self, table: nodes.table) -> None:
        """Put ``table`` in its own scroll container; in the overview, API names break at
        dots only; in a parameter table of more than two frameworks, ``name=default``
        after its ``=``."""
        if "apidiff-overview" in table["classes"]:
            for literal in list(table.findall(nodes.literal)):
                break_at_dots(literal)
        if "apidiff-params-nway" in table["classes"]:  # narrow columns on a phone
            for literal in list(table.findall(nodes.literal)):
                break_at_dots(literal, "=")
        box = nodes.container("", classes=["apidiff-scroll"])
        table.parent.replace(table, box)  # not replace_self: it moves the ids to the box
        box += table

    def lay_out(self, grid: nodes.container) -> None:
        """Replace ``grid`` with what sphinx-design's directives write for it."""
        try:
            [layout] = DirectiveHost(self.document, grid).run(grid_call(grid))
        except Exception as exc:  # a sphinx-design we do not know: the generic layout stays
            internal(exc, "laying out its cards with sphinx-design", grid)
            return
        ours_first(layout)
        grid.replace_self(layout)

    def badge(self, node: nodes.inline) -> None:
        """Replace ``node`` with a sphinx-design badge of its colour."""
        color = node.get("apidiff_color", "secondary")
        if color not in SEMANTIC_COLORS:
            error = ValueError(
                f"sphinx-design has no colour {color!r} ({', '.join(SEMANTIC_COLORS)})"
            )
            internal(error, "colouring a badge", node)
            color = None
        classes = [*node["classes"], *create_bdg_classes(color, outline=False)]
        node.replace_self(sd_badge(node.rawsource, "", *node.children, classes=classes))
