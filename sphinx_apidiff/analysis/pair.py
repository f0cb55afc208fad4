"""A pair, analysed: what the real libraries and the executed examples say about it.

Pure: it takes the signatures, the example results and what is known of each
runtime as data, and returns the analysis and its diagnostics. The build, the
``check`` command and ``new`` get it through :func:`sphinx_apidiff.pipeline.run_pairs`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from sphinx_apidiff.analysis.params import DEFAULT_IGNORED, Row, build_rows, categorize
from sphinx_apidiff.analysis.verdicts import (
    Judgement,
    dtypes_differ,
    judge_cell,
    judge_example,
    judge_recipe,
)
from sphinx_apidiff.execution.results import (
    CellStatus,
    ExampleResult,
    SignatureResult,
    cell_outcome,
)
from sphinx_apidiff.model.diagnostics import Diagnostic
from sphinx_apidiff.model.example import ExampleSpec, SweepCell
from sphinx_apidiff.model.signature import Signature, parse_signature_text
from sphinx_apidiff.model.spec import PairSpec, prose_text
from sphinx_apidiff.model.vocabulary import (
    Category,
    Expect,
    ResultKind,
    Status,
    Subtype,
    Tag,
    TagKind,
    Verdict,
)


@dataclass(frozen=True)
class RuntimeInfo:
    """What the analysis needs to know of a framework's runtime."""

    fingerprint: dict[str, Any] | None = None  # versions and interpreter; None: unavailable
    version: str | None = None
    factory: str = "tensor"  # the tensor constructor the input prelude calls
    stored_only: bool = False  # execution mode 'cache': signatures come from the store


@dataclass
class PairAnalysis:
    """What the real libraries said about a pair, as the page and the report show it."""

    signatures: dict[str, SignatureResult] = field(default_factory=dict)
    page_signatures: dict[str, Signature | None] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    category: Category = Category.IDENTICAL
    computed_category: Category = Category.IDENTICAL
    examples: list[ExampleResult] = field(default_factory=list)
    versions: dict[str, str | None] = field(default_factory=dict)
    factories: dict[str, str] = field(default_factory=dict)
    fingerprints: dict[str, Any] = field(default_factory=dict)

    kinds: list[Tag] = field(default_factory=list)  # every kind of difference the pair has
    recipes: dict[int, ExampleResult] = field(default_factory=dict)  # example index -> its run
    # example index -> its sweep's cells, dtype by dtype, and what each gave
    sweeps: dict[int, list[tuple[SweepCell, ExampleResult]]] = field(default_factory=dict)
    # how each run is judged against what its author expects, as the page shows it
    judgements: list[Judgement] = field(default_factory=list)  # one per example
    recipe_judgements: dict[int, Judgement] = field(default_factory=dict)  # example index
    # example index -> sweep cell id -> its judgement
    cell_judgements: dict[int, dict[str, Judgement]] = field(default_factory=dict)


def example_title(example: ExampleSpec, index: int, language: str | None) -> str:
    """The title of an example, or ``#n`` (counting from 1)."""
    return prose_text(example.title, language) or f"#{index + 1}"


