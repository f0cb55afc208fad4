"""An example's part of a pair's page: its status, its code per framework, its results table,
and how to get the same result (its recipe)."""

from __future__ import annotations

import re

from docutils import nodes

from sphinx_apidiff.analysis.verdicts import UNJUDGED, DtypeBadge, Judgement
from sphinx_apidiff.execution.autodiff import needs_code
from sphinx_apidiff.execution.downloads import runnable_code
from sphinx_apidiff.execution.results import CellStatus, ExampleResult, cell_outcome
from sphinx_apidiff.model.spec import Code, ExampleSpec, SweepCell, prose_text
from sphinx_apidiff.model.vocabulary import (
    ResultKind,
    Status,
    TagKind,
    Verdict,
    Weights,
)
from sphinx_apidiff.sphinx_ext.downloads import example_links, notebook_links, offers_downloads
from sphinx_apidiff.sphinx_ext.i18n import _, status_label
from sphinx_apidiff.sphinx_ext.nodes import get_pairs
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


def one_line(code: str) -> str:
    """An expression written over several lines, on one: ``f(\n    a, b\n)`` -> ``f(a, b)``
    (whitespace only; a trailing comma stays, it may make a tuple)."""
    text = " ".join(code.split())
    return re.sub(r"([(\[{]) | ([)\]}])", lambda m: m.group(1) or m.group(2), text)


