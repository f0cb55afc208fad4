"""An example's part of a pair's page: its status, its code per framework, its results table,
and how to get the same result (its recipe)."""

from __future__ import annotations

from docutils import nodes

from sphinx_apidiff.analysis.pair import dtype_equal, example_verdict
from sphinx_apidiff.execution.inputs import prelude
from sphinx_apidiff.execution.results import ExampleResult
from sphinx_apidiff.model.spec import Code, ExampleSpec, prose_text
from sphinx_apidiff.model.vocabulary import Status, TagKind, Verdict, verdict
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
from sphinx_apidiff.sphinx_ext.render.design import dropdown

#: Side by side, a code pane shows about this many characters at the default width of
#: furo (the project's theme): longer snippets stack, one pane per row, at full width.
SIDE_BY_SIDE = 40


class ExampleParts(PairPage):
    """Builds one example: status line, inputs, a code card per framework, the compared
    values, and its recipe."""

    def example(self, index: int, where: nodes.Element) -> nodes.Node:
        """The example at ``index`` of the YAML file, with what running it gave; ``where``
        is its placeholder on the page (where problems are located)."""
        self.where = where
        example = self.spec.examples[index]
        result = self.r.examples[index] if index < len(self.r.examples) else None
        status = result.status if result else Status.NOT_RUN
        box = container("example", classes=[f"apidiff-status-{status}"])
        box += self._status_line(example, result, status)
        if result is not None and status == Status.NOT_RUN and result.reason:
            text = _("Not executed: {reason}").format(reason=result.reason)
            box += para(nodes.emphasis(text, text), classes=["apidiff-not-run"])
        box += self._runs(example, example.code, result)
        if example.recipe is not None:
            box += self._recipe(index, example)
        return box

    def _runs(
        self,
        example: ExampleSpec,
        code: dict[str, Code],
        result: ExampleResult | None,
        shown: list[str] | None = None,
    ) -> list[nodes.Node]:
        """The inputs line, the code cards (of ``shown`` frameworks, default all), the
        runnable code folded, the results table."""
        out: list[nodes.Node] = []
        if example.inputs and shown is None:
            out.append(self._inputs_line(example))
        grid = container("grid", classes=["apidiff-code"])
        widest = max((len(line) for c in code.values() for line in c.text.splitlines()), default=0)
        # side by side only while every line fits in half the page
        if widest > SIDE_BY_SIDE:
            grid["apidiff_columns"] = 1
        for fw, snippet in code.items():
            if shown is None or fw in shown:
                grid += self._code_card(result, fw, snippet)
        out.append(grid)
        out += self._runnable(example, code)
        if result is not None and result.results:
            out.append(self._results_table(example, result, list(code)))
        return out

    def _inputs_line(self, example: ExampleSpec) -> nodes.paragraph:
        """One line saying what each input is; the code that makes them is folded below."""
        line = para(nodes.strong("", _("Inputs:")), classes=["apidiff-inputs"])
        for number, spec in enumerate(example.inputs):
            shape = "(" + ", ".join(map(str, spec.shape)) + ("," if len(spec.shape) == 1 else "")
            what = f"{spec.name}: {spec.dtype} {shape})" if spec.value is None else spec.name
            if spec.value is not None:
                what = f"{spec.name} = {spec.value!r}"
            line += nodes.Text(", " if number else " ")
            line += nodes.literal(what, what)
        seeded = any(spec.value is None for spec in example.inputs)
        if seeded:
            line += nodes.Text(" ")
            line += nodes.Text(
                _("(random, seed {seed}; the same arrays in every framework)").format(
                    seed=example.seed
                )
            )
        return line

    def _runnable(self, example: ExampleSpec, code: dict[str, Code]) -> list[nodes.Node]:
        """Each framework's snippet with the code that makes its inputs: ready to paste."""
        if not example.inputs:
            return []
        content: list[nodes.Node] = []
        for fw, snippet in code.items():
            pre = prelude(example.inputs, example.seed, fw, self.r.factories.get(fw))
            content.append(para(nodes.strong(self.labels[fw], self.labels[fw])))
            content.append(code_block(f"{pre}\n\n{snippet.text.rstrip()}"))
        title = _("Runnable code, with the inputs")
        return dropdown(title, content, self.t.document, self.where)

    def _status_line(
        self, example: ExampleSpec, result: ExampleResult | None, status: str
    ) -> nodes.paragraph:
        line = para(classes=["apidiff-status"])
        line += nodes.strong("", _("Status:"))
        line += nodes.Text(" ")
        line += badge(status_label(status), status)
        judged = example_verdict(example, result) if result else Verdict.NOT_RUN
        if judged is Verdict.DOCUMENTED and status == Status.DIFFER:
            line += nodes.Text(" ")
            line += badge(_("documented difference"), Verdict.DOCUMENTED)
        elif judged is Verdict.UNEXPECTED and status != example.expect:
            line += nodes.Text(" ")
            line += badge(
                _("expected: {status}").format(status=status_label(example.expect)),
                BadgeKind.FAILED,
            )
        if result is not None and result.results and not dtype_equal(result):
            stated = judged is not Verdict.UNEXPECTED
            line += nodes.Text(" ")
            line += badge(_("dtypes differ"), Verdict.DOCUMENTED if stated else BadgeKind.FAILED)
        elif judged is Verdict.UNEXPECTED and status == example.expect:
            line += nodes.Text(" ")
            line += badge(_("expected: dtypes differ"), BadgeKind.FAILED)
        if result is not None and result.stale:
            line += nodes.Text(" ")
            line += badge(_("stale result"), BadgeKind.STALE)
        return line

    def _code_card(self, result: ExampleResult | None, fw: str, code: Code) -> nodes.container:
        body = container("card-body", code_block(code.text.rstrip()))
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
        label = self.labels[fw]
        if fw in self.spec.missing:  # no counterpart: its code is a workaround
            label = _("{framework} (workaround)").format(framework=label)
        header = container("card-header", para(nodes.strong(label, label)))
        return container("card", header, body, classes=[f"apidiff-fw-{fw}"])

    def _recipe(self, index: int, example: ExampleSpec) -> nodes.container:
        """How to get the same result: the recipe's code and what running it measured,
        or why no code does."""
        assert example.recipe is not None
        box = container("recipe")
        title = _("How to get the same result")
        box += nodes.rubric(title, title, classes=["apidiff-recipe-title"])
        reason = prose_text(example.recipe.reason, self.language)
        if reason is not None:
            text = _("No equivalent: {reason}").format(reason=reason)
            box += para(nodes.emphasis(text, text), classes=["apidiff-recipe-none"])
            return box
        run = self.r.recipes.get(index)
        status = run.status if run else Status.NOT_RUN
        line = para(nodes.strong("", _("Status:")), " ", classes=["apidiff-status"])
        line += badge(status_label(status), status if status != Status.DIFFER else BadgeKind.FAILED)
        if run is not None and run.stale:
            line += nodes.Text(" ")
            line += badge(_("stale result"), BadgeKind.STALE)
        box += line
        changed = ", ".join(self.labels[fw] for fw in example.recipe.code)
        text = _("The code of {frameworks} changes; the inputs and the rest stay.").format(
            frameworks=changed
        )
        box += para(text)
        run_code = example.with_code(example.recipe.code).code
        for node in self._runs(example, run_code, run, shown=list(example.recipe.code)):
            box += node
        return box

    def _results_table(
        self, example: ExampleSpec, result: ExampleResult, fws: list[str]
    ) -> nodes.table:
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
            if comp.dtype_equal is False:
                judged += nodes.Text(" ")
                judged += badge(_("dtypes differ"), TagKind.DTYPE)
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
