"""Every builder: each placeholder of a page becomes its analysed part, in generic nodes."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.errors import SphinxWarning
from sphinx.transforms.post_transforms import SphinxPostTransform

from sphinx_apidiff.options import ApidiffConfig
from sphinx_apidiff.sphinx_ext.config import from_sphinx
from sphinx_apidiff.sphinx_ext.located import internal
from sphinx_apidiff.sphinx_ext.nodes import PairEntry, apidiff_part, apidiff_table, find_entry
from sphinx_apidiff.sphinx_ext.render.examples import ExampleParts
from sphinx_apidiff.sphinx_ext.render.overview import OverviewTable
from sphinx_apidiff.sphinx_ext.render.pair import PairParts


def build_part(
    transform: SphinxPostTransform, cfg: ApidiffConfig, entry: PairEntry, node: apidiff_part
) -> list[nodes.Node]:
    """The nodes of one placeholder (panels, category, params, row, example or notebooks)."""
    part = node["part"]
    if part == "example":
        return [ExampleParts(transform, cfg, entry).example(node["index"], node)]
    if part == "notebooks":
        return ExampleParts(transform, cfg, entry).notebooks()
    parts = PairParts(transform, cfg, entry)
    if part == "panels":
        return [parts.panels()]
    if part == "category":
        return [parts.category()]
    if part == "params":
        return parts.params(node)
    if part == "row":
        return parts.row(node["index"])
    return []


class FillParts(SphinxPostTransform):
    """Replace each placeholder with the analysed content (all builders)."""

    default_priority = 5

    def run(self, **kwargs: Any) -> None:
        cfg = from_sphinx(self.config)
        for node in list(self.document.findall(apidiff_part)):
            entry = find_entry(self.env, node["key"])
            if entry is None or entry.analysis is None:
                node.replace_self([])
                continue
            try:
                node.replace_self(build_part(self, cfg, entry, node))
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
