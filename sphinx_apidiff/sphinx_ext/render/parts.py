"""Resolved pairs -> nodes.

:class:`FillParts` (every builder) replaces each placeholder with generic
docutils nodes (containers, literal blocks, tables) that read well in text
and LaTeX output too. :class:`DesignLayout` (HTML only) then turns the
semantic containers into sphinx-design grids, cards and badges.
"""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.errors import SphinxWarning
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_apidiff.analysis.pair import Resolved
from sphinx_apidiff.execution import inputs as compare
from sphinx_apidiff.model.schema import CATEGORIES
from sphinx_apidiff.sphinx_ext.config import ApidiffConfig
from sphinx_apidiff.sphinx_ext.i18n import _, category_label, status_label, tag_label
from sphinx_apidiff.sphinx_ext.located import internal
from sphinx_apidiff.sphinx_ext.nodes import PairEntry, apidiff_part, apidiff_table, find_entry

BADGE_COLORS = {
    "category": "primary",
    "renamed": "info",
    "default": "warning",
    "missing": "secondary",
    "unknown": "danger",
    "ignored": "light",
    "match": "success",
    "differ": "warning",
    "documented": "info",
    "error": "danger",
    "not-run": "secondary",
    "stale": "danger",
    "passed": "success",
    "failed": "danger",
}


def badge(text: str, kind: str) -> nodes.inline:
    return nodes.inline(
        text,
        text,
        classes=["apidiff-badge", f"apidiff-badge-{kind}"],
        apidiff_color=BADGE_COLORS.get(kind, "secondary"),
    )


def container(
    role: str, *children: nodes.Node, classes: list[str] | None = None
) -> nodes.container:
    node = nodes.container("", *children, classes=[f"apidiff-{role}", *(classes or [])])
    node["apidiff"] = role
    return node


def para(*children: nodes.Node | str, classes: list[str] | None = None) -> nodes.paragraph:
    kids = [nodes.Text(c) if isinstance(c, str) else c for c in children]
    return nodes.paragraph("", "", *kids, classes=classes or [])


def code_block(text: str, language: str = "python", **attrs: Any) -> nodes.literal_block:
    node = nodes.literal_block(text, text, language=language, **attrs)
    return node


def simple_table(
    header: list[str],
    rows: list[list[nodes.Node]],
    classes: list[str],
    widths: list[int] | None = None,
) -> nodes.table:
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
    if value is None:
        return "—"
    if value == 0:
        return "0"
    return f"{value:.3g}"


