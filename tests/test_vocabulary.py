"""The warning subtypes of the code and of the documentation are the same list."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from sphinx_apidiff.model.vocabulary import Mode, Subtype

DOCS = Path(__file__).resolve().parent.parent / "docs"
OPENING = "Every problem is a warning of type ``apidiff``"


def _paragraph() -> str:
    """The paragraph of docs/configuration.rst that lists the subtypes, as one line
    (as a .po msgid has it)."""
    text = (DOCS / "configuration.rst").read_text(encoding="utf-8")
    start = text.index(OPENING)
    return " ".join(text[start:].split("\n\n", 1)[0].split())


def _named(paragraph: str) -> list[str]:
    """The subtypes a paragraph lists: its ``word`` names outside parentheses (where
    ``apis`` or ``expect`` are explained), after the type ``apidiff`` and before the
    ``suppress_warnings`` example."""
    listed = paragraph.split("suppress_warnings", 1)[0]
    listed = re.sub(r"\([^)]*\)|（[^）]*）", "", listed)
    names = re.findall(r"``([a-z][a-z_-]*)``", listed)
    assert names[0] == "apidiff", names
    return names[1:]


def test_the_documented_subtypes_are_the_enum():
    named = _named(_paragraph())
    assert len(named) == len(set(named)), named
    assert set(named) == {str(s) for s in Subtype}


def test_the_translated_subtypes_are_the_enum():
    path = DOCS / "locale" / "zh_CN" / "LC_MESSAGES" / "configuration.po"
    with path.open("rb") as f:
        catalog = read_po(f)
    message = catalog.get(_paragraph())
    assert message is not None, "no zh_CN entry for the paragraph (its msgid is stale)"
    named = _named(str(message.string))
    assert set(named) == {str(s) for s in Subtype}


def test_the_mode_is_typed_and_its_fallback_quotes_the_plain_default():
    from sphinx_apidiff.options import ApidiffConfig

    cfg, problems = ApidiffConfig.from_mapping({"apidiff_execution_mode": "cache"})
    assert cfg.execution_mode is Mode.CACHE and not problems
    cfg, problems = ApidiffConfig.from_mapping({"apidiff_execution_mode": "sometimes"})
    assert cfg.execution_mode is Mode.AUTO
    assert problems[0].endswith("got 'sometimes', using 'auto'"), problems
