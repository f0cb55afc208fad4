"""Doctree nodes and the per-document data kept in the environment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from docutils import nodes

from sphinx_apidiff.analysis.pair import PairAnalysis
from sphinx_apidiff.model.spec import PairSpec


class apidiff_part(nodes.General, nodes.Element):
    """A part of a comparison page that needs the real libraries.

    Attributes: ``part`` (panels, category, params, row, example), ``key``
    (``docname#serial`` of the pair) and ``index`` (row or example). Filled by
    :class:`~sphinx_apidiff.render.FillParts` from the resolved pair; children
    hold prose parsed at read time (parameter notes).
    """


class apidiff_table(nodes.General, nodes.Element):
    """The overview of all pairs in the project, filled late (apidiff-table)."""


@dataclass
class PairEntry:
    """One ``apidiff`` directive: its spec, where it is, and (later) its results."""

    docname: str
    serial: int
    spec: PairSpec
    source: str  # the YAML file relative to the source directory (or the document)
    section_id: str | None
    analysis: PairAnalysis | None = None  # filled after reading, by the pipeline
    label_title: str | None = None  # the label's title when the page has no heading
    #: each example's section (its id and heading), in the order of the spec's examples:
    #: what a parameter note's "Shown by" links to and is named after
    example_sections: list[tuple[str, str]] = field(default_factory=list)

    @property
    def key(self) -> str:
        """``docname#serial``: the name of the pair that its ``apidiff_part`` nodes carry."""
        return f"{self.docname}#{self.serial}"


def get_pairs(env: Any) -> dict[str, list[PairEntry]]:
    """The pairs of every document (docname -> entries), kept on the environment."""
    if not hasattr(env, "apidiff_pairs"):
        env.apidiff_pairs = {}
    return env.apidiff_pairs


def get_unreadable(env: Any) -> dict[str, set[str]]:
    """The pair files (or documents, for inline YAML) that a document's ``apidiff``
    directives could not read, by docname: a refresh keeps their stored results."""
    if not hasattr(env, "apidiff_unreadable"):
        env.apidiff_unreadable = {}
    return env.apidiff_unreadable


def find_entry(env: Any, key: str) -> PairEntry | None:
    """The pair of an ``apidiff_part`` node's ``key``, or None if its document has no such pair."""
    docname, _, serial = key.rpartition("#")
    entries = get_pairs(env).get(docname, [])
    index = int(serial)
    return entries[index] if index < len(entries) else None


def get_tables(env: Any) -> set[str]:
    """Documents with an ``apidiff-table`` (rewritten whenever any pair changes)."""
    if not hasattr(env, "apidiff_tables"):
        env.apidiff_tables = set()
    return env.apidiff_tables
