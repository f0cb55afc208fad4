"""What the command line writes: whole files or nothing, a progress bar on a terminal,
notes, and the errors that end a command with one line."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sphinx_apidiff.files import atomic_write


class UsageError(Exception):
    """Bad usage: exit code 2, one clear line."""


class PageError(Exception):
    """The input is wrong (a page, an API): exit code 1, one clear line."""


def note(message: str) -> None:
    """Tell the user something on stderr that is not a problem (the exit code stays)."""
    print(f"sphinx-apidiff: note: {message}", file=sys.stderr)


def shown(path: Path) -> Path:
    """``path`` as the user reads it: relative to the current folder when it is below it."""
    try:
        return path.resolve().relative_to(Path.cwd())
    except ValueError:
        return path


def check_output(path: str | None, force: bool) -> None:
    """Refuse early (before any work) an output that cannot or must not be written."""
    if path in (None, "-"):
        return
    target = Path(path)
    if target.exists() and not force:
        raise UsageError(f"{target} exists; use --force to overwrite it")
    if not target.parent.is_dir():
        raise UsageError(f"the folder {target.parent} does not exist")


def write_output(path: str | None, text: str, force: bool) -> None:
    """Write all of ``text`` or nothing (never a partial file); ``-`` or None: stdout."""
    if path in (None, "-"):
        sys.stdout.write(text)
        return
    check_output(path, force)
    target = atomic_write(path, text)
    print(f"wrote {target}", file=sys.stderr)


class Progress:
    """A one-line progress bar on stderr, only when it is a terminal."""

    def __init__(self, total: int, what: str) -> None:
        self.total, self.what, self.done = total, what, 0
        self.live = sys.stderr.isatty() and total > 0
        self.names: dict[str, str] = {}  # pair id -> file name, shown before an example's title

    def step(self, label: str) -> None:
        """Count one finished item and redraw the bar, showing ``label``."""
        self.done += 1
        if self.live:
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "." * (width - filled)
            sys.stderr.write(f"\r[{bar}] {self.done}/{self.total} {self.what} {label[:40]:<40}")
            sys.stderr.flush()

    def wrap(self, stream: Iterator[Any], total: int) -> Iterator[Any]:
        """Step once per finished example of ``stream`` (the pipeline's progress hook)."""
        for job, result in stream:
            self.step(
                f"{self.names[job.pair_id]}: {job.label}"
                if job.pair_id in self.names
                else job.label
            )
            yield job, result

    def close(self) -> None:
        """Clear the bar's line, so what is printed next starts clean."""
        if self.live:
            sys.stderr.write("\r" + " " * 100 + "\r")
            sys.stderr.flush()
