"""Whether a run is as its author expects, and why not: decided here, once, for the page,
the report and the diagnostics; the renderers read the :class:`Judgement`."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sphinx_apidiff.execution.results import CellStatus, ExampleResult, cell_outcome
from sphinx_apidiff.execution.stability import describe
from sphinx_apidiff.model.example import ExampleSpec
from sphinx_apidiff.model.expectation import DTYPES, groups_text
from sphinx_apidiff.model.vocabulary import (
    DtypeExpect,
    FrameworkStatus,
    Status,
    Verdict,
    verdict,
)


class DtypeBadge(StrEnum):
    """What a run's dtypes say, as its badge shows it."""

    NONE = "none"  # no badge: the dtypes are as stated, or nothing was compared
    STATED = "stated"  # they differ, as the author states
    UNSTATED = "unstated"  # they differ, and the example is not as expected
    NOT_DIFFERING = "not-differing"  # the author states they differ; they do not
    FINDING = "finding"  # they differ in a run no author states dtypes of (recipe, sweep cell)


@dataclass(frozen=True)
class Judgement:
    """One run (an example's, its recipe's or a sweep cell's) judged against what its
    author expects."""

    status: str  # what the run gave (a sweep cell's: its :class:`CellStatus`)
    verdict: Verdict
    reason: str = ""  # why it is not as expected; empty when it is
    dtypes: DtypeBadge = DtypeBadge.NONE
    expected: str | None = None  # the status its author expects, when the run gave another
    # how a compared value outside tolerance is judged: as a differing example would be
    outside_tolerance: Verdict = Verdict.UNEXPECTED

    @property
    def documented_difference(self) -> bool:
        """A difference its author documents (``expect: differ``) and the run measured."""
        return self.verdict is Verdict.DOCUMENTED and self.status == Status.DIFFER

    @property
    def documented_instability(self) -> bool:
        """Runs that disagree, as their author documents (``expect: unstable``)."""
        return self.verdict is Verdict.DOCUMENTED and self.status == Status.UNSTABLE


#: The judgement of a run that has no result.
UNJUDGED = Judgement(Status.NOT_RUN, Verdict.NOT_RUN)


def dtype_equal(result: ExampleResult) -> bool:
    """Every compared value (outputs and gradients) has the same dtype in every framework:
    the one dtype rule of a run, be it the example's, its recipe's or a sweep cell's."""
    return all(comparison.dtype_equal is not False for comparison in result.results.values())


def dtypes_differ(result: ExampleResult | None) -> bool:
    """A run compared values and some of their dtypes differ (the "dtypes differ" badge
    and the pair's ``dtype`` kind)."""
    return result is not None and bool(result.results) and not dtype_equal(result)


def example_verdict(example: ExampleSpec, result: ExampleResult) -> Verdict:
    """An example's result judged against its ``expect`` and ``dtype``, and against who
    fails and who differs where its author says so per framework."""
    judged = verdict(
        example.expect,
        result.status,
        dtype_expect=example.dtype,
        dtype_equal=dtype_equal(result),
    )
    if judged in (Verdict.UNEXPECTED, Verdict.NOT_RUN) or unmet(example, result) is None:
        return judged
    return Verdict.UNEXPECTED


def failed(result: ExampleResult) -> list[str]:
    """The frameworks that failed in a run, in declared order."""
    return [fw for fw, status in result.frameworks.items() if status is not FrameworkStatus.RAN]


def unmet(example: ExampleSpec, result: ExampleResult) -> str | None:
    """Why a run is not what its author states per framework (who fails, who differs, who
    has other dtypes), naming who actually does; None when it is, or nothing is stated."""
    if example.stated is not None:
        found = example.stated.unmet(failed(result), result.groups)
        if found:
            return found
    if example.dtype_stated is not None:
        found = example.dtype_stated.unmet((), result.dtype_groups, DTYPES)
        if found:
            return f"dtypes: {found}"
    return None