class Parts:
    """Builds the nodes of one pair's parts."""

    def __init__(
        self, transform: SphinxPostTransform, cfg: ApidiffConfig, entry: PairEntry
    ) -> None:
        self.t = transform
        self.cfg = cfg
        self.entry = entry
        self.spec = entry.spec
        assert entry.resolved is not None
        self.r: Resolved = entry.resolved
        self.labels = {fw: cfg.label(fw) for fw in self.spec.apis}
        self.language = transform.config.language

    def build(self, node: apidiff_part) -> list[nodes.Node]:
        part = node["part"]
        if part == "panels":
            return [self.panels()]
        if part == "category":
            return [self.category()]
        if part == "params":
            return [self.params(node)]
        if part == "row":
            return self.row(node["index"])
        if part == "example":
            return [self.example(node["index"])]
        return []

    # -- signature panels ---------------------------------------------------------

    def panels(self) -> nodes.container:
        grid = container("grid", classes=["apidiff-panels"])
        for fw, api in self.spec.apis.items():
            result = self.r.signatures.get(fw)
            version = self.r.versions.get(fw)
            header = container(
                "card-header",
                para(
                    nodes.strong(self.labels[fw], self.labels[fw]),
                    " ",
                    nodes.inline(
                        version or "", version or _("not installed"), classes=["apidiff-version"]
                    ),
                ),
            )
            body = container("card-body", para(nodes.literal(api, api), classes=["apidiff-api"]))
            signature = self.r.shown.get(fw)
            if result is not None and result.error:
                body += para(
                    nodes.emphasis(
                        "",
                        _("{api} does not exist in the installed {framework}.").format(
                            api=api, framework=self.labels[fw]
                        ),
                    ),
                    classes=["apidiff-problem"],
                )
            if signature is not None:
                body += code_block(signature.format(api))
                if signature.source != "inspect":
                    note = (
                        _("Signature from the docstring.")
                        if signature.source == "docstring"
                        else _("Signature given in the YAML file.")
                    )
                    body += para(nodes.emphasis(note, note), classes=["apidiff-sig-source"])
            elif result is None or not result.error:
                text = _("Signature not available.")
                body += para(nodes.emphasis(text, text), classes=["apidiff-problem"])
            card = container("card", header, body, classes=[f"apidiff-fw-{fw}"])
            url = self.cfg.doc_url(fw, api, self.language)
            if url:
                text = _("{framework} documentation").format(framework=self.labels[fw])
                card += container(
                    "card-footer", para(nodes.reference(text, text, refuri=url, internal=False))
                )
            grid += card
        return grid

    def category(self) -> nodes.paragraph:
        label = category_label(self.r.category, self.labels)
        node = para(
            nodes.strong("", _("Category:")),
            " ",
            badge(label, "category"),
            classes=["apidiff-category", f"apidiff-category-{self.r.category}"],
        )
        if self.r.category != self.r.computed_category:
            computed = category_label(self.r.computed_category, self.labels)
            node += nodes.Text(" ")
            node += nodes.emphasis(
                "",
                _("(set by the author; the signatures alone say: {category})").format(
                    category=computed
                ),
            )
        return node

    # -- parameter table ------------------------------------------------------------

    def params(self, node: apidiff_part) -> nodes.Node:
        notes = {
            child["row"]: child
            for child in node.children
            if isinstance(child, nodes.container) and "row" in child
        }
        fws = list(self.spec.apis)
        header = []
        for fw in fws:
            header += [self.labels[fw], _("Default")]
        header += [_("Differences"), _("Note")]
        rows = []
        for row in self.r.rows:
            cells: list[nodes.Node] = []
            for fw in fws:
                name = row.names.get(fw)
                default = row.defaults.get(fw)
                cells.append(para(nodes.literal(name, name)) if name else para("—"))
                if not name or f"unknown:{fw}" in row.tags:
                    cells.append(para(""))
                elif default is None:
                    cells.append(para(nodes.emphasis(_("required"), _("required"))))
                else:
                    cells.append(para(nodes.literal(default, default)))
            tags = para(classes=["apidiff-tags"])
            for tag in row.tags:
                tags += badge(tag_label(tag, self.labels), tag.split(":")[0])
                tags += nodes.Text(" ")
            if row.ignored:
                tags += badge(_("not counted"), "ignored")
            cells.append(tags)
            note = notes.get(row.spec_index) if row.spec_index is not None else None
            cells.append(self._note_cell(note))
            rows.append(cells)
        table = simple_table(header, rows, ["apidiff-params"], widths=[2, 2] * len(fws) + [2, 4])
        return table

    def _note_cell(self, note: nodes.container | None) -> nodes.Node:
        if note is None or not note.children:
            return para("")
        first = note.children[0].deepcopy()
        if len(note.children) > 1 and isinstance(first, nodes.paragraph):
            first += nodes.Text(" …")
        return first if isinstance(first, nodes.paragraph) else para(first.astext())

    def row(self, index: int) -> list[nodes.Node]:
        row = next((r for r in self.r.rows if r.spec_index == index), None)
        if row is None:
            return []
        items = nodes.bullet_list(classes=["apidiff-row-facts"])
        for fw in self.spec.apis:
            name = row.names.get(fw)
            default = row.defaults.get(fw)
            if not name:
                value: nodes.Node = nodes.emphasis("", _("no counterpart"))
            else:
                text = name if default is None else f"{name}={default}"
                value = nodes.literal(text, text)
            items += nodes.list_item(
                "",
                para(
                    nodes.strong("", _("{framework}:").format(framework=self.labels[fw])),
                    " ",
                    value,
                ),
            )
        return [items]

    # -- examples ---------------------------------------------------------------

    def example(self, index: int) -> nodes.Node:
        example = self.spec.examples[index]
        result = self.r.examples[index] if index < len(self.r.examples) else None
        status = result.status if result else "not-run"
        box = container("example", classes=[f"apidiff-status-{status}"])
        line = para(classes=["apidiff-status"])
        line += nodes.strong("", _("Status:"))
        line += nodes.Text(" ")
        line += badge(status_label(status), status)
        if status == "differ" and example.expect == "differ":
            line += nodes.Text(" ")
            line += badge(_("documented difference"), "documented")
        elif status in ("match", "differ", "error") and status != example.expect:
            line += nodes.Text(" ")
            line += badge(
                _("expected: {status}").format(status=status_label(example.expect)), "failed"
            )
        if result is not None and result.stale:
            line += nodes.Text(" ")
            line += badge(_("stale result"), "stale")
        box += line
        if result is not None and status == "not-run" and result.reason:
            text = _("Not executed: {reason}").format(reason=result.reason)
            box += para(nodes.emphasis(text, text), classes=["apidiff-not-run"])

        grid = container("grid", classes=["apidiff-code"])
        for fw, code in example.code.items():
            factory = self.r.factories.get(fw)
            pre = compare.prelude(example.inputs, example.seed, fw, factory)
            text = f"{pre}\n\n{code.text.rstrip()}"
            first = pre.count("\n") + 3
            hl = list(range(first, first + code.text.rstrip().count("\n") + 1))
            body = container("card-body", code_block(text, highlight_args={"hl_lines": hl}))
            side = result.sides.get(fw) if result else None
            if side is not None and side.stdout:
                body += para(
                    nodes.strong(_("Output"), _("Output")), classes=["apidiff-output-label"]
                )
                body += code_block(
                    side.stdout.rstrip("\n"), language="none", classes=["apidiff-output"]
                )
            if side is not None and not side.ok:
                tb = side.traceback(self.entry.source, code.line)
                body += para(nodes.strong(_("Error"), _("Error")), classes=["apidiff-error-label"])
                body += code_block(tb, language="pytb", classes=["apidiff-traceback"])
            header = container("card-header", para(nodes.strong(self.labels[fw], self.labels[fw])))
            grid += container("card", header, body, classes=[f"apidiff-fw-{fw}"])
        box += grid
        if result is not None and result.results:
            box += self._results_table(example, result, list(example.code))
        return box

    def _results_table(self, example: Any, result: Any, fws: list[str]) -> nodes.table:
        header = [_("Value")]
        header += [_("{framework} shape, dtype").format(framework=self.labels[fw]) for fw in fws]
        header += [_("Max abs. deviation"), _("Max rel. deviation"), _("Verdict")]
        rows = []
        for name, comp in result.results.items():
            cells: list[nodes.Node] = [para(nodes.literal(name, name))]
            for fw in fws:
                shape = comp.shapes.get(fw)
                dtype = comp.dtypes.get(fw) or ""
                text = (
                    f"({', '.join(map(str, shape))}{',' if len(shape) == 1 else ''}) {dtype}"
                    if shape is not None
                    else dtype or "—"
                )
                cells.append(para(nodes.literal(text, text)))
            cells.append(para(fmt_number(comp.max_abs)))
            cells.append(para(fmt_number(comp.max_rel)))
            verdict = para()
            if comp.passed:
                verdict += badge(_("within tolerance"), "passed")
            else:
                verdict += badge(
                    _("differs"), "documented" if example.expect == "differ" else "failed"
                )
            if comp.note:
                verdict += nodes.Text(f" {comp.note}")
            cells.append(verdict)
            rows.append(cells)
        caption = _("Tolerance: atol={atol:g}, rtol={rtol:g}").format(
            atol=example.atol, rtol=example.rtol
        )
        table = simple_table(header, rows, ["apidiff-results"])
        table.insert(0, nodes.title(caption, caption))
        self.t.document.set_id(table)
        return table


