"""``sphinx-apidiff new``: a first YAML draft of a pair, from the real signatures.

Two or more APIs, the first the reference. Parameters with the same name match by
themselves; the others are paired with the reference's by the similarity of their names
(with the renames migration guides keep meeting: ``dim``/``axis``, ``input``/``inp``,
``num_features``/``num_channels``), their positions and their defaults, and marked for
review (:mod:`.matching`). The example skeleton, a code block per framework, is executed
once before the draft is written, so it is known to run.

No Sphinx imports here.
"""

from __future__ import annotations

import math
from typing import Any

from sphinx_apidiff.analysis.verdicts import dtype_equal
from sphinx_apidiff.authoring.matching import (
    Rename,
    pair_params,
    rows_nway,
    rows_two,
    why_paired,
)
from sphinx_apidiff.authoring.yamltext import Flow, Mapping, Sequence
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import ExampleResult
from sphinx_apidiff.frameworks import get as framework_adapter
from sphinx_apidiff.model.schema import SCHEMA_ID
from sphinx_apidiff.model.signature import VAR_POSITIONAL, Signature
from sphinx_apidiff.model.spec import id_for_api, parse_pair
from sphinx_apidiff.model.vocabulary import DEFAULT_DTYPE, Status, Subtype
from sphinx_apidiff.pipeline import run_pairs

TENSOR_NAMES = {"input", "inp", "x", "tensor", "a", "data", "self"}
GUESSES = {
    "in_channels": "3",
    "num_channels": "3",
    "num_features": "3",
    "channels": "3",
    "out_channels": "4",
    "kernel_size": "3",
    "in_features": "8",
    "out_features": "4",
    "num_embeddings": "10",
    "embedding_dim": "4",
    "input_size": "8",
    "hidden_size": "4",
    "upscale_factor": "2",
    "downscale_factor": "2",
    "output_size": "(4, 4)",
    "normalized_shape": "(8, 8)",
    "k": "2",
    "dim": "1",
    "axis": "1",
    "num_classes": "10",
}


class DraftError(ValueError):
    """The APIs cannot be drafted (one does not exist, or cannot be introspected)."""


def _call(api: str, sig: Signature, values: dict[str, str]) -> tuple[str, bool] | None:
    """``api(x, name=value, ...)`` for the required parameters, or None if one is unknown."""
    args: list[str] = []
    for param in sig.shown:
        if param.kind == VAR_POSITIONAL:
            continue
        if param.name in values:
            value = values[param.name]
        elif param.default is not None:
            continue
        elif param.name in TENSOR_NAMES:
            value = "x"
        elif param.name in GUESSES:
            value = GUESSES[param.name]
        else:
            return None
        if value == "x" and not args:
            args.append("x")
        else:
            args.append(f"{param.name}={value}")
    return f"{api}({', '.join(args)})", "x" in args


def _input_shape(sig: Signature) -> list[int]:
    names = set(sig.names())
    if names & {"in_features", "input_size"}:
        return [2, 8]
    if "normalized_shape" in names:
        return [2, 3, 8, 8]
    if "num_embeddings" in names:
        return [2, 5]
    return [2, 3, 8, 8]