def judge_example(example: ExampleSpec, result: ExampleResult | None) -> Judgement:
    """An example's run against its ``expect`` and ``dtype``: the verdict, its reason, the
    dtype badge, and the status expected when another came."""
    outside = verdict(example.expect, Status.DIFFER)
    if result is None:
        return Judgement(Status.NOT_RUN, Verdict.NOT_RUN, outside_tolerance=outside)
    judged = example_verdict(example, result)
    unexpected = judged is Verdict.UNEXPECTED
    reason = ""
    stated = unmet(example, result) if unexpected else None
    if stated is not None:  # who fails or differs is not as stated: named
        reason = stated
    elif unexpected and result.status == example.expect:  # as expected but for the dtypes
        reason = explain_dtypes(example, result)
    elif unexpected:
        reason = f"expected {example.expect}, got {result.status}: {explain(example, result)}"
    if dtypes_differ(result) and result.status == Status.ERROR:
        # among the frameworks that ran beside one that failed: a finding, unless stated
        stated_dtypes = example.dtype_stated is not None and not unexpected
        dtypes = DtypeBadge.STATED if stated_dtypes else DtypeBadge.FINDING
    elif dtypes_differ(result):
        dtypes = DtypeBadge.UNSTATED if unexpected else DtypeBadge.STATED
    elif unexpected and result.status == example.expect and stated is None:
        dtypes = DtypeBadge.NOT_DIFFERING
    else:
        dtypes = DtypeBadge.NONE
    return Judgement(
        result.status,
        judged,
        reason=reason,
        dtypes=dtypes,
        expected=example.expect if unexpected and result.status != example.expect else None,
        outside_tolerance=outside,
    )


def judge_recipe(example: ExampleSpec, run: ExampleResult | None) -> Judgement:
    """A recipe's run: it must get the same result (a match); its dtypes are a finding."""
    if run is None:
        return UNJUDGED
    if run.status == Status.UNSTABLE:  # the same result in one run is not the same result
        reason = f"its recipe is unstable: {explain(example, run)}"
        dtypes = DtypeBadge.FINDING if dtypes_differ(run) else DtypeBadge.NONE
        return Judgement(run.status, Verdict.UNEXPECTED, reason=reason, dtypes=dtypes)
    if run.status in (Status.MATCH, Status.NOT_RUN):
        judged = Verdict.AS_EXPECTED if run.status == Status.MATCH else Verdict.NOT_RUN
        reason = ""
    else:
        judged = Verdict.UNEXPECTED
        reason = f"its recipe does not get the same result ({run.status}): {explain(example, run)}"
    dtypes = DtypeBadge.FINDING if dtypes_differ(run) else DtypeBadge.NONE
    return Judgement(run.status, judged, reason=reason, dtypes=dtypes)


def judge_cell(run: ExampleResult) -> Judgement:
    """A sweep cell's run: a finding, never a fault of the page."""
    status = cell_outcome(run).status
    judged = Verdict.NOT_RUN if status is CellStatus.NOT_RUN else Verdict.AS_EXPECTED
    dtypes = DtypeBadge.FINDING if dtypes_differ(run) else DtypeBadge.NONE
    return Judgement(status, judged, dtypes=dtypes)


def explain_dtypes(example: ExampleSpec, result: ExampleResult) -> str:
    """Why the dtypes of an example are not as its author says."""
    differing = [
        f"{name}: {' vs '.join(str(d) for d in comparison.dtypes.values())}"
        for name, comparison in result.results.items()
        if comparison.dtype_equal is False
    ]
    if example.dtype == DtypeExpect.DIFFERS:
        return "'dtype: differs', but every compared value has the same dtype everywhere"
    return (
        f"the dtypes differ ({'; '.join(differing)}): say 'dtype: differs' if that is "
        "what the page documents"
    )


def explain(example: ExampleSpec, result: ExampleResult) -> str:
    """One line on why an example has its status."""
    if result.status == Status.UNSTABLE and result.spread is not None:
        return describe(result.runs, result.spread)
    if result.status == Status.ERROR:
        failures = []  # every framework that failed, not only the first
        for fw, side in result.sides.items():
            if not side.ok:
                where = ""
                if side.frames and fw in example.code:
                    where = f" at line {side.frames[-1][0] + example.code[fw].line - 1}"
                last = (side.error or "").splitlines()[-1] if side.error else ""
                failures.append(f"{fw} failed{where}: {last}")
        if failures:
            return "; ".join(failures)
    if result.status == Status.DIFFER:
        parts = []
        for name, comp in result.results.items():
            if not comp.passed:
                detail = comp.note or (
                    f"max abs {comp.max_abs:.3g}, max rel {comp.max_rel:.3g} "
                    f"(atol {example.atol:g}, rtol {example.rtol:g})"
                    if comp.max_abs is not None and comp.max_rel is not None
                    else "differs"
                )
                if len(comp.frameworks) > 2:  # who agrees with whom
                    detail = f"{groups_text(comp.groups)}; {detail}"
                parts.append(f"{name}: {detail}")
        return "; ".join(parts)
    if result.status == Status.MATCH:
        return "every compared value agrees"
    return result.reason or ""
