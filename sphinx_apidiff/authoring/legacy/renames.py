"""Renames a legacy page states in its prose ("X 对应 Y", "``p`` corresponds to ``drop_prob``").

No Sphinx imports here.
"""

from __future__ import annotations

import re

from sphinx_apidiff.authoring.legacy.page import Panel
from sphinx_apidiff.authoring.legacy.rst import IDENT

_FRAMEWORK_ALIASES = {
    "torch": ("pytorch", "torch"),
    "megengine": ("megengine", "mge"),
    "paddle": ("paddlepaddle", "paddle"),
    "tensorflow": ("tensorflow", "tf"),
    "mindspore": ("mindspore",),
    "jax": ("jax",),
}
_RENAME_WORDS = re.compile(
    r"对应|等价于|参数名|名称不同|名字不同|重命名|改名|correspond|renamed|is called|is named"
    r"|maps to|named differently|equivalent of",
    re.I,
)
_EXPLICIT_RENAME = re.compile(
    r"与之对应|对应于?|等价于|corresponds? to|is called|is named|maps to|is the equivalent of", re.I
)
_BACKTICKED = re.compile(r"``?\s*([A-Za-z_][A-Za-z0-9_]*)\s*``?")


def _framework_at(text: str, pos: int, frameworks: list[str]) -> str | None:
    """The framework named in ``text`` closest to ``pos``."""
    best: tuple[int, str] | None = None
    for fw in frameworks:
        for alias in _FRAMEWORK_ALIASES.get(fw, (fw,)):
            for m in re.finditer(
                rf"(?<![A-Za-z0-9_]){re.escape(alias)}(?![A-Za-z0-9_])", text, re.I
            ):
                distance = abs(m.start() - pos)
                if best is None or distance < best[0]:
                    best = (distance, fw)
    return best[1] if best else None


def find_renames(text: str, panels: list[Panel]) -> list[tuple[str, str]]:
    """Renames a paragraph states, as (name in panel 0's framework, name in panel 1's)."""
    if len(panels) < 2 or not _RENAME_WORDS.search(text):
        return []
    frameworks = [panels[0].framework, panels[1].framework]
    names = [set(panels[0].param_names()), set(panels[1].param_names())]
    aliases = {a for fw in frameworks for a in _FRAMEWORK_ALIASES.get(fw, (fw,))}
    found: list[tuple[str, str]] = []

    def pick(part: str, last: bool, base: int) -> tuple[str, int] | None:
        ticks = list(_BACKTICKED.finditer(part))
        if ticks:
            m = ticks[-1] if last else ticks[0]
            return m.group(1), base + m.start(1)
        bare = [
            m
            for m in IDENT.finditer(part)
            if m.group(0).lower() not in aliases
            and ("_" in m.group(0) or m.group(0) in names[0] | names[1])
        ]
        if not bare:
            return None
        m = bare[-1] if last else bare[0]
        return m.group(0), base + m.start()

    for sentence in re.split(r"(?<=[。；;!?！？])|(?<=\.)\s+", text):
        for m in _EXPLICIT_RENAME.finditer(sentence):
            left = pick(sentence[: m.start()], True, 0)
            right = pick(sentence[m.end() :], False, m.end())
            if left is None or right is None or left[0] == right[0]:
                continue
            fw_left = _framework_at(sentence[: m.start()], left[1], frameworks)
            fw_right = _framework_at(sentence[m.end() :], right[1] - m.end(), frameworks)
            if fw_left is None or fw_right is None or fw_left == fw_right:
                continue
            by_fw = {fw_left: left[0], fw_right: right[0]}
            found.append((by_fw[frameworks[0]], by_fw[frameworks[1]]))
    if found:
        return list(dict.fromkeys(found))
    # "dim 与 axis 仅参数名不一致": one name only the first signature has, one only the second
    tokens = set(IDENT.findall(text))
    only0 = tokens & (names[0] - names[1])
    only1 = tokens & (names[1] - names[0])
    if len(only0) == 1 and len(only1) == 1:
        return [(only0.pop(), only1.pop())]
    return []
