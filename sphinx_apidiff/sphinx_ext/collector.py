"""Per-document pair data in the environment, right across incremental and parallel reads."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector
from sphinx.util import logging

from sphinx_apidiff.model.anchors import page_label
from sphinx_apidiff.model.spec import duplicate_id_message
from sphinx_apidiff.model.vocabulary import Subtype
from sphinx_apidiff.sphinx_ext import events
from sphinx_apidiff.sphinx_ext.nodes import PairEntry, get_pairs, get_tables, get_unreadable

logger = logging.getLogger(__name__)


class ApiDiffCollector(EnvironmentCollector):
    """``env.apidiff_pairs``: docname -> the pairs of that document."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        get_pairs(env).pop(docname, None)
        get_unreadable(env).pop(docname, None)
        get_tables(env).discard(docname)

    def merge_other(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        docnames: AbstractSet[str],
        other: BuildEnvironment,
    ) -> None:
        theirs, unreadable = get_pairs(other), get_unreadable(other)
        for docname in docnames:
            if docname in theirs:
                get_pairs(env)[docname] = theirs[docname]
            if docname in unreadable:
                get_unreadable(env)[docname] = unreadable[docname]
        get_tables(env).update(get_tables(other) & docnames)

    def process_doc(self, app: Sphinx, doctree: Any) -> None:
        # a page without heading (:no-title:) keeps a titled label, so :ref: needs no text;
        # after the std domain has seen the doctree, which only knows untitled labels then
        std: Any = app.env.get_domain("std")
        for entry in get_pairs(app.env).get(app.env.docname, []):
            if entry.label_title and entry.section_id:
                label = page_label(entry.spec.id)
                if std.anonlabels.get(label) == (entry.docname, entry.section_id):
                    std.labels[label] = (entry.docname, entry.section_id, entry.label_title)

    def get_outdated_docs(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: set[str],
        changed: set[str],
        removed: set[str],
    ) -> list[str]:
        outdated = events.outdated(app, env, added, changed, removed)
        # an overview table is only as current as every pair it lists
        if outdated or added or changed or removed:
            outdated += sorted(get_tables(env) - set(outdated))
        return outdated


def warn_duplicate_ids(app: Sphinx, env: BuildEnvironment) -> None:
    """A located warning at each pair whose id an earlier page (or pair) already has.

    On ``env-check-consistency``: after parallel reads are merged, it sees every page.
    """
    first: dict[str, PairEntry] = {}
    for docname in sorted(get_pairs(env)):
        for entry in get_pairs(env)[docname]:
            other = first.setdefault(entry.spec.id, entry)
            if other is not entry:
                logger.warning(
                    duplicate_id_message(entry.spec, other.spec, other.source),
                    type="apidiff",
                    subtype=Subtype.SPEC,
                    location=entry.spec.location(entry.spec.id_line),
                )
