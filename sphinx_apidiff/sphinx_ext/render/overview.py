"""``apidiff-table``: one row per pair of the project, with its category and its telling example."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_apidiff.analysis.agreement import differs_in
from sphinx_apidiff.analysis.verdicts import Judgement
from sphinx_apidiff.model.vocabulary import AUTHOR_CATEGORIES, Status, Tag, Verdict
from sphinx_apidiff.options import ApidiffConfig
from sphinx_apidiff.sphinx_ext.i18n import _, category_label, kind_labels, status_label
from sphinx_apidiff.sphinx_ext.nodes import PairEntry, apidiff_table, get_pairs
from sphinx_apidiff.sphinx_ext.render.agreement import differs_cell, value_groups
from sphinx_apidiff.sphinx_ext.render.base import (
    BadgeKind,
    badge,
    fmt_number,
    para,
    simple_table,
    verdict_badge,
)

#: How much an example tells, by its verdict (else 1 for a match, 0 for the rest).
TELLING = {Verdict.UNEXPECTED: 3, Verdict.DOCUMENTED: 2}


def telling(judged: Judgement) -> int:
    """How much an example tells: unexpected, then a documented difference, then a match."""
    return TELLING.get(judged.verdict, 1 if judged.status == Status.MATCH else 0)


def worst(entry: PairEntry) -> tuple[int, float, Any]:
    """The example that tells most: a broken one first, then the largest deviation."""
    best: tuple[int, float, Any] = (-1, -1.0, None)
    assert entry.analysis is not None
    for judged, result in zip(entry.analysis.judgements, entry.analysis.examples, strict=False):
        rank = telling(judged)
        deviation = result.max_abs if result.max_abs is not None else -1.0
        candidate = (rank, deviation, (judged, result))
        if candidate[:2] > best[:2]:
            best = candidate
    return best


class OverviewTable:
    """Builds the ``apidiff-table`` of every pair in the project."""

    def __init__(self, transform: SphinxPostTransform, cfg: ApidiffConfig) -> None:
        self.transform = transform
        self.cfg = cfg

    def entries(self, node: apidiff_table) -> list[PairEntry]:
        """The pairs the table shows, filtered by frameworks, category and kind, and sorted
        as asked."""
        pairs = get_pairs(self.transform.env)
        entries = [e for docname in sorted(pairs) for e in pairs[docname] if e.analysis is not None]
        if node.get("frameworks"):  # the pairs of exactly these frameworks
            named = set(node["frameworks"])
            entries = [e for e in entries if set(e.spec.apis) == named]
        if node["categories"]:
            entries = [
                e for e in entries if e.analysis and e.analysis.category in node["categories"]
            ]
        if node.get("kinds"):  # a pair with any of the kinds asked for (see Tag.covers)
            wanted = [Tag.parse(kind) for kind in node["kinds"]]
            entries = [
                e
                for e in entries
                if e.analysis and any(w.covers(k) for w in wanted for k in e.analysis.kinds)
            ]
        sort = node["sort"]
        if sort == "id":
            entries.sort(key=lambda e: e.spec.id)
        elif sort == "reference":
            entries.sort(key=lambda e: e.spec.apis[e.spec.reference])
        elif sort == "category":
            order: dict[str, int] = {c: i for i, c in enumerate(AUTHOR_CATEGORIES)}
            entries.sort(
                key=lambda e: (order.get(e.analysis.category if e.analysis else "", 99), e.spec.id)
            )
        elif sort == "deviation":
            entries.sort(key=lambda e: worst(e)[:2], reverse=True)
        return entries

    def link(self, entry: PairEntry, text: str) -> nodes.Node:
        """The pair's API name, linked to its page where the builder has pages."""
        builder = self.transform.app.builder
        try:
            uri = builder.get_relative_uri(self.transform.env.docname, entry.docname)
        except Exception:  # a builder without page links (text): just the name
            return nodes.literal(text, text)
        if entry.section_id:
            uri += "#" + entry.section_id
        return nodes.reference("", "", nodes.literal(text, text), internal=True, refuri=uri)

    def build(self, node: apidiff_table) -> nodes.Node:
        """The table, or a line saying there is no pair."""
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
            for fw, version in (entry.analysis.versions if entry.analysis else {}).items():
                if version:
                    seen[fw].add(version)
        uniform = all(len(v) <= 1 for v in seen.values())
        header = [
            f"{labels[fw]} {next(iter(seen[fw]))}" if uniform and seen[fw] else labels[fw]
            for fw in frameworks
        ]
        header += [_("Category"), _("Differences")]
        nway = any(len(entry.spec.apis) > 2 for entry in entries)
        if nway:
            header.append(_("Differs in"))
        header.append(_("Examples"))
        if not uniform:
            header.append(_("Versions"))
        rows = [self._row(entry, frameworks, labels, uniform, nway) for entry in entries]
        return simple_table(header, rows, ["apidiff-overview", *node["classes"]])

    def _row(
        self,
        entry: PairEntry,
        frameworks: list[str],
        labels: dict[str, str],
        uniform: bool,
        nway: bool = False,
    ) -> list[nodes.Node]:
        resolved = entry.analysis
        assert resolved is not None
        cells: list[nodes.Node] = []
        for fw in frameworks:
            api = entry.spec.apis.get(fw)
            if fw in entry.spec.missing:
                text = _("no such API")  # not "no counterpart": that is a parameter's
                cells.append(para(nodes.emphasis(text, text)))
            else:
                cells.append(para(self.link(entry, api)) if api else para("—"))
        own = {fw: labels[fw] for fw in entry.spec.apis}
        cells.append(para(badge(category_label(resolved.category, own), BadgeKind.CATEGORY)))
        kinds = para(classes=["apidiff-kinds"])
        for number, (difference, text) in enumerate(kind_labels(resolved.kinds, own)):
            if number:
                kinds += nodes.Text(" ")
            kinds += badge(text, difference.kind)
        cells.append(kinds if resolved.kinds else para("—"))
        if nway:  # a table with a pair of more than two frameworks: who differs, per pair
            values = (
                groups
                for result in resolved.examples
                for value in result.results.values()
                if (groups := value_groups(value))
            )
            cells.append(differs_cell(differs_in(values, list(entry.spec.apis)), own))
        _rank, _deviation, pick = worst(entry)
        judged = para()
        if pick is None:
            judged += nodes.Text("—")
        else:
            verdict, result = pick
            judged += badge(
                status_label(verdict.status), verdict_badge(verdict.verdict, verdict.status)
            )
            if result.max_abs is not None:
                judged += nodes.Text(
                    " " + _("max abs. {value}").format(value=fmt_number(result.max_abs))
                )
            if any(r.stale for r in resolved.examples):
                judged += nodes.Text(" ")
                judged += badge(_("stale result"), BadgeKind.STALE)
        cells.append(judged)
        if not uniform:
            versions = ", ".join(f"{labels[fw]} {v}" for fw, v in resolved.versions.items() if v)
            cells.append(para(versions))
        return cells
