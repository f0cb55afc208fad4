"""Checking a legacy page's APIs against the real libraries, and correcting them.

:func:`check_apis` asks a :class:`SignatureSource` (the execution engine) for each
panel's API; a name that does not exist is replaced by the real API the page most
likely means (:func:`_correct_api`), and every difference between the hand-copied
signature and the real one becomes a note for review.

No Sphinx imports here.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Protocol

from sphinx_apidiff.authoring.legacy.calls import parse_call
from sphinx_apidiff.authoring.legacy.page import LegacyPage, Panel, norm, title_names
from sphinx_apidiff.execution.results import SignatureResult
from sphinx_apidiff.model.signature import Signature, same_default


class SignatureSource(Protocol):
    """What the importer needs of the engine: the real signature of each ``(framework, api)``."""

    def signatures(
        self, requests: Iterable[tuple[str, str]]
    ) -> dict[tuple[str, str], SignatureResult]:
        """The result of introspecting each ``(framework, api)``, keyed by the request."""
        ...


def _one_line(sig: Signature, api: str) -> str:
    return " ".join(sig.format(api).split()).replace("( ", "(").replace(" )", ")")


def _signature_note(panel: Panel, api: str, sig: Signature | None, fw: str) -> list[str]:
    notes: list[str] = []
    if not panel.signature:
        return notes
    call = parse_call(panel.signature)
    where = f"the {fw} panel (line {panel.line})"
    if call.callee and call.callee != panel.api:
        notes.append(
            f"{where}: its code block shows {call.callee}(...), not {panel.api}, the "
            f"API of its header (line {panel.signature_line})"
        )
    if sig is None:
        return notes
    shown = {n: d for n, d in call.params if not n.startswith("*")}
    real = {p.name: p.default for p in sig.shown if not p.kind.startswith("var")}
    problems = []
    for name, default in shown.items():
        if name not in real:
            close = difflib.get_close_matches(name, list(real), n=1, cutoff=0.75)
            hint = f" (the real one is {close[0]!r})" if close else ""
            problems.append(f"shows {name!r}, which {api} does not have{hint}")
        elif real[name] is not None and default is None:
            problems.append(f"gives {name!r} no default (real: {real[name]})")
        elif real[name] is None and default is not None:
            problems.append(f"gives {name!r} the default {default} (real: none)")
        elif default is not None and not same_default(default, real[name]):
            problems.append(f"shows {name}={default} (real: {name}={real[name]})")
    omitted = [n for n in real if n not in shown]
    if omitted:
        problems.append(f"omits {', '.join(omitted)}")
    if call.missing_commas:
        problems.append("misses commas between parameters")
    if problems:
        notes.append(
            f"{where}: the legacy signature {'; '.join(problems)}. Real: {_one_line(sig, api)}"
        )
    return notes


def _mentions(text: str, api: str) -> int:
    """How often the page names ``api`` by at least its last two components."""
    parts = api.split(".")
    tail = ".".join(parts[-2:]) if len(parts) >= 2 else api
    return len(re.findall(rf"(?<![A-Za-z0-9_]){re.escape(tail)}(?![A-Za-z0-9_])", text))


def _is_2d_variant(api: str, candidates: list[str]) -> bool:
    """``api`` ends in ``2d`` and another candidate is the same name with another dimension."""
    stem, n = re.subn(r"2d$", "", api)
    return bool(n) and any(re.fullmatch(rf"{re.escape(stem)}[13]d", c) for c in candidates)


def _jaccard(a: list[str], b: list[str]) -> float:
    sa, sb = set(a), set(b)
    return len(sa & sb) / len(sa | sb) if sa | sb else 0.0


def _panel_free_text(text: str) -> str:
    """The page without its panels (whose headers hold the wrong names)."""
    lines = text.split("\n")
    out: list[str] = []
    inside = False
    for line in lines:
        if line.startswith(".. panels::"):
            inside = True
            continue
        if inside and line.strip() and line[0] not in " \t":
            inside = False
        if not inside:
            out.append(line)
    return "\n".join(out)


@dataclass
class CheckedApis:
    """The APIs after checking them: names, real signatures, what could be checked."""

    panels: dict[str, Panel]
    apis: dict[str, str] = field(default_factory=dict)
    signatures: dict[str, Signature | None] = field(default_factory=dict)
    checked: dict[str, bool] = field(default_factory=dict)  # False: runtime unavailable, or
    # the API does not exist and nothing could replace it

    @property
    def frameworks(self) -> list[str]:
        """The frameworks, in the order of the panels (the reference first)."""
        return list(self.panels)

    def names(self, fw: str) -> list[str]:
        """The real parameter names of ``fw``'s API (none if its signature is unknown)."""
        sig = self.signatures.get(fw)
        return sig.names() if sig is not None else []

    def describe(self) -> str:
        """The APIs for a message: ``a or b (signature unknown)``."""
        return " or ".join(
            api if self.signatures[fw] is not None else f"{api} (signature unknown)"
            for fw, api in self.apis.items()
        )


