"""The code and results of one run, an example's or its recipe's: inputs, code cards,
the runnable code, downloads and the compared values."""

from __future__ import annotations

import re
from typing import Self

from docutils import nodes

from sphinx_apidiff.analysis.verdicts import Judgement
from sphinx_apidiff.execution.autodiff import needs_code
from sphinx_apidiff.execution.downloads import runnable_code
from sphinx_apidiff.execution.results import ExampleResult
from sphinx_apidiff.model.example import Code, ExampleSpec
from sphinx_apidiff.model.vocabulary import ResultKind, Status, TagKind, Weights
from sphinx_apidiff.sphinx_ext.downloads import example_links, offers_downloads
from sphinx_apidiff.sphinx_ext.i18n import _
from sphinx_apidiff.sphinx_ext.render.agreement import (
    agreement_parts,
    value_groups,
    value_pairwise,
)
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


def stability_line(result: ExampleResult | None) -> nodes.paragraph | None:
    """Where a run's repeats disagree: how many, by how much, what changed; the values
    shown are the first run's. None for a stable run."""
    spread = result.spread if result is not None else None
    if result is None or spread is None:
        return None
    line = para(nodes.strong("", _("Unstable:")), " ", classes=["apidiff-unstable"])
    text = _("{disagreeing} of {repeats} repeats differ from the first run").format(
        disagreeing=spread.disagreeing, repeats=result.runs - 1
    )
    if spread.max_abs is not None:
        text += "; " + _("max abs deviation between runs {value}").format(
            value=fmt_number(spread.max_abs)
        )
    line += nodes.Text(text + ". ")
    for number, change in enumerate(spread.changes):
        line += nodes.Text("; " if number else "")
        line += nodes.literal(change, change)
    if spread.changes:
        line += nodes.Text(". ")
    line += nodes.Text(_("The values shown are the first run's."))
    return line


def runs_badge(result: ExampleResult | None) -> nodes.inline | None:
    """A run repeated with every run agreeing: how many agreed."""
    if result is None or result.runs < 2 or not result.stable:
        return None
    return badge(_("stable in {runs} runs").format(runs=result.runs), BadgeKind.PASSED)


class RunParts(PairPage):
    """Builds what one run shows: the inputs line, what runs around the snippets, a code
    card per framework, the runnable code, the downloads and the compared values. An
    example and its recipe are runs; :meth:`at` says which example and where it sits."""

    index: int
    where: nodes.Element

    def at(self, index: int, where: nodes.Element) -> Self:
        """This builder for the example at ``index``, whose placeholder is ``where`` (where
        problems are located)."""
        self.index = index
        self.where = where
        return self

    def runs(
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
        unstable = stability_line(result)
        if unstable is not None:
            out.append(unstable)
        if result is not None and result.results:
            out.append(self._results_table(example, result, judged, list(code)))
            values = {n: (value_groups(c), value_pairwise(c)) for n, c in result.results.items()}
            document = self.transform.document
            out += agreement_parts(values, list(code), self.labels, document, self.where)
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
