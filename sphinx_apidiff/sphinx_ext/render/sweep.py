"""An example's sweep: a row per dtype, a column per seed, what each cell gave."""

from __future__ import annotations

from docutils import nodes

from sphinx_apidiff.analysis.verdicts import DtypeBadge, Judgement
from sphinx_apidiff.execution.results import CellStatus, ExampleResult, cell_outcome
from sphinx_apidiff.model.example import ExampleSpec, SweepCell
from sphinx_apidiff.model.vocabulary import Status, TagKind
from sphinx_apidiff.sphinx_ext.i18n import _, status_label
from sphinx_apidiff.sphinx_ext.render.agreement import agreement_text
from sphinx_apidiff.sphinx_ext.render.base import (
    BadgeKind,
    PairPage,
    badge,
    container,
    fmt_number,
    para,
    simple_table,
)


class SweepMatrix(PairPage):
    """Builds an example's sweep: the matrix of its dtypes and seeds."""

    def matrix(self, index: int, example: ExampleSpec) -> nodes.container:
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
            CellStatus.UNSTABLE: _("unstable"),
        }
        kinds = {CellStatus.UNSUPPORTED: TagKind.UNSUPPORTED, CellStatus.ERROR: Status.ERROR}
        status = CellStatus(judged.status)
        cell += badge(labels[status], kinds.get(status, status))
        if judged.dtypes is DtypeBadge.FINDING:
            cell += nodes.Text(" ")
            cell += badge(_("dtypes differ"), TagKind.DTYPE)
        groups = run.groups
        if len(fws) > 2 and groups and len(groups) > 1:  # who differs, as under an example
            text = agreement_text(groups, fws, self.labels)
            cell += nodes.inline(text, f" {text}", classes=["apidiff-sweep-agreement"])
        if run.stale:
            cell += nodes.Text(" ")
            cell += badge(_("stale result"), BadgeKind.STALE)
        if run.spread is not None:  # how its runs disagree, in brief
            text = _("{disagreeing} of {repeats} repeats differ").format(
                disagreeing=run.spread.disagreeing, repeats=run.runs - 1
            )
            if run.spread.max_abs is not None:
                text += ", " + _("by up to {value}").format(value=fmt_number(run.spread.max_abs))
            cell += nodes.inline(text, f" ({text})", classes=["apidiff-sweep-unstable"])
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