class FillParts(SphinxPostTransform):
    """Replace each placeholder with the resolved content (all builders)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        cfg = ApidiffConfig.from_sphinx(self.config)
        for node in list(self.document.findall(apidiff_part)):
            entry = find_entry(self.env, node["key"])
            if entry is None or entry.resolved is None:
                node.replace_self([])
                continue
            try:
                node.replace_self(Parts(self, cfg, entry).build(node))
            except SphinxWarning:
                raise
            except Exception as exc:  # a bug of ours: this part is missing, the page is not
                internal(exc, f"rendering its {node['part']}", entry.spec.location(None))
                node.replace_self([])
        for table in list(self.document.findall(apidiff_table)):
            try:
                table.replace_self(OverviewTable(self, cfg).build(table))
            except SphinxWarning:
                raise
            except Exception as exc:
                internal(exc, "rendering the overview table", table)
                table.replace_self([])


class DesignLayout(SphinxPostTransform):
    """HTML: semantic containers -> sphinx-design grid, cards and badges."""

    default_priority = 200
    formats = ("html",)

    def run(self, **kwargs: Any) -> None:
        for node in list(self.document.findall(nodes.container)):
            role = node.get("apidiff")
            if role == "grid":
                self._grid(node)
            elif role in ("card-header", "card-body", "card-footer"):
                node["classes"].append(f"sd-{role}")
                node["is_div"] = True
        for node in self.document.findall(nodes.inline):
            if "apidiff-badge" in node["classes"]:
                color = node.get("apidiff_color", "secondary")
                node["classes"] += ["sd-badge", f"sd-bg-{color}", f"sd-bg-text-{color}"]

    def _grid(self, node: nodes.container) -> None:
        cards = list(node.children)
        node.children = []
        node["classes"] += ["sd-container-fluid", "sd-sphinx-override", "sd-mb-4"]
        node["is_div"] = True
        columns = min(max(len(cards), 1), 3)
        row = nodes.container(
            "",
            is_div=True,
            classes=["sd-row", "sd-row-cols-1", f"sd-row-cols-md-{columns}", "sd-g-3"],
        )
        for card in cards:
            card["classes"] += ["sd-card", "sd-sphinx-override", "sd-w-100", "sd-shadow-sm"]
            card["is_div"] = True
            row += nodes.container("", card, is_div=True, classes=["sd-col", "sd-d-flex-row"])
        node += row


def _worst(entry: PairEntry) -> tuple[int, float, Any]:
    """The example that tells most: a broken one first, then the largest deviation."""
    best: tuple[int, float, Any] = (-1, -1.0, None)
    assert entry.resolved is not None
    for example, result in zip(entry.spec.examples, entry.resolved.examples, strict=False):
        broken = result.status in ("match", "differ", "error") and result.status != example.expect
        rank = 3 if broken else {"differ": 2, "match": 1}.get(result.status, 0)
        deviation = result.max_abs if result.max_abs is not None else -1.0
        candidate = (rank, deviation, (example, result))
        if candidate[:2] > best[:2]:
            best = candidate
    return best


class OverviewTable:
    """Builds the ``apidiff-table`` of every pair in the project."""

    def __init__(self, transform: SphinxPostTransform, cfg: ApidiffConfig) -> None:
        self.t = transform
        self.cfg = cfg

    def entries(self, node: apidiff_table) -> list[PairEntry]:
        from sphinx_apidiff.sphinx_ext.nodes import get_pairs

        entries = [
            e
            for docname in sorted(get_pairs(self.t.env))
            for e in get_pairs(self.t.env)[docname]
            if e.resolved is not None
        ]
        if node["categories"]:
            entries = [
                e for e in entries if e.resolved and e.resolved.category in node["categories"]
            ]
        sort = node["sort"]
        if sort == "id":
            entries.sort(key=lambda e: e.spec.id)
        elif sort == "reference":
            entries.sort(key=lambda e: e.spec.apis[e.spec.reference])
        elif sort == "category":
            order = {c: i for i, c in enumerate(CATEGORIES)}
            entries.sort(
                key=lambda e: (order.get(e.resolved.category if e.resolved else "", 99), e.spec.id)
            )
        elif sort == "deviation":
            entries.sort(key=lambda e: _worst(e)[:2], reverse=True)
        return entries

    def link(self, entry: PairEntry, text: str) -> nodes.Node:
        builder = self.t.app.builder
        try:
            uri = builder.get_relative_uri(self.t.env.docname, entry.docname)
        except Exception:  # a builder without page links (text): just the name
            return nodes.literal(text, text)
        if entry.section_id:
            uri += "#" + entry.section_id
        return nodes.reference("", "", nodes.literal(text, text), internal=True, refuri=uri)

    def build(self, node: apidiff_table) -> nodes.Node:
        entries = self.entries(node)
        if not entries:
            text = _("No comparison pages.")
            return para(nodes.emphasis(text, text))
        frameworks: list[str] = []
        for entry in entries:
            frameworks += [fw for fw in entry.spec.apis if fw not in frameworks]
        labels = {fw: self.cfg.label(fw) for fw in frameworks}
        # one version per framework across the project: say it once, in the header
        seen: dict[str, set[str]] = {fw: set() for fw in frameworks}
        for entry in entries:
            for fw, version in (entry.resolved.versions if entry.resolved else {}).items():
                if version:
                    seen[fw].add(version)
        uniform = all(len(v) <= 1 for v in seen.values())
        header = [
            f"{labels[fw]} {next(iter(seen[fw]))}" if uniform and seen[fw] else labels[fw]
            for fw in frameworks
        ]
        header += [_("Category"), _("Examples")]
        if not uniform:
            header.append(_("Versions"))
        rows = []
        for entry in entries:
            resolved = entry.resolved
            assert resolved is not None
            cells: list[nodes.Node] = []
            for fw in frameworks:
                api = entry.spec.apis.get(fw)
                cells.append(para(self.link(entry, api)) if api else para("—"))
            own = {fw: labels[fw] for fw in entry.spec.apis}
            cells.append(para(badge(category_label(resolved.category, own), "category")))
            rank, _deviation, pick = _worst(entry)
            verdict = para()
            if pick is None:
                verdict += nodes.Text("—")
            else:
                example, result = pick
                kind = result.status
                if rank == 3:
                    kind = "failed"
                elif result.status == "differ" and example.expect == "differ":
                    kind = "documented"
                verdict += badge(status_label(result.status), kind)
                if result.max_abs is not None:
                    verdict += nodes.Text(
                        " " + _("max abs. {value}").format(value=fmt_number(result.max_abs))
                    )
                if any(r.stale for r in resolved.examples):
                    verdict += nodes.Text(" ")
                    verdict += badge(_("stale result"), "stale")
            cells.append(verdict)
            if not uniform:
                versions = ", ".join(
                    f"{labels[fw]} {v}" for fw, v in resolved.versions.items() if v
                )
                cells.append(para(versions))
            rows.append(cells)
        table = simple_table(header, rows, ["apidiff-overview", *node["classes"]])
        return table
