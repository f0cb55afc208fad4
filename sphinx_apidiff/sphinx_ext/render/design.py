"""HTML only: the semantic containers and badges become sphinx-design's grid, cards and badges."""

from __future__ import annotations

from typing import Any

from docutils import nodes
from sphinx.transforms.post_transforms import SphinxPostTransform


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
