"""Build the guide and keep what a reader and a tool see, to show a change changes nothing.

    python tools/snapshot.py build OUT [-j N] [--language zh_CN] [--mode cache]
    python tools/snapshot.py compare BEFORE AFTER

``build`` runs a fresh ``sphinx-build -E`` of docs/ (its own empty execution
cache, so a live build really executes) and keeps every page's HTML without its
``<head>`` (asset checksums differ between builds) and ``apidiff.json``.
``compare`` exits 1 and prints the first differing lines of each file that differs.
"""

from __future__ import annotations

import argparse
import difflib
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HEAD = re.compile(r"<head>.*?</head>", re.S)
CHECKSUM = re.compile(r"\?v=[0-9a-f]{8,}")


def page_text(html: str) -> str:
    """A page as compared: no ``<head>``, no asset checksums."""
    return CHECKSUM.sub("", HEAD.sub("", html))


def build(args: argparse.Namespace) -> int:
    out = Path(args.out).resolve()
    if out.exists():
        shutil.rmtree(out)
    (out / "pages").mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="apidiff-snapshot-") as tmp:
        html = Path(tmp) / "html"
        command = [
            sys.executable,
            "-m",
            "sphinx",
            "-E",
            "-q",
            "-b",
            "html",
            "-j",
            str(args.jobs),
            "-d",
            str(Path(tmp) / "doctrees"),
            "-D",
            f"apidiff_cache_path={Path(tmp) / 'cache'}",
        ]
        if args.language:
            command += ["-D", f"language={args.language}"]
        if args.mode:
            command += ["-D", f"apidiff_execution_mode={args.mode}"]
        command += [str(ROOT / "docs"), str(html)]
        done = subprocess.run(command, check=False)
        if done.returncode:
            return done.returncode
        for page in sorted(html.rglob("*.html")):
            target = out / "pages" / page.relative_to(html)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(page_text(page.read_text(encoding="utf-8")), encoding="utf-8")
        shutil.copy(html / "apidiff.json", out / "apidiff.json")
    print(f"{out}: {len(list((out / 'pages').rglob('*.html')))} pages and apidiff.json")
    return 0


def compare(args: argparse.Namespace) -> int:
    before, after = Path(args.before), Path(args.after)
    names = sorted(
        {p.relative_to(before) for p in before.rglob("*") if p.is_file()}
        | {p.relative_to(after) for p in after.rglob("*") if p.is_file()}
    )
    differ = 0
    for name in names:
        a, b = before / name, after / name
        if not (a.is_file() and b.is_file()):
            print(f"{name}: only in {'the first' if a.is_file() else 'the second'}")
            differ += 1
            continue
        ta, tb = a.read_text(encoding="utf-8"), b.read_text(encoding="utf-8")
        if ta != tb:
            differ += 1
            diff = difflib.unified_diff(
                ta.splitlines(), tb.splitlines(), str(a), str(b), lineterm="", n=1
            )
            print("\n".join(list(diff)[:20]))
    print(f"{len(names)} files compared, {differ} differ")
    return 1 if differ else 0


def main() -> int:
    top = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    subs = top.add_subparsers(dest="command", required=True)
    p = subs.add_parser("build")
    p.add_argument("out")
    p.add_argument("-j", "--jobs", type=int, default=1)
    p.add_argument("--language")
    p.add_argument("--mode", choices=("auto", "force", "cache", "off"))
    p.set_defaults(func=build)
    p = subs.add_parser("compare")
    p.add_argument("before")
    p.add_argument("after")
    p.set_defaults(func=compare)
    args = top.parse_args()
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