def analyse(
    spec: PairSpec,
    signatures: dict[tuple[str, str], SignatureResult],
    results: list[ExampleResult],
    runtimes: dict[str, RuntimeInfo],
    *,
    recipes: dict[int, ExampleResult] | None = None,
    sweeps: dict[int, list[tuple[SweepCell, ExampleResult]]] | None = None,
    labels: Callable[[str], str] = str,
    ignore: Iterable[str] = DEFAULT_IGNORED,
    language: str | None = None,
) -> tuple[PairAnalysis, list[Diagnostic]]:
    """Signatures, parameter rows, category and example verdicts, with diagnostics.

    ``recipes`` are the runs of the examples' recipes, and ``sweeps`` the cells of their
    sweeps, by example index."""
    diags: list[Diagnostic] = []
    analysis = PairAnalysis()
    for fw, api in spec.apis.items():
        result = signatures[(fw, api)]
        runtime = runtimes.get(fw, RuntimeInfo())
        analysis.signatures[fw] = result
        analysis.fingerprints[fw] = runtime.fingerprint
        analysis.versions[fw] = result.version or runtime.version
        analysis.factories[fw] = runtime.factory
        if fw in spec.missing:  # the page says: no counterpart; the library must agree
            diags += _absence_problems(spec, fw, api, result, labels)
            analysis.page_signatures[fw] = None
            continue
        given, problems = _given_signature(spec, fw)
        diags += problems
        diags += _signature_problems(spec, fw, api, result, given, runtime, labels)
        analysis.page_signatures[fw] = given or result.signature

    rows, row_diags = build_rows(spec.frameworks, analysis.page_signatures, spec.params, ignore)
    diags += row_diags
    analysis.rows = rows
    known = all(
        sig is not None for fw, sig in analysis.page_signatures.items() if fw not in spec.missing
    )
    analysis.computed_category = (
        Category.UNSUPPORTED
        if spec.missing
        else categorize(rows, spec.frameworks)
        if known
        else Category.UNKNOWN
    )

    analysis.category = spec.category or analysis.computed_category

    for index, example in enumerate(spec.examples):
        outcome = results[index] if index < len(results) else ExampleResult()
        analysis.examples.append(outcome)
        judged = judge_example(example, outcome)
        analysis.judgements.append(judged)
        title = repr(example_title(example, index, language))
        diags += _example_problems(example, outcome, judged, title)
        recipe = (recipes or {}).get(index)
        if recipe is not None:
            analysis.recipes[index] = recipe
        recipe_judged = judge_recipe(example, recipe)
        if example.recipe is not None and example.recipe.reason is None:
            analysis.recipe_judgements[index] = recipe_judged
        diags += _recipe_problems(example, recipe, recipe_judged, title)
        cells = (sweeps or {}).get(index)
        if cells:
            analysis.sweeps[index] = cells
            analysis.cell_judgements[index] = {cell.id: judge_cell(run) for cell, run in cells}
            diags += _sweep_problems(example, cells, title)
    analysis.kinds = pair_kinds(spec, analysis)
    if not spec.missing and any(r.status == Status.DIFFER for r in analysis.examples):
        # a measured difference is the headline, never "only names differ"
        analysis.computed_category = Category.BEHAVIOUR
    analysis.category = spec.category or analysis.computed_category
    return analysis, diags


#: The kinds a pair has when its author sets one of these categories.
_AUTHOR_KINDS = {
    Category.USAGE: TagKind.USAGE,
    Category.TYPES: TagKind.TYPES,
    Category.RETURNS: TagKind.RETURNS,
    Category.COMPOSITE: TagKind.COMPOSITE,
    Category.UNSUPPORTED: TagKind.UNSUPPORTED,
}


def pair_kinds(spec: PairSpec, analysis: PairAnalysis) -> list[Tag]:
    """Every kind of difference of a pair, none hidden by another: from its parameter
    rows, the category its author sets, and what its examples measured."""
    kinds: set[Tag] = set()
    for row in analysis.rows:
        if not row.ignored:
            kinds.update(tag for tag in row.tags if tag.kind is not TagKind.UNKNOWN)
    if spec.category in _AUTHOR_KINDS:
        kinds.add(Tag(_AUTHOR_KINDS[spec.category]))
    kinds.update(Tag(TagKind.UNSUPPORTED, fw) for fw in spec.missing)
    for result in analysis.examples:
        if result.status == Status.DIFFER:
            kinds.add(Tag(TagKind.VALUES))
        elif result.status == Status.ERROR:
            kinds.add(Tag(TagKind.ERROR))
        if any(c.kind is ResultKind.GRAD and not c.passed for c in result.results.values()):
            kinds.add(Tag(TagKind.GRADIENTS))
    # dtypes that differ, in any run: the examples', their recipes', their sweeps' cells
    runs = [*analysis.examples, *analysis.recipes.values()]
    runs += [result for cells in analysis.sweeps.values() for _, result in cells]
    if any(dtypes_differ(result) for result in runs):
        kinds.add(Tag(TagKind.DTYPE))
    for cells in analysis.sweeps.values():
        for _, result in cells:
            outcome = cell_outcome(result)
            if outcome.status in (CellStatus.UNSUPPORTED, CellStatus.UNSTABLE):
                kinds.update(Tag(TagKind.SUPPORT, fw) for fw in outcome.failed)
    order = list(TagKind)
    return sorted(kinds, key=lambda tag: (order.index(tag.kind), tag.framework or ""))


def _absence_problems(
    spec: PairSpec, fw: str, api: str, result: SignatureResult, labels: Callable[[str], str]
) -> list[Diagnostic]:
    """A framework said to have no counterpart: its library must not have ``api``."""
    if result.error or result.unavailable:
        return []  # absent, as the page says (or the runtime cannot tell)
    message = (
        f"{api} exists in {labels(fw)} {result.version or ''}".rstrip()
        + f": the page says it has no counterpart; name it under 'apis' instead of "
        f"{{none: {api}}}"
    )
    return [Diagnostic(Subtype.API, message, spec.api_lines.get(fw))]


