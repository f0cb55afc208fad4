"""A problem found in a pair file, and the message of a bug of ours: plain data."""

from __future__ import annotations

from dataclasses import dataclass

from sphinx_apidiff.model.vocabulary import Subtype


@dataclass
class Diagnostic:
    """A problem in a pair file, at a 1-based line of that file."""

    subtype: Subtype
    message: str
    line: int | None = None


def internal_message(exc: Exception, what: str) -> str:
    """The message of a bug of ours, the same in the build and in ``check``."""
    return f"internal error while {what}: {type(exc).__name__}: {exc} (please report it)"
