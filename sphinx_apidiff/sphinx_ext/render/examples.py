"""An example's part of a pair's page: its status, its code per framework, its results table,
its sweep (:mod:`.sweep`) and how to get the same result (its recipe, :mod:`.recipe`)."""

from __future__ import annotations

from docutils import nodes

from sphinx_apidiff.analysis.verdicts import UNJUDGED, DtypeBadge, Judgement
from sphinx_apidiff.execution.results import ExampleResult
from sphinx_apidiff.model.vocabulary import Status, Verdict
from sphinx_apidiff.sphinx_ext.downloads import notebook_links, offers_downloads
from sphinx_apidiff.sphinx_ext.i18n import _, status_label
from sphinx_apidiff.sphinx_ext.nodes import get_pairs
from sphinx_apidiff.sphinx_ext.render.base import BadgeKind, badge, container, para
from sphinx_apidiff.sphinx_ext.render.recipe import RecipeBox
from sphinx_apidiff.sphinx_ext.render.runs import RunParts, runs_badge
from sphinx_apidiff.sphinx_ext.render.sweep import SweepMatrix


class ExampleParts(RunParts):
    """Builds one example: status line, inputs, a code card per framework, the compared
    values, its sweep and its recipe; and the page's notebooks."""

    def example(self, index: int, where: nodes.Element) -> nodes.Node:
        """The example at ``index`` of the YAML file, with what running it gave; ``where``
        is its placeholder on the page (where problems are located)."""
        self.at(index, where)
        example = self.spec.examples[index]
        result = self.analysis.examples[index] if index < len(self.analysis.examples) else None
        status = result.status if result else Status.NOT_RUN
        box = container("example", classes=[f"apidiff-status-{status}"])
        judged = self.judgement(index) or UNJUDGED
        box += self._status_line(judged, result)
        if result is not None and status == Status.NOT_RUN and result.reason:
            text = _("Not executed: {reason}").format(reason=result.reason)
            box += para(nodes.emphasis(text, text), classes=["apidiff-not-run"])
        box += self.runs(example, example.code, result, judged)
        if example.sweep is not None:
            box += SweepMatrix(self.transform, self.cfg, self.entry).matrix(index, example)
        if example.recipe is not None:
            box += RecipeBox(self.transform, self.cfg, self.entry).at(index, where).box(example)
        return box

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
        elif judged.documented_instability:
            line += nodes.Text(" ")
            line += badge(_("documented instability"), Verdict.DOCUMENTED)
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
        repeated = runs_badge(result)
        if repeated is not None:
            line += nodes.Text(" ")
            line += repeated
        if result is not None and result.stale:
            line += nodes.Text(" ")
            line += badge(_("stale result"), BadgeKind.STALE)
        return line