def draft_pair(
    apis: dict[str, str],
    engine: Engine,
    pair_id: str | None = None,
    schema_ref: str = SCHEMA_ID,
) -> tuple[str, list[str]]:
    """The YAML text of a draft pair, and messages for the author.

    ``pair_id`` defaults to :func:`~sphinx_apidiff.model.spec.id_for_api` of the reference API;
    ``schema_ref`` is where the first line's comment points editors (a path or a URL).
    """
    frameworks = list(apis)
    ref_fw, others = frameworks[0], frameworks[1:]
    sigs = engine.signatures(apis.items())
    messages: list[str] = []
    signatures: dict[str, Signature] = {}
    kinds: dict[str, str] = {}
    problems: list[str] = []
    absent: list[str] = []  # frameworks (not the reference) that lack their API
    for fw, api in apis.items():
        result = sigs[(fw, api)]
        if result.unavailable:
            problems.append(f"cannot introspect {api}: {result.unavailable}")
        elif result.error:
            hint = (
                f" (did you mean {' or '.join(result.suggestions)}?)" if result.suggestions else ""
            )
            problems.append(f"{api} does not exist in {fw}: {result.error}{hint}")
            if fw != ref_fw:
                absent.append(fw)
                messages.append(
                    f"{api} does not exist in {fw}{hint}: the draft says {fw} has no "
                    f"counterpart, {{none: {api}}}"
                )
        elif result.signature is None:
            messages.append(
                f"{api} has no signature that can be introspected: give it under "
                f"'signatures:' (the draft has a stub for it)"
            )
        else:
            signatures[fw] = result.signature
        kinds[fw] = "class" if api.rsplit(".", 1)[-1][:1].isupper() else "function"
    if len(problems) > len(absent):  # the reference, or a runtime, is missing
        raise DraftError("; ".join(problems))
    if absent:  # only a counterpart is missing: the pair says so ({none: ...})
        draft = _no_counterpart(apis, absent, sigs, pair_id, ref_fw in signatures, schema_ref)
        return _checked(draft, engine, messages)

    doc = Mapping()
    doc.comment(
        f"yaml-language-server: $schema={schema_ref}",
        f"Draft by `sphinx-apidiff new` from {_versions(apis, sigs)}.",
        "Review the rows marked 'review', write summary/usage, then build.",
    )
    doc.add("id", pair_id or id_for_api(apis[ref_fw]))
    doc.add("title", apis[ref_fw].rsplit(".", 1)[-1])
    doc.add("apis", dict(apis))
    unknown = [fw for fw in frameworks if fw not in signatures]
    if unknown:
        doc.comment(
            "signatures:  # the parameters, as in a def; then uncomment",
            *[f'  {fw}: "(...)"  # {apis[fw]}: none introspectable' for fw in unknown],
        )
    doc.comment("summary: {en: ..., zh_CN: ...}", "usage: {en: ..., zh_CN: ...}")
    if unknown:
        messages.append("no parameter rows and no example skeleton until the signatures are given")
        return _checked(doc.document(), engine, messages)

    ref = signatures[ref_fw]
    renames = {fw: pair_params(ref, signatures[fw]) for fw in others}
    if len(others) == 1:
        rows = rows_two(ref, signatures[others[0]], renames[others[0]], ref_fw, others[0])
    else:
        rows = rows_nway(signatures, renames, frameworks)
    if rows.data():
        doc.add("params", rows)

    example = _example(apis, signatures, kinds, renames)
    examples = Sequence()
    if example is None:
        messages.append(
            "no example skeleton: a required parameter has no obvious value; "
            "write the example by hand"
        )
    else:
        doc.add("examples", examples.append(example))
    for fw in others:
        for a, b, _ in renames[fw]:
            why = why_paired(ref, signatures[fw], a, b)
            messages.append(f"paired {ref_fw}.{a} with {fw}.{b}: {why}")
    first = list(messages)
    text, said, ran = _run(doc.document(), engine, messages)
    if example is None or ran is None:
        return text, said
    # what the runs teach: a parameter in another layout is compared through a
    # view of it; gradients an operation does not have are dropped; dtypes that differ
    # are stated (for the author to review)
    views: dict[str, dict[str, str]] = {}
    grad, dtype_differs = True, False
    for _ in range(3):  # each run may teach one more thing (no gradient, then the dtypes)
        seen = {fw: _layout_views(ran, ref_fw, fw) for fw in others}
        learnt = (
            {fw: views.get(fw, {}) | seen[fw] for fw in others if views.get(fw) or seen[fw]},
            grad and not _gradient_failed(ran),
            dtype_differs or (bool(ran.results) and not dtype_equal(ran)),
        )
        if learnt == (views, grad, dtype_differs):
            break
        views, grad, dtype_differs = learnt
        examples.clear().append(
            _example(apis, signatures, kinds, renames, grad, views, dtype_differs)
        )
        text, said, again = _run(doc.document(), engine, first)
        if again is None:
            break
        ran = again
    for fw, names in views.items():
        said.append(
            f"{fw} lays out {', '.join(sorted(names))} differently: the draft maps "
            "them with views (modules.m.names)"
        )
    if not grad:
        every = "both frameworks" if len(frameworks) == 2 else "every framework"
        said.append(f"its gradients could not be taken in {every}: the draft compares values")
    if dtype_differs:
        said.append("the dtypes of the results differ: the draft says 'dtype: differs', review it")
    return text, said


