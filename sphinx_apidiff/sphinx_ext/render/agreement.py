"""Who agrees with whom on a page of more than two frameworks: a line per compared value
("PyTorch = PaddlePaddle; MegEngine = JAX", "all four agree", "only JAX differs"), the
deviation between every pair folded away, and the overview's "differs in".

Each function takes plain data, as a compared value
(:class:`~sphinx_apidiff.execution.comparison.Comparison`) carries it in ``apidiff.json``:

- ``groups``: ``Comparison.groups``, ``[["torch", "paddle"], ["megengine", "jax"]]``;
- ``pairwise``: ``Comparison.pairwise``, ``{"torch|paddle": {"max_abs": ..., "max_rel":
  ..., "dtype_equal": ..., "within": ...}, ...}`` (a key per pair of frameworks that both
  produced the value, in declared order);

:func:`value_groups` and :func:`value_pairwise` read them from a value. Two-way pages show
none of this: their results table says it already.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from docutils import nodes

from sphinx_apidiff.analysis.agreement import Groups, Shape, agreement
from sphinx_apidiff.execution.comparison import Comparison
from sphinx_apidiff.model.vocabulary import TagKind
from sphinx_apidiff.sphinx_ext.i18n import _
from sphinx_apidiff.sphinx_ext.render.base import BadgeKind, badge, fmt_number, para, simple_table
from sphinx_apidiff.sphinx_ext.render.design import dropdown

Pairwise = Mapping[str, Mapping[str, Any]]


def value_groups(value: Comparison) -> Groups | None:
    """A compared value's ``groups``, None where it has none (fewer than two ran)."""
    return value.groups or None


def value_pairwise(value: Comparison) -> Pairwise:
    """A compared value's ``pairwise``, as ``apidiff.json`` gives it."""
    return {key: pair.to_json() for key, pair in value.pairwise.items()}


def _count(number: int) -> str:
    words = {2: _("two"), 3: _("three"), 4: _("four"), 5: _("five"), 6: _("six")}
    return str(words.get(number, number))


def _names(frameworks: Sequence[str], labels: Mapping[str, str]) -> str:
    return ", ".join(labels.get(fw, fw) for fw in frameworks)


def agreement_text(groups: Groups, frameworks: Sequence[str], labels: Mapping[str, str]) -> str:
    """Who agrees with whom, in words: "all four agree", "only JAX differs", "PyTorch =
    PaddlePaddle; MegEngine = JAX", "no two agree"; then which frameworks gave no value.

    ``groups``: ``Comparison.groups``; ``frameworks``: the pair's, in declared order;
    ``labels``: framework -> display name."""
    found = agreement(groups, frameworks)
    alone = _names(found.alone, labels)
    parts: list[str] = []
    if found.shape is Shape.ALL:
        parts.append(_("all {count} agree").format(count=_count(len(found.together[0]))))
    elif found.shape is Shape.ONLY:
        parts.append(_("only {framework} differs").format(framework=alone))
    elif found.shape is Shape.NONE:
        parts.append(_("no two agree"))
    else:
        parts += [" = ".join(labels.get(fw, fw) for fw in group) for group in found.together]
        if len(found.alone) == 1:
            parts.append(_("{framework} differs").format(framework=alone))
        elif found.alone:
            parts.append(_("{frameworks} each differ").format(frameworks=alone))
    if found.absent:
        absent = _names(found.absent, labels)
        parts.append(_("no value from {frameworks}").format(frameworks=absent))
    return "; ".join(str(part) for part in parts)  # a lazy translation is no str


def agreement_line(
    name: str, groups: Groups, frameworks: Sequence[str], labels: Mapping[str, str]
) -> nodes.paragraph:
    """One value's line: its name, then :func:`agreement_text`."""
    text = agreement_text(groups, frameworks, labels)
    return para(nodes.literal(name, name), ": ", text, classes=["apidiff-agreement"])


def pairwise_table(
    name: str, pairwise: Pairwise, frameworks: Sequence[str], labels: Mapping[str, str]
) -> nodes.table:
    """The deviations between every two frameworks for one value (``Comparison.pairwise``):
    a row and a column per framework, each cell the maximum absolute deviation and whether
    it is within the tolerance (and a badge where the dtypes differ); a dash for a pair
    without a comparison (a framework gave no value)."""
    rows: list[list[nodes.Node]] = []
    for row_fw in frameworks:
        cells: list[nodes.Node] = [para(nodes.strong("", labels.get(row_fw, row_fw)))]
        for col_fw in frameworks:
            entry = pairwise.get(f"{row_fw}|{col_fw}") or pairwise.get(f"{col_fw}|{row_fw}")
            if row_fw == col_fw or not entry:
                cells.append(para("—"))
                continue
            cell = para(fmt_number(entry.get("max_abs")), " ")
            if entry.get("within"):
                cell += badge(_("within tolerance"), BadgeKind.PASSED)
            else:
                cell += badge(_("differs"), BadgeKind.FAILED)
            if entry.get("dtype_equal") is False:
                cell += nodes.Text(" ")
                cell += badge(_("dtypes differ"), TagKind.DTYPE)
            cells.append(cell)
        rows.append(cells)
    header = [_("{value}: max abs. deviation").format(value=name)]
    header += [labels.get(fw, fw) for fw in frameworks]
    return simple_table(header, rows, ["apidiff-pairwise"])


def agreement_parts(
    values: Mapping[str, tuple[Groups | None, Pairwise]],
    frameworks: Sequence[str],
    labels: Mapping[str, str],
    document: nodes.document,
    where: nodes.Element,
) -> list[nodes.Node]:
    """For a run of more than two frameworks: a label, a line per value (:func:`agreement_line`),
    then every value's :func:`pairwise_table` folded in one dropdown. ``values`` maps
    each compared value's name to its ``(Comparison.groups, Comparison.pairwise)``; a
    value without groups has no line. Nothing for two frameworks, or without groups."""
    if len(frameworks) <= 2:
        return []
    lines = [
        agreement_line(name, groups, frameworks, labels)
        for name, (groups, _pairwise) in values.items()
        if groups
    ]
    if not lines:
        return []
    title = _("Who agrees, within the tolerance:")
    label = para(nodes.strong(title, title), classes=["apidiff-agreement-label"])
    box = nodes.container("", label, *lines, classes=["apidiff-agreements"])
    tables: list[nodes.Node] = [
        pairwise_table(name, pairwise, frameworks, labels)
        for name, (_groups, pairwise) in values.items()
        if pairwise
    ]
    if not tables:
        return [box]
    return [box, *dropdown(_("Deviations between each two frameworks"), tables, document, where)]


def differs_cell(differing: Sequence[str], labels: Mapping[str, str]) -> nodes.paragraph:
    """The overview's "differs in" cell: the frameworks of
    :func:`~sphinx_apidiff.analysis.agreement.differs_in`, or a dash."""
    return para(_names(differing, labels)) if differing else para("—")
