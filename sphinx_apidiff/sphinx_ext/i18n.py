"""Every text the extension writes into pages, through one message catalogue."""

from __future__ import annotations

from pathlib import Path

from sphinx.locale import get_translation

CATALOG = "sphinx_apidiff"
LOCALE_DIR = Path(__file__).parent.parent / "locale"

_ = get_translation(CATALOG)


def category_label(category: str, labels: dict[str, str]) -> str:
    """Human name of a category; ``labels`` maps framework -> display name."""
    names = list(labels.values())
    reference = names[0] if names else ""
    others = ", ".join(names[1:])
    return {
        "identical": _("Identical parameters"),
        "renamed": _("Only parameter names differ"),
        "extra-params": _("More parameters in {framework}").format(framework=others),
        "defaults": _("Default values differ"),
        "missing-params": _("More parameters in {framework}").format(framework=reference),
        "usage": _("Input usage differs"),
        "types": _("Input types differ"),
        "returns": _("Return types differ"),
        "composite": _("Composite implementation"),
        "unsupported": _("Unsupported"),
        "unknown": _("Unknown (a signature is missing)"),
    }.get(category, category)


def tag_label(tag: str, labels: dict[str, str]) -> str:
    kind, _sep, framework = tag.partition(":")
    label = labels.get(framework, framework)
    return {
        "renamed": _("renamed"),
        "default": _("default differs"),
        "missing": _("not in {framework}").format(framework=label),
        "unknown": _("not in the signature of {framework}").format(framework=label),
    }.get(kind, tag)


def status_label(status: str) -> str:
    return {
        "match": _("match"),
        "differ": _("differ"),
        "error": _("error"),
        "not-run": _("not run"),
    }.get(status, status)
