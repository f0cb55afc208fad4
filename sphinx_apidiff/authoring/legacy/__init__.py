"""``sphinx-apidiff import``: legacy hand-written comparison pages -> YAML pairs.

The stages, one module each: :mod:`.rst` (the page's lines -> blocks), :mod:`.calls`
(hand-copied signatures), :mod:`.page` and :mod:`.renames` (what the page says),
:mod:`.reader` (:func:`parse_legacy`: sections -> usage, parameters, renames, examples),
:mod:`.apis` (checked and corrected against the real libraries), :mod:`.rows` (parameter
rows naming only real parameters), :mod:`.emit` (the YAML), and :mod:`.importer`
(:func:`import_legacy`, the stages in order). The examples are not carried over as
examples, since nobody ever ran them: they are kept as a YAML comment.

No Sphinx imports here.
"""

from sphinx_apidiff.authoring.legacy.importer import ImportResult, import_legacy
from sphinx_apidiff.authoring.legacy.page import NotAComparisonPage
from sphinx_apidiff.authoring.legacy.reader import parse_legacy

__all__ = ["ImportResult", "NotAComparisonPage", "import_legacy", "parse_legacy"]
