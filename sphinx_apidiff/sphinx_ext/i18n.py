"""Every text the extension writes into pages, through one message catalogue."""

from __future__ import annotations

from pathlib import Path

from sphinx.locale import get_translation

from sphinx_apidiff.model.vocabulary import Category, Status, Tag, TagKind

CATALOG = "sphinx_apidiff"
LOCALE_DIR = Path(__file__).parent.parent / "locale"

_ = get_translation(CATALOG)


def category_label(category: str, labels: dict[str, str]) -> str:
    """Human name of a category; ``labels`` maps framework -> display name."""
    names = list(labels.values())
    reference = names[0] if names else ""
    others = ", ".join(names[1:])
    texts: dict[str, str] = {
        Category.IDENTICAL: _("Identical parameters"),
        Category.RENAMED: _("Only parameter names differ"),
        Category.EXTRA_PARAMS: _("More parameters in {framework}").format(framework=others),
        Category.DEFAULTS: _("Default values differ"),
        Category.MISSING_PARAMS: _("More parameters in {framework}").format(framework=reference),
        Category.BEHAVIOUR: _("Results differ"),
        Category.USAGE: _("Input usage differs"),
        Category.TYPES: _("Input types differ"),
        Category.RETURNS: _("Return types differ"),
        Category.COMPOSITE: _("Composite implementation"),
        Category.UNSUPPORTED: _("Unsupported"),
        Category.UNKNOWN: _("Unknown (a signature is missing)"),
    }
    return texts.get(category, category)


def tag_label(tag: Tag, labels: dict[str, str]) -> str:
    """Human name of a parameter row's difference; ``labels`` maps framework -> display name."""
    framework = tag.framework or ""
    label = labels.get(framework, framework)
    texts = {
        TagKind.RENAMED: _("renamed"),
        TagKind.DEFAULT: _("default differs"),
        TagKind.MISSING: _("not in {framework}").format(framework=label),
        TagKind.UNKNOWN: _("not in the signature of {framework}").format(framework=label),
        TagKind.MEANING: _("meaning differs"),
    }
    return texts[tag.kind]


def kind_label(kind: Tag, labels: dict[str, str]) -> str:
    """Human name of a kind of difference of a whole pair (its badges and overview filter)."""
    framework = kind.framework or ""
    texts = {
        TagKind.RENAMED: _("parameters renamed"),
        TagKind.DEFAULT: _("defaults differ"),
        TagKind.MEANING: _("meaning differs"),
        TagKind.MISSING: _("parameters missing in {framework}").format(
            framework=labels.get(framework, framework)
        ),
        TagKind.USAGE: _("usage differs"),
        TagKind.TYPES: _("input types differ"),
        TagKind.RETURNS: _("return types differ"),
        TagKind.COMPOSITE: _("composite implementation"),
        TagKind.UNSUPPORTED: _("no counterpart in {framework}").format(
            framework=labels.get(framework, framework)
        )
        if framework
        else _("unsupported"),
        TagKind.VALUES: _("results differ"),
        TagKind.DTYPE: _("dtypes differ"),
        TagKind.ERROR: _("fails in one framework"),
        TagKind.GRADIENTS: _("gradients differ"),
        TagKind.SUPPORT: _("dtypes unsupported in {framework}").format(
            framework=labels.get(framework, framework)
        ),
    }
    return texts.get(kind.kind, str(kind))


def kind_labels(kinds: list[Tag], labels: dict[str, str]) -> list[tuple[Tag, str]]:
    """Each kind of difference with its human name, in order. With more than two
    frameworks, the kinds of one per-framework kind are one badge naming them all
    ("parameters missing in MegEngine, JAX"; "every framework" when all are), instead
    of a badge per framework; ``labels`` maps each of the pair's frameworks to its name,
    in declared order."""
    if len(labels) <= 2:
        return [(kind, kind_label(kind, labels)) for kind in kinds]
    out: list[tuple[Tag, str]] = []
    merged: dict[TagKind, list[str]] = {}
    for kind in kinds:
        if kind.framework is None:
            out.append((kind, kind_label(kind, labels)))
        elif kind.kind not in merged:
            merged[kind.kind] = [k.framework for k in kinds if k.kind is kind.kind and k.framework]
            fws = merged[kind.kind]
            named = (
                _("every framework")
                if set(fws) >= set(labels)
                else ", ".join(labels.get(fw, fw) for fw in labels if fw in fws)
            )
            out.append((Tag(kind.kind), kind_label(kind, {kind.framework: named})))
    return out


def status_label(status: str) -> str:
    """Human name of an example's status (or of what its author expects)."""
    texts: dict[str, str] = {
        Status.MATCH: _("match"),
        Status.DIFFER: _("differ"),
        Status.ERROR: _("error"),
        Status.NOT_RUN: _("not run"),
        Status.UNSTABLE: _("unstable"),
    }
    return texts.get(status, status)
