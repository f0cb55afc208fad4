"""``sphinx-apidiff schema``: the JSON Schema of pair files, for editors, and the
project's copy of it that a draft's first line names."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from sphinx_apidiff.authoring.output import UsageError, note, shown
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model.schema import SCHEMA_NAME, json_schema

if TYPE_CHECKING:  # the options and the engine: not needed to print the schema
    from sphinx_apidiff.authoring.project import Project


def schema_text() -> str:
    """The JSON Schema of pair files, as ``sphinx-apidiff schema`` prints it."""
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def print_schema(args: argparse.Namespace) -> int:
    """``sphinx-apidiff schema [-o FILE]``: the JSON Schema of pair files, for editors."""
    if args.output in (None, "-"):
        sys.stdout.write(schema_text())
        return 0
    target = Path(args.output)
    if not target.parent.is_dir():
        raise UsageError(f"the folder {target.parent} does not exist")
    # a derived file, rewritten whole: refreshing it after an upgrade needs no --force
    print(f"wrote {atomic_write(target, schema_text())}", file=sys.stderr)
    return 0


class LocalSchema:
    """The project's copy of the schema that a draft's first line names, so that editors
    (yaml-language-server: VS Code's YAML extension, Neovim, Helix, ...) find it with no
    network: ``apidiff.schema.json`` in the conf dir (none: the draft's folder), named
    relative to the draft, which is how yaml-language-server resolves the comment."""

    def __init__(self, project: Project, output: Path | None) -> None:
        folder = project.confdir or (output.parent if output else Path())
        self.path = folder / SCHEMA_NAME
        self.output = output
        base = (output.parent if output else Path()).resolve()
        try:
            self.ref = Path(os.path.relpath(self.path.resolve(), base)).as_posix()
        except ValueError:  # another drive (Windows): an absolute path still resolves
            self.ref = self.path.resolve().as_uri()

    def write(self) -> None:
        """Write the schema there when it is missing or is not the installed version's."""
        if self.output is None:
            note(
                f"the draft names the schema {self.ref}, relative to the current folder, as "
                "editors read it relative to the file: save the draft here, or use -o FILE"
            )
        text = schema_text()
        try:
            if self.path.read_text(encoding="utf-8") == text:
                return
        except (OSError, UnicodeDecodeError):
            pass
        try:
            atomic_write(self.path, text)
        except OSError as exc:
            note(f"cannot write {shown(self.path)} ({exc}): run sphinx-apidiff schema -o FILE")
            return
        note(f"wrote {shown(self.path)}: the JSON Schema the draft's first line names")