def _versions(apis: dict[str, str], sigs: dict[tuple[str, str], Any]) -> str:
    """``torch 2.1 and megengine 1.13``: the versions the draft was made from."""
    return " and ".join(f"{fw} {sigs[(fw, api)].version}" for fw, api in apis.items())


def _no_counterpart(
    apis: dict[str, str],
    absent: list[str],
    sigs: dict[tuple[str, str], Any],
    pair_id: str | None,
    introspected: bool,
    schema_ref: str = SCHEMA_ID,
) -> str:
    """The draft of a pair whose other frameworks lack the API: ``{none: api}``, the
    name the API would have (the build checks that it stays absent), and an example to
    write, whose code in those frameworks is shown as the workaround."""
    ref_fw = next(iter(apis))
    doc = Mapping()
    doc.comment(
        f"yaml-language-server: $schema={schema_ref}",
        f"Draft by `sphinx-apidiff new` from {_versions(apis, sigs)}.",
        f"{' and '.join(absent)} lacks the API: write summary/usage and an example, then build.",
    )
    doc.add("id", pair_id or id_for_api(apis[ref_fw]))
    doc.add("title", apis[ref_fw].rsplit(".", 1)[-1])
    doc.add("apis", {fw: Flow({"none": api}) if fw in absent else api for fw, api in apis.items()})
    if not introspected:
        doc.comment(
            "signatures:  # the parameters, as in a def; then uncomment",
            f'  {ref_fw}: "(...)"  # {apis[ref_fw]}: none introspectable',
        )
    doc.comment(
        "summary: {en: ..., zh_CN: ...}  # what to use instead",
        "usage: {en: ..., zh_CN: ...}",
        f"examples:  # the {' and '.join(absent)} code of an example is shown as the workaround",
        "  - title: {en: ..., zh_CN: ...}",
        f"    inputs: {{x: {{shape: [2, 3], dtype: {DEFAULT_DTYPE}}}}}",
        "    code:",
        *[
            f"      {fw}: y = ...  # {'the workaround' if fw in absent else api}"
            for fw, api in apis.items()
        ],
        "    compare: [y]",
    )
    return doc.document()


def _layout_views(result: ExampleResult, ref_fw: str, other_fw: str) -> dict[str, str]:
    """The module's parameters whose gradients have the same size and another shape in
    ``other_fw`` (MegEngine's ``(1, C, 1, 1)`` biases): the view that holds the reference's."""
    views = {}
    for label, comparison in result.results.items():
        ref, other = comparison.shapes.get(ref_fw), comparison.shapes.get(other_fw)
        if not (label.startswith("m.") and label.endswith(".grad") and ref and other):
            continue
        if ref != other and math.prod(ref) == math.prod(other):
            name = label[len("m.") : -len(".grad")]
            views[name] = (
                f"{name}.reshape({', '.join(map(str, ref))}{',' if len(ref) == 1 else ''})"
            )
    return views


def _gradient_failed(result: ExampleResult) -> bool:
    """Did the example fail in the code that takes its gradients?"""
    return result.status == Status.ERROR and any(
        "gradient code" in (side.error or "") for side in result.sides.values()
    )


