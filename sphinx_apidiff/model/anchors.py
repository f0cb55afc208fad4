"""The labels and section ids of a pair's page, built here only: the directive gives its
sections these ids, the renderers link to them, and the command line reads legacy labels."""

from __future__ import annotations

#: A pair's page label is this prefix and the pair's id.
PAGE_LABEL_PREFIX = "comparison-"


def page_label(pair_id: str) -> str:
    """The label of a pair's page (``comparison-relu``), the target of ``:ref:``."""
    return f"{PAGE_LABEL_PREFIX}{pair_id}"


def label_pair_id(label: str) -> str:
    """The pair id a page label names (``comparison-relu``: ``relu``); a label without
    the prefix is its own id."""
    return label.removeprefix(PAGE_LABEL_PREFIX) or label


def example_anchor(pair_id: str, number: int) -> str:
    """The section id of a pair's example ``number`` (counting from 1): ``relu-example-2``."""
    return f"{pair_id}-example-{number}"


def examples_anchor(pair_id: str) -> str:
    """The section id of a pair's examples."""
    return f"{pair_id}-examples"


def params_anchor(pair_id: str) -> str:
    """The section id of a pair's parameter differences."""
    return f"{pair_id}-params"


def param_anchor(pair_id: str, names: str) -> str:
    """The section id of one parameter row (``names``: its names, ``a / b``)."""
    return f"{pair_id}-param-{names}"


def usage_anchor(pair_id: str) -> str:
    """The section id of a pair's usage differences."""
    return f"{pair_id}-usage"
