"""Hand-copied signatures of legacy pages, read tolerantly.

The panels of a legacy page show each API's signature as someone typed it:
``api(\n  a,\n  b=1\n  ** kwargs)``, with missing commas and stray spaces.
:func:`parse_call` reads what it says; nothing here checks it.

No Sphinx imports here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass
class LegacyCall:
    """A call as a page shows it: the callee and each parameter with its default as written."""

    callee: str | None
    params: list[tuple[str, str | None]]  # (name, default as written); "**x"/"*x" for var args
    missing_commas: bool = False


def parse_call(code: str) -> LegacyCall:
    """A hand-copied signature such as ``api(\\n  a,\\n  b=1\\n  ** kwargs)``, tolerantly."""
    text = code.strip()
    match = re.match(r"([A-Za-z_][\w.]*)\s*\(", text)
    if match is None:
        return LegacyCall(None, [])
    callee = match.group(1)
    inner_chars: list[str] = []
    depth = 0
    for ch in text[match.end() :]:
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            if depth == 0:
                break
            depth -= 1
        inner_chars.append(ch)
    pieces: list[str] = []
    current: list[str] = []
    depth = 0
    quote = ""
    for ch in "".join(inner_chars):
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            pieces.append("".join(current))
            current = []
            continue
        current.append(ch)
    pieces.append("".join(current))
    params: list[tuple[str, str | None]] = []
    missing_commas = False
    item = re.compile(r"^(\*{0,2})\s*([A-Za-z_]\w*)\s*(?::[^=]+)?(?:=\s*(.+?))?\s*$")
    for piece in pieces:
        parts = [p.strip() for p in piece.split("\n") if p.strip()]
        if len(parts) > 1 and all(item.match(p) for p in parts):
            missing_commas = True
        else:
            parts = [" ".join(parts)] if parts else []
        for part in parts:
            if part in ("*", "/"):
                continue
            found = item.match(part)
            if found is None:
                continue
            stars, name, default = found.groups()
            params.append((f"{stars}{name}" if stars else name, default))
    return LegacyCall(callee, params, missing_commas)