def _given_signature(spec: PairSpec, fw: str) -> tuple[Signature | None, list[Diagnostic]]:
    """The signature the YAML gives under ``signatures:``, if any."""
    if fw not in spec.signatures:
        return None, []
    given = parse_signature_text(spec.signatures[fw], source="yaml")
    if given is not None:
        return given, []
    message = f"signatures.{fw}: cannot parse {spec.signatures[fw]!r} as a signature"
    return None, [Diagnostic(Subtype.SIGNATURE, message, spec.signature_lines.get(fw))]


def _signature_problems(
    spec: PairSpec,
    fw: str,
    api: str,
    result: SignatureResult,
    given: Signature | None,
    runtime: RuntimeInfo,
    labels: Callable[[str], str],
) -> list[Diagnostic]:
    line = spec.api_lines.get(fw)
    if result.error:
        hint = f"; did you mean {' or '.join(result.suggestions)}?" if result.suggestions else ""
        message = f"{api} does not exist in {labels(fw)}: {result.error}{hint}"
        return [Diagnostic(Subtype.API, message, line)]
    if result.signature is not None or given is not None:
        return []
    if not result.unavailable:
        message = f"cannot introspect the signature of {api}; give it under 'signatures:'"
        return [Diagnostic(Subtype.SIGNATURE, message, line)]
    if runtime.stored_only:
        message = (
            f"no stored signature of {api} (execution mode 'cache'): refresh the "
            "results store, or give it under 'signatures:'"
        )
        return [Diagnostic(Subtype.STORE, message, line)]
    return []


def _example_problems(
    example: ExampleSpec, outcome: ExampleResult, judged: Judgement, title: str
) -> list[Diagnostic]:
    diags = []
    if outcome.stale:
        message = f"example {title}: stored result is stale ({outcome.stale})"
        diags.append(Diagnostic(Subtype.STALE, message, example.line))
    if judged.verdict is Verdict.UNEXPECTED:
        diags.append(Diagnostic(Subtype.EXEC, f"example {title}: {judged.reason}", example.line))
    return diags


def _recipe_problems(
    example: ExampleSpec, recipe: ExampleResult | None, judged: Judgement, title: str
) -> list[Diagnostic]:
    """A documented difference says how to get the same result, and that recipe works."""
    if example.recipe is None:
        if example.expect != Expect.DIFFER:
            return []
        message = (
            f"example {title}: a documented difference needs a recipe (per framework, the "
            "code that gets the same result) or 'recipe: {none: why no code does}'"
        )
        return [Diagnostic(Subtype.RECIPE, message, example.line)]
    if example.recipe.reason is not None or recipe is None:
        return []
    line = example.recipe.line
    if recipe.stale:
        message = f"example {title}: the stored result of its recipe is stale ({recipe.stale})"
        return [Diagnostic(Subtype.STALE, message, line)]
    if judged.verdict is not Verdict.UNEXPECTED:
        return []
    return [Diagnostic(Subtype.RECIPE, f"example {title}: {judged.reason}", line)]


def _sweep_problems(
    example: ExampleSpec, cells: list[tuple[SweepCell, ExampleResult]], title: str
) -> list[Diagnostic]:
    """A sweep's cells are findings; only a stale stored cell, or a sweep that ran nowhere
    (every cell failed in every framework: the code, not a dtype), is a problem."""
    line = example.sweep.line if example.sweep else example.line
    stale = [cell.id for cell, result in cells if result.stale]
    if stale:
        message = (
            f"example {title}: stored results of sweep cells {', '.join(stale)} are stale "
            f"({next(r.stale for _, r in cells if r.stale)})"
        )
        return [Diagnostic(Subtype.STALE, message, line)]
    outcomes = [cell_outcome(result) for _, result in cells]
    if outcomes and all(o.status is CellStatus.ERROR for o in outcomes):
        first = next(iter(outcomes[0].failed.items()))
        message = (
            f"example {title}: every cell of its sweep failed in every framework, so no "
            f"dtype was compared ({first[0]}: {first[1]})"
        )
        return [Diagnostic(Subtype.SWEEP, message, line)]
    return []


def uncited_rows(spec: PairSpec, analysis: PairAnalysis) -> list[Diagnostic]:
    """Rows whose claim needs evidence and cite no example: a default that differs, or
    names that correspond with values that mean different things (``meaning: differs``)."""
    problems = []
    for row in analysis.rows:
        if row.ignored or row.examples:
            continue
        if row.has(TagKind.DEFAULT):
            what = "its default differs"
        elif row.has(TagKind.MEANING):
            what = "its meaning differs"
        else:
            continue
        names = " / ".join(dict.fromkeys(n for n in row.names.values() if n))
        message = (
            f"parameter {names}: {what}, and no example is cited to show it; "
            "cite one with 'examples: [n]' on its params row"
        )
        problems.append(Diagnostic(Subtype.EVIDENCE, message, row.line or spec.line))
    return problems