class ExampleParts(PairPage):
    """Builds one example: status line, inputs, a code card per framework, the compared
    values, and its recipe."""

    def example(self, index: int, where: nodes.Element) -> nodes.Node:
        """The example at ``index`` of the YAML file, with what running it gave; ``where``
        is its placeholder on the page (where problems are located)."""
        self.where = where
        self.index = index
        example = self.spec.examples[index]
        result = self.analysis.examples[index] if index < len(self.analysis.examples) else None
        status = result.status if result else Status.NOT_RUN
        box = container("example", classes=[f"apidiff-status-{status}"])
        judged = self.judgement(index) or UNJUDGED
        box += self._status_line(judged, result)
        if result is not None and status == Status.NOT_RUN and result.reason:
            text = _("Not executed: {reason}").format(reason=result.reason)
            box += para(nodes.emphasis(text, text), classes=["apidiff-not-run"])
        box += self._runs(example, example.code, result, judged)
        if example.sweep is not None:
            box += self._sweep(index, example)
        if example.recipe is not None:
            box += self._recipe(index, example)
        return box

    def _runs(
        self,
        example: ExampleSpec,
        code: dict[str, Code],
        result: ExampleResult | None,
        judged: Judgement,
        shown: list[str] | None = None,
    ) -> list[nodes.Node]:
        """The inputs line, the code cards (of ``shown`` frameworks, default all), the
        runnable code folded, the results table."""
        out: list[nodes.Node] = []
        if example.inputs and shown is None:
            out.append(self._inputs_line(example))
        if shown is None:
            out += self._around_lines(example)
        grid = container("grid", classes=["apidiff-code"])  # its layout: design.code_layout
        for fw, snippet in code.items():
            if shown is None or fw in shown:
                grid += self._code_card(result, fw, snippet)
        out.append(grid)
        out += self._runnable(example, code)
        if shown is None:
            out += self._downloads(self.index)
        if result is not None and result.results:
            out.append(self._results_table(example, result, judged, list(code)))
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

    def _around_lines(self, example: ExampleSpec) -> list[nodes.Node]:
        """What runs around the snippets: the declared modules, and the gradients taken."""
        out: list[nodes.Node] = []
        if example.modules:
            line = para(nodes.strong("", _("Modules:")), classes=["apidiff-modules"])
            for number, module in enumerate(example.modules):
                line += nodes.Text("; " if number else " ")
                line += nodes.literal(module.name, module.name)
                for fw, build in module.build.items():
                    line += nodes.Text(f" {self.labels.get(fw, fw)}: ")
                    text = one_line(build.text)
                    line += nodes.literal(text, text)
                line += nodes.Text(" ")
                shared = module.weights == Weights.SHARED
                line += nodes.Text(
                    _("(the same weights in every framework)")
                    if shared
                    else _("(each framework's own initialisation)")
                )
            out.append(line)
        grad = example.grad
        if grad is not None:
            line = para(nodes.strong("", _("Gradients:")), classes=["apidiff-grads"])
            modules = {module.name for module in example.modules}
            wrt = [
                _("the parameters of {module}").format(module=name) if name in modules else name
                for name in grad.wrt
            ]
            if grad.upstream:
                text = _(" of {of} against the upstream gradient {upstream}, with respect to {wrt}")
            else:
                text = _(" of {of}, with respect to {wrt}")
            line += nodes.Text(text.format(of=grad.of, upstream=grad.upstream, wrt=", ".join(wrt)))
            line += nodes.Text(" ")
            line += nodes.Text(
                _("(each framework's own autodiff; the code is in the runnable code)")
            )
            out.append(line)
        return out

    def _runnable(self, example: ExampleSpec, code: dict[str, Code]) -> list[nodes.Node]:
        """Each framework's snippet with the code that makes its inputs, and the code run
        around it (modules, gradients): ready to paste, and exactly what ran."""
        if not example.inputs and not needs_code(example):
            return []
        content: list[nodes.Node] = []
        for fw, snippet in code.items():
            content.append(para(nodes.strong(self.labels[fw], self.labels[fw])))
            content.append(
                code_block(runnable_code(example, fw, self.analysis.factories.get(fw), snippet))
            )
        title = (
            _("Runnable code, with the inputs and the gradient code")
            if example.grad is not None
            else _("Runnable code, with the inputs")
        )
        return dropdown(title, content, self.transform.document, self.where)

    def _downloads(self, index: int) -> list[nodes.Node]:
        """The example's script per framework, where the builder offers downloads."""
        builder = self.transform.app.builder
        if not offers_downloads(builder):
            return []
        links = example_links(builder, self.entry, index, self.labels, self.language)
        text = _("Download this example:")
        return [para(nodes.strong(text, text), *links, classes=["apidiff-downloads"])]

    def notebooks(self) -> list[nodes.Node]:
        """The page's notebooks, one per framework, at the top of the examples of its
        first pair that has any; where the builder offers downloads."""
        builder = self.transform.app.builder
        docname = self.entry.docname
        entries = get_pairs(self.transform.env).get(docname, [])
        first = next((e for e in entries if e.spec.examples), None)
        if first is not self.entry or not offers_downloads(builder):
            return []
        titles = self.transform.env.titles
        title = titles[docname].astext() if docname in titles else docname
        links = notebook_links(builder, docname, title, entries, self.labels, self.language)
        text = _("Download this page's examples as a notebook:")
        return [para(nodes.strong(text, text), *links, classes=["apidiff-downloads"])]

    def _status_line(self, judged: Judgement, result: ExampleResult | None) -> nodes.paragraph:
        line = para(classes=["apidiff-status"])
        line += nodes.strong("", _("Status:"))
        line += nodes.Text(" ")
        line += badge(status_label(judged.status), judged.status)
        if judged.documented_difference:
            line += nodes.Text(" ")
            line += badge(_("documented difference"), Verdict.DOCUMENTED)
        elif judged.expected is not None:
            line += nodes.Text(" ")
            line += badge(
                _("expected: {status}").format(status=status_label(judged.expected)),
                BadgeKind.FAILED,
            )
        if judged.dtypes in (DtypeBadge.STATED, DtypeBadge.UNSTATED):
            stated = judged.dtypes is DtypeBadge.STATED
            line += nodes.Text(" ")
            line += badge(_("dtypes differ"), Verdict.DOCUMENTED if stated else BadgeKind.FAILED)
        elif judged.dtypes is DtypeBadge.NOT_DIFFERING:
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
        run = self.analysis.recipes.get(index)
        judged = self.analysis.recipe_judgements.get(index, UNJUDGED)
        status = judged.status
        line = para(nodes.strong("", _("Status:")), " ", classes=["apidiff-status"])
        line += badge(status_label(status), status if status != Status.DIFFER else BadgeKind.FAILED)
        if judged.dtypes is DtypeBadge.FINDING:  # as in a sweep's cell: 'dtype' is the example's
            line += nodes.Text(" ")
            line += badge(_("dtypes differ"), TagKind.DTYPE)
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
        example_judged = self.judgement(index) or UNJUDGED
        shown = list(example.recipe.code)
        for node in self._runs(example, run_code, run, example_judged, shown=shown):
            box += node
        return box

    def _results_table(
        self, example: ExampleSpec, result: ExampleResult, judged: Judgement, fws: list[str]
    ) -> nodes.table:
        header = [_("Value")]
        header += [_("{framework} shape, dtype").format(framework=self.labels[fw]) for fw in fws]
        header += [_("Max abs. deviation"), _("Max rel. deviation"), _("Verdict")]
        # a value outside tolerance is judged as a differing example would be
        differs = verdict_badge(judged.outside_tolerance, Status.DIFFER)
        rows = []
        for name, comp in result.results.items():
            cells: list[nodes.Node] = [para(nodes.literal(name, name))]
            if comp.kind is ResultKind.GRAD:
                cells[0] += nodes.Text(" ")
                cells[0] += badge(_("gradient"), BadgeKind.GRAD)
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
        self.transform.document.set_id(table)
        return table

    def _sweep(self, index: int, example: ExampleSpec) -> nodes.container:
        """The sweep's matrix: a row per dtype, a column per seed; in each cell what the
        run gave, the result dtypes and the largest deviation, or who rejected the dtype."""
        assert example.sweep is not None
        sweep = example.sweep
        box = container("sweep")
        title = _("Across dtypes and seeds")
        box += nodes.rubric(title, title, classes=["apidiff-sweep-title"])
        inputs = ", ".join(sweep.inputs)
        box += para(
            _(
                "The same example with {inputs} of each dtype, one run per cell; a framework "
                "that rejects a dtype makes its cell 'unsupported', a finding."
            ).format(inputs=inputs)
        )
        found = {cell.id: run for cell, run in self.analysis.sweeps.get(index, [])}
        judgements = self.analysis.cell_judgements.get(index, {})
        fws = [fw for fw in self.spec.apis if fw in example.code]
        header = [_("dtype")] + [_("seed {seed}").format(seed=seed) for seed in sweep.seeds]
        rows = []
        for dtype in sweep.dtypes:
            cells: list[nodes.Node] = [para(nodes.literal(dtype, dtype))]
            for seed in sweep.seeds:
                cell_id = SweepCell(dtype, seed).id
                cells.append(self._sweep_cell(found.get(cell_id), judgements.get(cell_id), fws))
            rows.append(cells)
        table = simple_table(header, rows, ["apidiff-results", "apidiff-sweep"])
        tolerances = ", ".join(
            f"{dtype} atol={cell.atol:g} rtol={cell.rtol:g}"
            for dtype, cell in (
                (dtype, example.for_cell(SweepCell(dtype, sweep.seeds[0])))
                for dtype in sweep.dtypes
            )
        )
        caption = _("Tolerance: {tolerances}").format(tolerances=tolerances)
        table.insert(0, nodes.title(caption, caption))
        self.transform.document.set_id(table)
        box += table
        return box

    def _sweep_cell(
        self, run: ExampleResult | None, judged: Judgement | None, fws: list[str]
    ) -> nodes.paragraph:
        """One cell: its status, the first compared value's dtypes, the worst deviation."""
        cell = para()
        if run is None or judged is None:
            cell += badge(status_label(Status.NOT_RUN), Status.NOT_RUN)
            return cell
        outcome = cell_outcome(run)
        labels = {
            CellStatus.MATCH: _("match"),
            CellStatus.DIFFER: _("differ"),
            CellStatus.UNSUPPORTED: _("unsupported"),
            CellStatus.ERROR: _("error"),
            CellStatus.NOT_RUN: _("not run"),
        }
        kinds = {CellStatus.UNSUPPORTED: TagKind.UNSUPPORTED, CellStatus.ERROR: Status.ERROR}
        status = CellStatus(judged.status)
        cell += badge(labels[status], kinds.get(status, status))
        if judged.dtypes is DtypeBadge.FINDING:
            cell += nodes.Text(" ")
            cell += badge(_("dtypes differ"), TagKind.DTYPE)
        if run.stale:
            cell += nodes.Text(" ")
            cell += badge(_("stale result"), BadgeKind.STALE)
        if outcome.failed:
            for fw, error in outcome.failed.items():
                text = _("{framework}: {error}").format(
                    framework=self.labels.get(fw, fw), error=error
                )
                cell += nodes.inline(text, text, classes=["apidiff-sweep-error"])
            return cell
        first = next(iter(run.results.values()), None)
        if first is not None:
            dtypes = " / ".join(str(first.dtypes.get(fw) or "—") for fw in fws)
            cell += nodes.Text(" ")
            cell += nodes.literal(dtypes, dtypes)
        if run.max_abs is not None:
            cell += nodes.Text(" ")
            cell += nodes.Text(_("max abs {value}").format(value=fmt_number(run.max_abs)))
        return cell
