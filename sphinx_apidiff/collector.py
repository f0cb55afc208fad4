"""Per-document pair data in the environment, right across incremental and parallel reads."""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from typing import Any

from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.environment.collectors import EnvironmentCollector

from . import resolve
from .nodes import get_pairs, get_tables


class ApiDiffCollector(EnvironmentCollector):
    """``env.apidiff_pairs``: docname -> the pairs of that document."""

    def clear_doc(self, app: Sphinx, env: BuildEnvironment, docname: str) -> None:
        get_pairs(env).pop(docname, None)
        get_tables(env).discard(docname)

    def merge_other(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        docnames: AbstractSet[str],
        other: BuildEnvironment,
    ) -> None:
        theirs = get_pairs(other)
        for docname in docnames:
            if docname in theirs:
                get_pairs(env)[docname] = theirs[docname]
        get_tables(env).update(get_tables(other) & docnames)

    def process_doc(self, app: Sphinx, doctree: Any) -> None:
        pass

    def get_outdated_docs(
        self,
        app: Sphinx,
        env: BuildEnvironment,
        added: set[str],
        changed: set[str],
        removed: set[str],
    ) -> list[str]:
        outdated = resolve.outdated(app, env, added, changed, removed)
        # an overview table is only as current as every pair it lists
        if outdated or added or changed or removed:
            outdated += sorted(get_tables(env) - set(outdated))
        return outdated
