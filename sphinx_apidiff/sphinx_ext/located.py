"""Every user-facing problem of a build as one located ``apidiff.<subtype>`` warning.

Users silence a class with ``suppress_warnings = ["apidiff.exec"]``; ``-W`` turns
them into failures. A location is ``"path/to/pair.yaml:7"`` or a node.
"""

from __future__ import annotations

from docutils import nodes
from sphinx.util import logging

from sphinx_apidiff.model.diagnostics import internal_message
from sphinx_apidiff.model.vocabulary import Subtype

logger = logging.getLogger(__name__)


def warn(message: str, subtype: Subtype, location: str | nodes.Node | None = None) -> None:
    """One located, typed, suppressible warning."""
    logger.warning(message, type="apidiff", subtype=subtype, location=location)


def internal(exc: Exception, what: str, location: str | nodes.Node | None) -> None:
    """A bug of ours as one located warning: the page is still written."""
    warn(internal_message(exc, what), Subtype.INTERNAL, location)
