"""An example's part of a pair's page: its status, its code per framework, its results table."""

from __future__ import annotations

from typing import Any

from docutils import nodes

from sphinx_apidiff.execution.inputs import prelude
from sphinx_apidiff.model.vocabulary import Status, Verdict, verdict
from sphinx_apidiff.sphinx_ext.i18n import _, status_label
from sphinx_apidiff.sphinx_ext.render.base import (
    BadgeKind,
    PairPage,
    badge,
    code_block,
    container,
    fmt_number,
    para,
    simple_table,
    verdict_badge,
)


class ExampleParts(PairPage):
    """Builds one example: status line, a code card per framework, the compared values."""

    def example(self, index: int) -> nodes.Node:
        """The example at ``index`` of the YAML file, with what running it gave."""
        example = self.spec.examples[index]
        result = self.r.examples[index] if index < len(self.r.examples) else None
        status = result.status if result else Status.NOT_RUN
        box = container("example", classes=[f"apidiff-status-{status}"])
        box += self._status_line(example, result, status)
        if result is not None and status == Status.NOT_RUN and result.reason:
            text = _("Not executed: {reason}").format(reason=result.reason)
            box += para(nodes.emphasis(text, text), classes=["apidiff-not-run"])
        grid = container("grid", classes=["apidiff-code"])
        for fw, code in example.code.items():
            grid += self._code_card(example, result, fw, code)
        box += grid
        if result is not None and result.results:
            box += self._results_table(example, result, list(example.code))
        return box

    def _status_line(self, example: Any, result: Any, status: str) -> nodes.paragraph:
        line = para(classes=["apidiff-status"])
        line += nodes.strong("", _("Status:"))
        line += nodes.Text(" ")
        line += badge(status_label(status), status)
        judged = verdict(example.expect, status)
        if judged is Verdict.DOCUMENTED:
            line += nodes.Text(" ")
            line += badge(_("documented difference"), Verdict.DOCUMENTED)
        elif judged is Verdict.UNEXPECTED:
            line += nodes.Text(" ")
            line += badge(
                _("expected: {status}").format(status=status_label(example.expect)),
                BadgeKind.FAILED,
            )
        if result is not None and result.stale:
            line += nodes.Text(" ")
            line += badge(_("stale result"), BadgeKind.STALE)
        return line

    def _code_card(self, example: Any, result: Any, fw: str, code: Any) -> nodes.container:
        factory = self.r.factories.get(fw)
        pre = prelude(example.inputs, example.seed, fw, factory)
        text = f"{pre}\n\n{code.text.rstrip()}"
        first = pre.count("\n") + 3
        hl = list(range(first, first + code.text.rstrip().count("\n") + 1))
        body = container("card-body", code_block(text, highlight_args={"hl_lines": hl}))
        side = result.sides.get(fw) if result else None
        if side is not None and side.stdout:
            body += para(nodes.strong(_("Output"), _("Output")), classes=["apidiff-output-label"])
            body += code_block(
                side.stdout.rstrip("\n"), language="none", classes=["apidiff-output"]
            )
        if side is not None and not side.ok:
            tb = side.traceback(self.entry.source, code.line)
            body += para(nodes.strong(_("Error"), _("Error")), classes=["apidiff-error-label"])
            body += code_block(tb, language="pytb", classes=["apidiff-traceback"])
        header = container("card-header", para(nodes.strong(self.labels[fw], self.labels[fw])))
        return container("card", header, body, classes=[f"apidiff-fw-{fw}"])

    def _results_table(self, example: Any, result: Any, fws: list[str]) -> nodes.table:
        header = [_("Value")]
        header += [_("{framework} shape, dtype").format(framework=self.labels[fw]) for fw in fws]
        header += [_("Max abs. deviation"), _("Max rel. deviation"), _("Verdict")]
        # a value outside tolerance is judged as a differing example would be
        differs = verdict_badge(verdict(example.expect, Status.DIFFER), Status.DIFFER)
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
            judged = para()
            if comp.passed:
                judged += badge(_("within tolerance"), BadgeKind.PASSED)
            else:
                judged += badge(_("differs"), differs)
            if comp.note:
                judged += nodes.Text(f" {comp.note}")
            cells.append(judged)
            rows.append(cells)
        caption = _("Tolerance: atol={atol:g}, rtol={rtol:g}").format(
            atol=example.atol, rtol=example.rtol
        )
        table = simple_table(header, rows, ["apidiff-results"])
        table.insert(0, nodes.title(caption, caption))
        self.t.document.set_id(table)
        return table