def _checked(text: str, engine: Engine, messages: list[str]) -> tuple[str, list[str]]:
    """The draft, once it is known to parse and its example skeleton has run."""
    text, messages, _ = _run(text, engine, messages)
    return text, messages


def _run(
    text: str, engine: Engine, messages: list[str]
) -> tuple[str, list[str], ExampleResult | None]:
    """The draft, what to tell its author, and what its example skeleton gave."""
    messages = list(messages)
    spec, diags = parse_pair(text, "draft.yaml")
    if diags or spec is None:  # a bug of ours, not the author's
        raise RuntimeError(f"the draft does not parse: {diags}")
    [outcome] = run_pairs([spec], engine).pairs  # what the build and `check` will say
    for diag in outcome.diagnostics:
        if diag.subtype != Subtype.EXEC:  # said below, in a draft's words
            messages.append(f"the draft, line {diag.line}: {diag.message}")
    result = None
    if outcome.analysis is not None and outcome.analysis.examples:
        result = outcome.analysis.examples[0]
        if result.status != Status.MATCH:
            messages.insert(0, f"the example skeleton gives '{result.status}': review it")
    return text, messages, result


def _example(
    apis: dict[str, str],
    signatures: dict[str, Signature],
    kinds: dict[str, str],
    renames: dict[str, list[Rename]],
    grad: bool = True,
    views: dict[str, dict[str, str]] | None = None,
    dtype_differs: bool = False,
) -> Mapping | None:
    """The example skeleton: a first call of each API on the same input, comparing its
    output; a module is declared (the same weights in every framework). With ``grad``,
    where every framework computes gradients, the gradients of the output's sum with
    respect to the input and the module's parameters are compared too. ``renames`` maps
    each framework but the reference to its likely renames (:func:`.pair_params`);
    ``views`` each framework to its module's parameters seen through a view."""
    frameworks = list(apis)
    ref_fw = frameworks[0]
    values: dict[str, dict[str, str]] = {fw: {} for fw in frameworks}
    for fw, pairs in renames.items():
        for a, b, _ in pairs:
            if {a, b} <= {"dim", "axis", "axes"}:
                values[ref_fw][a] = values[fw][b] = "1"
    code: dict[str, list[str]] = {}
    builds: dict[str, str] = {}
    uses_input = False
    for fw in frameworks:
        call = _call(apis[fw], signatures[fw], values[fw])
        if call is None:
            return None
        expr, takes_x = call
        if kinds[fw] == "class":
            builds[fw] = expr
            code[fw] = ["y = m(x)"]
            uses_input = True
        else:
            code[fw] = [f"y = {expr}"]
            uses_input = uses_input or takes_x
    adapters = [framework_adapter(fw) for fw in frameworks]
    differentiable = uses_input and all(
        adapter is not None and adapter.gradients and (adapter.module_gradients or not builds)
        for adapter in adapters
    )
    if grad and differentiable:
        for body in code.values():
            body.append("loss = y.sum()")
    example = Mapping().add("title", Flow({"en": "A first call", "zh_CN": "基本调用"}))
    if uses_input:
        shape = _input_shape(signatures[ref_fw])
        example.add("inputs", {"x": Flow({"shape": shape, "dtype": DEFAULT_DTYPE})})
    if builds:
        module: dict[str, Any] = dict(builds)
        if views:
            module["names"] = dict(views)
        example.add("modules", {"m": Flow(module)})
        example.comment(
            "the same weights on both sides; 'weights: own' keeps each framework's own "
            "initial weights"
        )
    example.add("code", {fw: "\n".join(body) + "\n" for fw, body in code.items()})
    example.add("compare", Flow(["y"]))
    if dtype_differs:
        example.add("dtype", "differs", comment="review: measured by the draft's run")
    if grad and differentiable:
        wrt = ["x", "m"] if builds else ["x"]
        example.add("grad", Flow({"of": "loss", "wrt": wrt}))
        example.comment("compares the gradients of loss with respect to " + " and ".join(wrt))
    return example
