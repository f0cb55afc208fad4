"""Analysed pairs -> nodes.

:class:`FillParts` (every builder) replaces each placeholder with generic
docutils nodes (containers, literal blocks, tables) that read well in text
and LaTeX output too: the pair's parts (:mod:`.pair`; :mod:`.examples`, which reads
:mod:`.runs`, :mod:`.sweep` and :mod:`.recipe`) and
the overview (:mod:`.overview`), from the helpers of :mod:`.base`.
:class:`DesignLayout` (HTML only, :mod:`.design`) then turns the semantic
containers into sphinx-design grids, cards and badges.
"""

from sphinx_apidiff.sphinx_ext.render.design import DesignLayout
from sphinx_apidiff.sphinx_ext.render.fill import FillParts

__all__ = ["DesignLayout", "FillParts"]