def check_apis(
    page: LegacyPage, engine: SignatureSource, text: str, corrections: list[str], notes: list[str]
) -> CheckedApis:
    """Each panel's API against the real library, corrected when it does not exist."""
    panels: dict[str, Panel] = {}
    for panel in page.panels:
        if panel.framework in panels:
            notes.append(
                f"not mapped: a second {panel.framework} panel, {panel.api} (line {panel.line})"
            )
        else:
            panels[panel.framework] = panel
    if any(p.inferred for p in panels.values()):
        inferred = ", ".join(p.api for p in panels.values())
        others = [n for names in page.inferred_from.values() for n in names]
        notes.append(
            f"the page has no panels: the APIs ({inferred}) are the ones it names most"
            + (f"; it also names {', '.join(others)}" if others else "")
        )
    state = CheckedApis(panels)
    results = engine.signatures([(fw, p.api) for fw, p in panels.items()])
    page_text = _panel_free_text(text)
    for fw, panel in panels.items():
        result = results[(fw, panel.api)]
        state.apis[fw] = panel.api
        state.signatures[fw] = result.signature
        state.checked[fw] = result.unavailable is None
        if result.unavailable:
            notes.append(f"could not check {panel.api}: {result.unavailable}")
        elif result.error:
            fixed = _correct_api(panel, result, engine, page_text)
            if fixed is None:
                notes.append(
                    f"{panel.api} does not exist in {fw} ({result.error}) and no "
                    "correction was found: fix apis by hand"
                )
                state.checked[fw] = False
            else:
                best, signature, message = fixed
                corrections.append(message)
                state.apis[fw] = best
                state.signatures[fw] = signature
    return state


def _correct_api(
    panel: Panel, result: SignatureResult, engine: SignatureSource, page_text: str
) -> tuple[str, Signature | None, str] | None:
    """The real API a wrong header most likely means, its signature, and why."""
    fw = panel.framework
    candidates = list(result.suggestions)
    parts = panel.api.split(".")
    for k in range(len(parts) - 2, 0, -1):  # the same name in a parent module
        candidates.append(".".join([*parts[:k], parts[-1]]))
    candidates = list(dict.fromkeys(c for c in candidates if c != panel.api))
    found = engine.signatures([(fw, c) for c in candidates])
    real = [c for c in candidates if not found[(fw, c)].error and not found[(fw, c)].unavailable]
    if not real:
        return None
    legacy = panel.param_names()

    def score(c: str) -> tuple[int, float]:
        sig = found[(fw, c)].signature
        return _mentions(page_text, c), _jaccard(legacy, sig.names() if sig else [])

    # named on the page, then the parameters its code block shows; among variants that
    # differ only by dimension (InstanceNorm1d/2d/3d), the 2-D one; then the closest name
    ranked = sorted(
        real, key=lambda c: (*score(c), _is_2d_variant(c, real), -real.index(c)), reverse=True
    )
    best = ranked[0]
    mentions, match = score(best)
    tied = [c for c in ranked[1:] if score(c) == score(best)]
    if mentions and not tied:
        why = f"named elsewhere on the page, {mentions} time" + ("s" if mentions > 1 else "")
    elif match and not tied:
        why = "its parameters match the page's signature best"
    elif tied and _is_2d_variant(best, real):
        why = (
            "nothing on the page tells the 1-D/2-D/3-D variants apart: chose the 2-D one, check it"
        )
    else:
        why = "the closest name"
    others = [c for c in ranked[1:] if c in result.suggestions or c in tied]
    tail = f"; other candidates: {', '.join(others)}" if others else ""
    message = f"{panel.api} does not exist; using {best} ({why}{tail})"
    return best, found[(fw, best)].signature, message


def checked_title(page: LegacyPage, state: CheckedApis, corrections: list[str]) -> str:
    """The page title, unless it misspells the API or names another one."""
    title = page.title
    first = state.apis[state.frameworks[0]].rsplit(".", 1)[-1]
    real_shorts = {api.rsplit(".", 1)[-1] for fw, api in state.apis.items() if state.checked[fw]}
    for fw, panel in state.panels.items():
        wrong = panel.api.rsplit(".", 1)[-1]
        right = state.apis[fw].rsplit(".", 1)[-1]
        if (
            title == wrong
            and wrong != right
            and title not in real_shorts
            and norm(title) == norm(right)
        ):  # only a misspelling: Avg_Pool2d, LeakyRelu
            corrections.append(
                f"the title {page.raw_title!r} repeats the wrong name {wrong!r} "
                f"of {panel.api}; using {right!r}"
            )
            return right
    names = [panel.api for panel in state.panels.values()] + list(state.apis.values())
    if title and not any(title_names(title, api) for api in names):
        corrections.append(
            f"the title {page.raw_title!r} names neither "
            f"{' nor '.join(state.apis.values())}; using {first!r}"
        )
        return first
    return title or first


def panel_notes(state: CheckedApis) -> list[str]:
    """What the panels get wrong: signatures, links, and APIs no signature can be read of."""
    notes: list[str] = []
    for fw, panel in state.panels.items():
        api, signature = state.apis[fw], state.signatures[fw]
        notes += _signature_note(panel, api, signature, fw)
        wrong_refs = [r for r in panel.refs if r not in (panel.api, api)]
        if wrong_refs:
            notes.append(
                f"the {fw} panel (line {panel.line}) links to {', '.join(wrong_refs)}, not {api}"
            )
        if state.checked[fw] and signature is None:
            shown = ""
            call = parse_call(panel.signature) if panel.signature else None
            if call is not None and call.callee == panel.api:
                params = ", ".join(n if d is None else f"{n}={d}" for n, d in call.params)
                shown = f"; the page shows ({params})"
            notes.append(
                f"cannot introspect the signature of {api} (it takes *args, "
                f"**kwargs): give it under 'signatures:' after checking it{shown}"
            )
    return notes
