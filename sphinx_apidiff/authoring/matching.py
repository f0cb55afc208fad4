"""Which parameters of two or more APIs are the same: by name, by the renames migration
guides keep meeting, by likeness of names, positions and defaults; and the parameter rows
of a draft (:mod:`.draft`).

No Sphinx imports here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from sphinx_apidiff.analysis.params import DEFAULT_IGNORED
from sphinx_apidiff.authoring.yamltext import Flow, Mapping, Sequence
from sphinx_apidiff.model.signature import Signature, same_default

#: A likely rename: the paired parameter of the reference, of the other framework, score.
Rename = tuple[str, str, float]

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


def rows_two(
    ref: Signature,
    other: Signature,
    renames: list[Rename],
    ref_fw: str,
    other_fw: str,
) -> Sequence:
    """The parameter rows of two APIs: likely renames, differing defaults, and the
    unmatched ones."""
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


def rows_nway(
    signatures: dict[str, Signature], renames: dict[str, list[Rename]], frameworks: list[str]
) -> Sequence:
    """The parameter rows of three or more APIs, the first the reference's: a row per
    reference parameter that another framework names otherwise (a likely rename, marked
    for review), lacks, or gives another default; then a row per parameter that only
    other frameworks have, matched across them by name. Parameters named and defaulted
    alike everywhere match by themselves and get no row."""
    ref_fw, others = frameworks[0], frameworks[1:]
    ref = signatures[ref_fw]
    paired = {fw: {a: b for a, b, _ in renames[fw]} for fw in others}
    taken = {fw: set(paired[fw].values()) for fw in others}
    rows = Sequence()
    for name in ref.names():
        names = {ref_fw: name}
        for fw in others:
            found = paired[fw].get(name) or (name if signatures[fw].get(name) else None)
            if found:
                names[fw] = found
                taken[fw].add(found)
        defaults = {
            fw: param.default for fw, n in names.items() if (param := signatures[fw].get(n))
        }
        lacking = [fw for fw in others if fw not in names]
        renamed = [fw for fw in others if names.get(fw, name) != name]
        differ = [fw for fw in names if not same_default(defaults.get(ref_fw), defaults.get(fw))]
        if not (lacking or renamed or differ):
            continue
        said: list[str] = []
        targets: dict[str, list[str]] = {}  # a rename -> the frameworks that make it
        for fw in renamed:
            targets.setdefault(names[fw], []).append(fw)
        for target, fws in targets.items():
            why = why_paired(ref, signatures[fws[0]], name, target)
            said.append(f"{'review: ' if not said else ''}{why} ({', '.join(fws)})")
        if differ:
            said.append("defaults differ: " + ", ".join(f"{fw} {defaults.get(fw)}" for fw in names))
        if lacking:
            said.append(f"no counterpart in {', '.join(lacking)}")
        row = Mapping()
        for number, fw in enumerate(names):
            row.add(fw, names[fw], comment="; ".join(said) if number == 0 else None)
        if differ:
            row.add("note", Flow({"en": "Defaults differ.", "zh_CN": "默认值不同。"}))
        rows.append(row)
    extra: dict[str, dict[str, str]] = {}  # a name only other frameworks have -> fw -> name
    for fw in others:
        for name in signatures[fw].names():
            if ref.get(name) is None and name not in taken[fw]:
                extra.setdefault(name, {})[fw] = name
    for name, names in extra.items():
        row = Mapping()
        for number, fw in enumerate(names):
            row.add(fw, name, comment=f"no counterpart in {ref_fw}" if number == 0 else None)
        rows.append(row)
    return rows
