"""Who agrees with whom: a compared value's groups, read for a page of more than two
frameworks.

A value compared across frameworks comes with ``groups`` (see
:class:`~sphinx_apidiff.execution.comparison.Comparison`): the frameworks that
produced it, partitioned into groups that agree within the example's tolerance, each
group and the list in declared order (``[["torch", "paddle"], ["megengine", "jax"]]``).
Frameworks that did not produce it are in no group. These functions say what the
groups mean; :mod:`sphinx_apidiff.sphinx_ext.render.agreement` writes it.

No Sphinx imports here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

Groups = Sequence[Sequence[str]]


class Shape(StrEnum):
    """How the frameworks that produced a value split."""

    ALL = "all"  # one group: all of them agree
    ONLY = "only"  # one framework alone, the others (two or more) together
    SPLIT = "split"  # any other partition with a group of two or more
    NONE = "none"  # no two agree


@dataclass(frozen=True)
class Agreement:
    """The groups of one value, in declared order, and what they come to."""

    shape: Shape
    together: list[list[str]]  # the groups of two or more frameworks
    alone: list[str]  # the frameworks in a group of their own
    absent: list[str]  # declared frameworks that did not produce the value


def agreement(groups: Groups, frameworks: Sequence[str]) -> Agreement:
    """What ``groups`` come to, for a pair whose frameworks are ``frameworks`` (declared
    order: every list of the result keeps it)."""
    order = {fw: i for i, fw in enumerate(frameworks)}

    def rank(fw: str) -> int:
        return order.get(fw, len(order))

    parts = sorted(([*sorted(g, key=rank)] for g in groups if g), key=lambda g: rank(g[0]))
    produced = {fw for group in parts for fw in group}
    together = [g for g in parts if len(g) > 1]
    alone = [g[0] for g in parts if len(g) == 1]
    absent = [fw for fw in frameworks if fw not in produced]
    if len(parts) == 1 and together:
        shape = Shape.ALL
    elif len(together) == 1 and len(alone) == 1:
        shape = Shape.ONLY
    elif together:
        shape = Shape.SPLIT
    else:
        shape = Shape.NONE
    return Agreement(shape, together, alone, absent)


def main_group(groups: Groups, reference: str) -> list[str]:
    """The group the others are measured against: the reference's, unless another is
    larger (then the largest, the first declared on a tie); empty without groups."""
    parts = [list(g) for g in groups if g]
    if not parts:
        return []
    largest = max(parts, key=len)  # max keeps the first of equal length
    own = next((g for g in parts if reference in g), None)
    return own if own is not None and len(own) >= len(largest) else largest


def differs_in(values: Iterable[Groups], frameworks: Sequence[str]) -> list[str]:
    """The frameworks outside the main group (:func:`main_group`, the first framework is
    the reference) of any of ``values`` (each a value's groups: every compared value of
    every example of a pair), in declared order. A framework that did not produce a
    value is not counted for it: its failure is the example's status, said elsewhere."""
    if not frameworks:
        return []
    found: set[str] = set()
    for groups in values:
        main = set(main_group(groups, frameworks[0]))
        found.update(fw for group in groups for fw in group if fw not in main)
    return [fw for fw in frameworks if fw in found]
