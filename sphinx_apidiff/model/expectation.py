"""Per-framework expectations: which frameworks of an example fail, and which differ.

``expect:`` and ``dtype:`` take a word (``expect: differ``, ``dtype: differs``: the
whole example) or a mapping that says who::

    expect: {differs: [jax]}                      # jax outside the group of the others
    expect: {groups: [[torch, paddle], [megengine, jax]]}
    expect: {error: [paddle], differs: [jax]}     # paddle fails; of the others, jax differs
    dtype: {differs: [torch, paddle]}

:class:`Stated` is such a mapping; :meth:`Stated.unmet` is the one rule that says
whether a run's measured groups are what it states. No Sphinx, no numpy.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sphinx_apidiff.model.diagnostics import Diagnostic
from sphinx_apidiff.model.loader import LocatedDocument
from sphinx_apidiff.model.types import KeyPath
from sphinx_apidiff.model.vocabulary import DtypeExpect, Expect, Subtype

#: Says whether a framework named at a path is one of the pair's (and warns if not).
CheckFramework = Callable[[str, tuple[Any, ...]], bool]

#: The keys of a per-framework ``expect:`` (``dtype:`` takes the last two).
ERROR_KEY = "error"
DIFFERS_KEY = "differs"
GROUPS_KEY = "groups"


#: How a statement names a difference: for one framework, for several, and from whom.
VALUES = ("differs", "differ", "from")
DTYPES = ("has other dtypes", "have other dtypes", "than")


def groups_text(groups: Sequence[Sequence[str]]) -> str:
    """Groups as people read them: ``torch = paddle; megengine = jax``."""
    return "; ".join(" = ".join(group) for group in groups)


@dataclass(frozen=True)
class Stated:
    """What an author states per framework: the frameworks that fail (``error``), and how
    those that run fall into groups that agree: ``differs`` (each is outside the one
    group of all the others) or ``groups`` (the exact partition); neither: they all agree."""

    error: tuple[str, ...] = ()
    differs: tuple[str, ...] | None = None
    groups: tuple[tuple[str, ...], ...] | None = None

    @property
    def expect(self) -> Expect:
        """The status this statement implies, as the word form says it."""
        if self.error:
            return Expect.ERROR
        return Expect.DIFFER if self.splits else Expect.MATCH

    @property
    def dtype(self) -> DtypeExpect:
        """The word form of this statement made of dtypes."""
        return DtypeExpect.DIFFERS if self.splits else DtypeExpect.SAME

    @property
    def splits(self) -> bool:
        """The frameworks that run do not all agree, by this statement."""
        if self.differs:
            return True
        return self.groups is not None and len([g for g in self.groups if g]) > 1

    def describe(self, what: tuple[str, str, str] = VALUES) -> str:
        """The statement in words: ``only jax differs``, ``paddle fails``."""
        parts = []
        if self.error:
            parts.append(f"{', '.join(self.error)} fail{'s' if len(self.error) == 1 else ''}")
        if self.groups is not None:
            parts.append(f"the groups {groups_text(self.groups)}")
        elif self.differs:
            one = len(self.differs) == 1
            parts.append(f"only {', '.join(self.differs)} {what[0] if one else what[1]}")
        else:
            parts.append("the others agree" if self.error else "all agree")
        return "; ".join(parts)

    def unmet(
        self,
        failed: Sequence[str],
        groups: Sequence[Sequence[str]] | None,
        what: tuple[str, str, str] = VALUES,
    ) -> str | None:
        """Why a run is not as stated, naming who actually fails and differs; None if it is.

        ``failed``: the frameworks that failed; ``groups``: those that ran, in groups
        that agree (None: fewer than two ran, nothing to group). ``what`` names the
        difference in the message: :data:`VALUES` or :data:`DTYPES`."""
        if set(failed) != set(self.error):
            actual = ", ".join(failed) or "none"
            return f"expected {self.describe(what)}, but {actual} failed"
        if groups is None or len(groups) == 0:
            return None
        measured = {frozenset(group) for group in groups}
        ran = set().union(*measured)
        if self.groups is not None:
            stated = {frozenset(g) & ran for g in self.groups} - {frozenset()}
            unlisted = ran - set().union(*stated) if stated else ran
            stated |= {frozenset([fw]) for fw in unlisted}
            holds = stated == measured
        else:
            others = ran - set(self.differs or ())
            holds = not others or others in measured
        if holds:
            return None
        return f"expected {self.describe(what)}, measured {_who(groups, what)}"


def _who(groups: Sequence[Sequence[str]], what: tuple[str, str, str]) -> str:
    """The measured groups, and who differs from the largest group (the first one of the
    largest size, in declared order)."""
    text = groups_text(groups)
    if len(groups) < 2:
        return f"{text} (all agree)"
    largest = max(groups, key=len)
    outside = [fw for group in groups if group is not largest for fw in group]
    verb = what[0] if len(outside) == 1 else what[1]
    return f"{text} ({', '.join(outside)} {verb} {what[2]} {', '.join(largest)})"


def read_stated(
    given: Any,
    path: KeyPath,
    doc: LocatedDocument,
    diags: list[Diagnostic],
    check_framework: CheckFramework,
    frameworks: Sequence[str],
    failing: Sequence[str] = (),
) -> Stated | None:
    """The validated mapping form of ``expect:`` or ``dtype:`` at ``path`` (None for the
    word form). ``frameworks``: those with code in the example; ``failing``: those stated
    to fail (in no group). A name that is no framework of the pair, or has no code here,
    is a located warning and left out; one in no group is a group of its own."""
    if not isinstance(given, dict):
        return None

    def names(items: list[Any], at: KeyPath) -> tuple[str, ...]:
        kept = []
        for j, name in enumerate(items):
            where = (*at, j)
            if not check_framework(name, where):
                continue
            if name not in frameworks:
                message = f"{where_text(where)}: {name} has no code in this example"
                diags.append(Diagnostic(Subtype.FRAMEWORK, message, doc.line(where)))
                continue
            kept.append(name)
        return tuple(kept)

    error = names(given.get(ERROR_KEY, []), (*path, ERROR_KEY))
    differs = groups = None
    if DIFFERS_KEY in given and GROUPS_KEY in given:
        message = f"{where_text(path)}: give 'differs' or 'groups', not both ('groups' is used)"
        diags.append(Diagnostic(Subtype.SPEC, message, doc.line(path)))
    if GROUPS_KEY in given:
        at = (*path, GROUPS_KEY)
        groups = tuple(names(group, (*at, i)) for i, group in enumerate(given[GROUPS_KEY]))
        groups = tuple(group for group in groups if group)
    elif DIFFERS_KEY in given:
        differs = names(given[DIFFERS_KEY], (*path, DIFFERS_KEY))
    named = [*error, *(differs or ()), *(fw for group in groups or () for fw in group)]
    twice = sorted({fw for fw in named if named.count(fw) > 1}, key=named.index)
    if twice:
        message = f"{where_text(path)}: {', '.join(twice)} named twice (each framework once)"
        diags.append(Diagnostic(Subtype.SPEC, message, doc.line(path)))
    if groups is not None:
        unplaced = [fw for fw in frameworks if fw not in named and fw not in failing]
        groups = (*groups, *((fw,) for fw in unplaced))
        if unplaced:
            message = (
                f"{where_text(path)}: {', '.join(unplaced)} in no group (each framework that "
                "runs is in one; taken as a group of its own)"
            )
            diags.append(Diagnostic(Subtype.SPEC, message, doc.line(path)))
    return Stated(error, differs, groups)


def where_text(path: KeyPath) -> str:
    """The key of an example's statement at ``path``, for messages: ``expect.groups``."""
    return ".".join(str(key) for key in path[2:4] if isinstance(key, str))
