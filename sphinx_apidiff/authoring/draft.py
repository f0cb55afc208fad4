"""``sphinx-apidiff new``: a first YAML draft of a pair, from the real signatures.

Parameters with the same name match by themselves; the others are paired by
the similarity of their names (with the renames migration guides keep meeting:
``dim``/``axis``, ``input``/``inp``, ``num_features``/``num_channels``), their
positions and their defaults, and marked for review. The example skeleton is
executed once before the draft is written, so it is known to run.

No Sphinx imports here.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable
from typing import Any

from sphinx_apidiff import frameworks
from sphinx_apidiff.analysis.params import DEFAULT_IGNORED
from sphinx_apidiff.analysis.verdicts import dtype_equal
from sphinx_apidiff.authoring.yamltext import Flow, Mapping, Sequence
from sphinx_apidiff.execution.engine import Engine, ExampleResult
from sphinx_apidiff.model.schema import SCHEMA_ID
from sphinx_apidiff.model.signature import VAR_POSITIONAL, Signature, same_default
from sphinx_apidiff.model.spec import id_for_api, parse_pair
from sphinx_apidiff.model.vocabulary import DEFAULT_DTYPE, Status, Subtype
from sphinx_apidiff.pipeline import run_pairs

SYNONYMS = [
    {"dim", "axis", "axes"},
    {"keepdim", "keepdims"},
    {"input", "inp", "x", "tensor", "a", "data"},
    {"num_features", "num_channels", "channels"},
    {"p", "drop_prob"},
    {"tensors", "inps"},
    {"size", "shape"},
    {"other", "y"},
    {"min", "lower"},
    {"max", "upper"},
    {"largest", "descending"},
]
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


def _synonyms(a: str, b: str) -> bool:
    return any(a in group and b in group for group in SYNONYMS)


def name_similarity(a: str, b: str) -> float:
    """How alike two parameter names are, from 0 to 1 (synonyms count as the same)."""
    if a == b or _synonyms(a, b):
        return 1.0
    ratio = difflib.SequenceMatcher(None, a, b).ratio()
    ta, tb = set(a.split("_")), set(b.split("_"))
    tokens = len(ta & tb) / len(ta | tb)
    return max(ratio, 0.9 * tokens)


def pair_params(
    ref: Signature, other: Signature, ignored: Iterable[str] = DEFAULT_IGNORED
) -> list[tuple[str, str, float]]:
    """Likely renames among the parameters that do not match by name, best first.

    Parameters that never count (``device``, ``name``...) are never paired.
    """
    ref_names, other_names = ref.names(), other.names()
    skip = (set(ref_names) & set(other_names)) | set(ignored)
    left = [n for n in ref_names if n not in skip]
    right = [n for n in other_names if n not in skip]
    candidates = []
    for a in left:
        for b in right:
            name = name_similarity(a, b)
            pos = 1 - abs(
                ref.position(a) / max(len(ref_names), 1)
                - other.position(b) / max(len(other_names), 1)
            )
            pa, pb = ref.get(a), other.get(b)
            same = 1.0 if pa and pb and same_default(pa.default, pb.default) else 0.0
            score = 0.6 * name + 0.3 * pos + 0.1 * same
            if name >= 0.6 and score >= 0.65:
                candidates.append((score, a, b))
    pairs, used_a, used_b = [], set(), set()
    for score, a, b in sorted(candidates, reverse=True):
        if a not in used_a and b not in used_b:
            pairs.append((a, b, round(score, 2)))
            used_a.add(a)
            used_b.add(b)
    return sorted(pairs, key=lambda p: ref.position(p[0]))


def why_paired(ref: Signature, other: Signature, a: str, b: str) -> str:
    """What paired ``a`` with ``b``, in words: a rename migration guides list, or names
    alike (their similarity); and whether they stand at the same place in the call."""
    if _synonyms(a, b):
        why = f"{a}/{b} is a usual rename"
    else:
        why = f"the names are alike (similarity {name_similarity(a, b):.2f})"
    if ref.position(a) == other.position(b):
        why += f", both parameter {ref.position(a) + 1}"
    return why


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
    ref_fw, other_fw = frameworks[0], frameworks[1]
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

    ref, other = signatures[ref_fw], signatures[other_fw]
    renames = pair_params(ref, other)
    rows = _rows(ref, other, renames, ref_fw, other_fw)
    if rows.data():
        doc.add("params", rows)

    example = _example(apis, signatures, kinds, renames, ref_fw, other_fw)
    examples = Sequence()
    if example is None:
        messages.append(
            "no example skeleton: a required parameter has no obvious value; "
            "write the example by hand"
        )
    else:
        doc.add("examples", examples.append(example))
    for a, b, _ in renames:
        messages.append(f"paired {ref_fw}.{a} with {other_fw}.{b}: {why_paired(ref, other, a, b)}")
    first = list(messages)
    text, said, ran = _run(doc.document(), engine, messages)
    if example is None or ran is None:
        return text, said
    # what the runs teach: a parameter in another layout is compared through a
    # view of it; gradients an operation does not have are dropped; dtypes that differ
    # are stated (for the author to review)
    views: dict[str, str] = {}
    grad, dtype_differs = True, False
    for _ in range(3):  # each run may teach one more thing (no gradient, then the dtypes)
        learnt = (
            views | _layout_views(ran, ref_fw, other_fw),
            grad and not _gradient_failed(ran),
            dtype_differs or (bool(ran.results) and not dtype_equal(ran)),
        )
        if learnt == (views, grad, dtype_differs):
            break
        views, grad, dtype_differs = learnt
        examples.clear().append(
            _example(apis, signatures, kinds, renames, ref_fw, other_fw, grad, views, dtype_differs)
        )
        text, said, again = _run(doc.document(), engine, first)
        if again is None:
            break
        ran = again
    if views:
        said.append(
            f"{other_fw} lays out {', '.join(sorted(views))} differently: the draft maps "
            "them with views (modules.m.names)"
        )
    if not grad:
        said.append(
            "its gradients could not be taken in both frameworks: the draft compares values"
        )
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


def _rows(
    ref: Signature,
    other: Signature,
    renames: list[tuple[str, str, float]],
    ref_fw: str,
    other_fw: str,
) -> Sequence:
    """The parameter rows: likely renames, differing defaults, and the unmatched ones."""
    rows = Sequence()
    for a, b, _ in renames:
        rows.append(
            Mapping()
            .add(ref_fw, a, comment=f"review: {why_paired(ref, other, a, b)}")
            .add(other_fw, b)
        )
    paired_a = {a for a, _, _ in renames}
    paired_b = {b for _, b, _ in renames}
    for name in ref.names():
        pa, pb = ref.get(name), other.get(name)
        if pb is not None and pa is not None and not same_default(pa.default, pb.default):
            rows.append(
                Mapping()
                .add(ref_fw, name, comment=f"defaults differ: {pa.default} vs {pb.default}")
                .add(other_fw, name)
                .add("note", Flow({"en": "Defaults differ.", "zh_CN": "默认值不同。"}))
            )
        elif pb is None and name not in paired_a:
            rows.append(Mapping().add(ref_fw, name, comment=f"no counterpart in {other_fw}"))
    for name in other.names():
        if ref.get(name) is None and name not in paired_b:
            rows.append(Mapping().add(other_fw, name, comment=f"no counterpart in {ref_fw}"))
    return rows


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
    renames: list[tuple[str, str, float]],
    ref_fw: str,
    other_fw: str,
    grad: bool = True,
    views: dict[str, str] | None = None,
    dtype_differs: bool = False,
) -> Mapping | None:
    """The example skeleton: a first call of each API on the same input, comparing its
    output; a module is declared (the same weights on both sides). With ``grad``, where
    both frameworks compute gradients, the gradients of the output's sum with respect to
    the input and the module's parameters are compared too."""
    values: dict[str, dict[str, str]] = {ref_fw: {}, other_fw: {}}
    for a, b, _ in renames:
        if {a, b} <= {"dim", "axis", "axes"}:
            values[ref_fw][a] = values[other_fw][b] = "1"
    code: dict[str, list[str]] = {}
    builds: dict[str, str] = {}
    uses_input = False
    for fw in (ref_fw, other_fw):
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
    adapters = [frameworks.get(fw) for fw in (ref_fw, other_fw)]
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
            module["names"] = {other_fw: views}
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
