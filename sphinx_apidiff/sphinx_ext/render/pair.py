"""The parts of a pair's page that come from the signatures: panels, category, parameters."""

from __future__ import annotations

from docutils import nodes

from sphinx_apidiff.analysis.params import Row
from sphinx_apidiff.execution.results import SignatureResult
from sphinx_apidiff.model.vocabulary import Category, Tag, TagKind
from sphinx_apidiff.sphinx_ext.i18n import (
    _,
    category_label,
    kind_labels,
    status_label,
    tag_label,
)
from sphinx_apidiff.sphinx_ext.nodes import apidiff_part
from sphinx_apidiff.sphinx_ext.render.base import (
    BadgeKind,
    PairPage,
    badge,
    code_block,
    container,
    para,
    simple_table,
    verdict_badge,
)


class PairParts(PairPage):
    """Builds the signature panels, the category line, the parameter table and its rows."""

    def panels(self) -> nodes.container:
        """One card per framework: its API, version, signature and documentation link."""
        grid = container("grid", classes=["apidiff-panels"])
        for fw, api in self.spec.apis.items():
            card = container(
                "card",
                self._panel_header(fw),
                self._panel_body(fw, api),
                classes=[f"apidiff-fw-{fw}"],
            )
            url = None if fw in self.spec.missing else self.cfg.doc_url(fw, api, self.language)
            if url:
                text = _("{framework} documentation").format(framework=self.labels[fw])
                card += container(
                    "card-footer", para(nodes.reference(text, text, refuri=url, internal=False))
                )
            grid += card
        return grid

    def _panel_header(self, fw: str) -> nodes.container:
        version = self.analysis.versions.get(fw)
        return container(
            "card-header",
            para(
                nodes.strong(self.labels[fw], self.labels[fw]),
                " ",
                nodes.inline(
                    version or "", version or _("not installed"), classes=["apidiff-version"]
                ),
            ),
        )

    def _panel_body(self, fw: str, api: str) -> nodes.container:
        result = self.analysis.signatures.get(fw)
        if fw in self.spec.missing:
            return self._absent_body(fw, api, result)
        body = container("card-body", para(nodes.literal(api, api), classes=["apidiff-api"]))
        signature = self.analysis.page_signatures.get(fw)
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
        return body

    def _absent_body(self, fw: str, api: str, result: SignatureResult | None) -> nodes.container:
        """A framework with no counterpart: say so, and what the build checked."""
        text = _("No counterpart in {framework}.").format(framework=self.labels[fw])
        body = container("card-body", para(nodes.strong(text, text), classes=["apidiff-api"]))
        if result is not None and result.error:
            checked = _("Checked at build time: {api} does not exist.").format(api=api)
            body += para(nodes.emphasis(checked, checked), classes=["apidiff-sig-source"])
        if self.spec.examples:
            hint = _("The examples show a workaround.")
            body += para(hint)
        return body

    def category(self) -> nodes.paragraph:
        """The category badge, and what the signatures alone say when an author overrode it."""
        label = category_label(self.analysis.category, self.labels)
        node = para(
            nodes.strong("", _("Category:")),
            " ",
            badge(label, BadgeKind.CATEGORY),
            classes=["apidiff-category", f"apidiff-category-{self.analysis.category}"],
        )
        if self.analysis.category != self.analysis.computed_category:
            computed = category_label(self.analysis.computed_category, self.labels)
            text = (
                _("(set by the author; the examples measured: {category})")
                if self.analysis.computed_category == Category.BEHAVIOUR
                else _("(set by the author; the signatures alone say: {category})")
            )
            node += nodes.Text(" ")
            node += nodes.emphasis("", text.format(category=computed))
        if self.analysis.kinds:  # every kind, none hidden behind the headline
            node += nodes.Text(" ")
            node += nodes.strong("", _("Differences:"))
            for kind, label in kind_labels(self.analysis.kinds, self.labels):
                node += nodes.Text(" ")
                node += badge(label, kind.kind)
        return node

    def params(self, node: apidiff_part) -> list[nodes.Node]:
        """The parameter table: names and defaults per framework, differences, notes; on a
        page with no counterpart, a line that says what its rows are."""
        notes = {
            child["row"]: child
            for child in node.children
            if isinstance(child, nodes.container) and "row" in child
        }
        fws = list(self.spec.apis)
        nway = len(fws) > 2
        table = self._params_nway(fws, notes) if nway else self._params_two(fws, notes)
        if not self.spec.missing:
            return [table]
        missing = ", ".join(self.labels[fw] for fw in self.spec.missing)
        text = _(
            "No counterpart in {framework}: the rows are the parameters of {reference}, "
            "with the notes of this page."
        ).format(framework=missing, reference=self.labels[self.spec.reference])
        return [para(nodes.emphasis(text, text), classes=["apidiff-params-intro"]), table]

    def _params_two(self, fws: list[str], notes: dict[int, nodes.container]) -> nodes.table:
        """Two frameworks: a name and a default column each, the differences, the note."""
        header = []
        for fw in fws:
            header += [self.labels[fw], _("Default")]
        header += [_("Differences"), _("Note")]
        rows = []
        for row in self.analysis.rows:
            tags = row.tags
            cells: list[nodes.Node] = []
            for fw in fws:
                name = row.names.get(fw)
                default = row.defaults.get(fw)
                cells.append(para(nodes.literal(name, name)) if name else para("—"))
                if not name or Tag(TagKind.UNKNOWN, fw) in tags:
                    cells.append(para(""))
                elif default is None:
                    cells.append(para(nodes.emphasis(_("required"), _("required"))))
                else:
                    cells.append(para(nodes.literal(default, default)))
            badges = para(classes=["apidiff-tags"])
            for tag in tags:
                badges += badge(tag_label(tag, self.labels), tag.kind)
                badges += nodes.Text(" ")
            if row.ignored and not self.spec.missing:  # nothing is counted without a counterpart
                badges += badge(_("not counted"), BadgeKind.IGNORED)
            cells.append(badges)
            note = notes.get(row.spec_index) if row.spec_index is not None else None
            cell = self._note_cell(note)
            evidence = self._evidence(row)
            if evidence is not None:
                cell = nodes.container("", cell, evidence, classes=["apidiff-note"])
            cells.append(cell)
            rows.append(cells)
        return simple_table(header, rows, ["apidiff-params"], widths=[2, 2] * len(fws) + [2, 4])

    def _params_nway(self, fws: list[str], notes: dict[int, nodes.container]) -> nodes.table:
        """More than two frameworks: one row per parameter, a cell per framework (its
        name and default, or "none"), then the differences; a parameter's note, and the
        examples that show it, in a row of their own below it, across the table. A
        framework that lacks the parameter is said by its cell, not by a tag: the tags
        are the differences between the frameworks that have it."""
        header = [*(self.labels[fw] for fw in fws), _("Differences")]
        rows: list[list[nodes.Node]] = []
        for row in self.analysis.rows:
            cells: list[nodes.Node] = [fw_cell(row, fw) for fw in fws]
            badges = para(classes=["apidiff-tags"])
            shown = [tag for tag in row.tags if tag.kind is not TagKind.MISSING]
            for tag in shown:
                badges += badge(tag_label(tag, self.labels), tag.kind)
                badges += nodes.Text(" ")
            if row.ignored and not self.spec.missing:
                badges += badge(_("not counted"), BadgeKind.IGNORED)
            cells.append(badges if badges.children else para("—", classes=["apidiff-no-tags"]))
            rows.append(cells)
            note = notes.get(row.spec_index) if row.spec_index is not None else None
            below = [self._note_cell(note), self._evidence(row)]
            below = [n for n in below if n is not None and n.astext()]
            if below:
                entry = nodes.entry("", *below, morecols=len(fws), classes=["apidiff-note"])
                rows.append([entry])
        classes = ["apidiff-params", "apidiff-params-nway", f"apidiff-fws-{len(fws)}"]
        return simple_table(header, rows, classes, widths=[2] * len(fws) + [2])

    def _note_cell(self, note: nodes.container | None) -> nodes.Node:
        if note is None or not note.children:
            return para("")
        first = note.children[0].deepcopy()
        if len(note.children) > 1 and isinstance(first, nodes.paragraph):
            first += nodes.Text(" …")
        return first if isinstance(first, nodes.paragraph) else para(first.astext())

    def _evidence(self, row: Row) -> nodes.paragraph | None:
        """The verdicts of the examples a row's note cites, each linked to its example."""
        if not row.examples:
            return None
        line = para(nodes.emphasis("", _("Shown by:")), classes=["apidiff-evidence"])
        for number, position in enumerate(row.examples):
            judged = self.judgement(position)
            target, heading = self.entry.example_sections[position]  # as its section says
            line += nodes.Text("; " if number else " ")
            line += nodes.reference("", heading, refid=target, internal=True)
            if judged is not None:
                line += nodes.Text(" ")
                line += badge(
                    status_label(judged.status), verdict_badge(judged.verdict, judged.status)
                )
        return line

    def row(self, index: int) -> list[nodes.Node]:
        """The facts of one YAML parameter row, beside its note: each framework's name=default."""
        row = next((r for r in self.analysis.rows if r.spec_index == index), None)
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
        evidence = self._evidence(row)
        if evidence is not None:
            items += nodes.list_item("", evidence)
        return [items]


def fw_cell(row: Row, fw: str) -> nodes.paragraph:
    """One framework's parameter: ``name=default``, or its name and "required"; a dash
    where the framework has no such parameter (as in the two-way table)."""
    name = row.names.get(fw)
    if not name:
        return para("—", classes=["apidiff-none"])
    default = row.defaults.get(fw)
    if Tag(TagKind.UNKNOWN, fw) in row.tags:
        return para(nodes.literal(name, name))
    if default is None:
        required = _("required")
        return para(nodes.literal(name, name), " ", nodes.emphasis(required, required))
    text = f"{name}={default}"
    return para(nodes.literal(text, text))
