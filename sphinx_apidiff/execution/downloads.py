"""An example's runnable code, and the files a reader takes away: a script per example
and framework, a notebook per page and framework.

:func:`runnable_code` is the one rule for the code a page shows: the lines that make
the inputs (:func:`~sphinx_apidiff.execution.inputs.prelude`), the code run around the
snippet (:mod:`~sphinx_apidiff.execution.autodiff`) and the snippet itself, the parts
the worker runs. A script is that code whole, with lines that print the compared values;
a notebook holds the scripts of a page's examples, a cell each. Neither needs a run: the
code is known from the pair file alone.

No Sphinx imports here.
"""

from __future__ import annotations

from dataclasses import dataclass

from nbformat import v4

from sphinx_apidiff.execution.autodiff import GRADS, finish_code, needs_code, setup_code
from sphinx_apidiff.execution.inputs import prelude
from sphinx_apidiff.model.example import Code, ExampleSpec

#: What a notebook says it runs in: any Python 3 kernel.
KERNEL = {"name": "python3", "display_name": "Python 3", "language": "python"}


def runnable_code(
    example: ExampleSpec, framework: str, factory: str | None, code: Code | None = None
) -> str:
    """The snippet of ``framework`` (or ``code`` in its place: a recipe's) with the code
    that makes its inputs and the code run around it: ready to paste, and what ran."""
    snippet = code if code is not None else example.code[framework]
    parts = [prelude(example.inputs, example.seed, framework, factory)]
    if needs_code(example):
        parts.append(setup_code(example, framework))
    parts.append(snippet.text.rstrip())
    if example.grad is not None:
        parts.append(finish_code(example, framework))
    return "\n\n".join(part for part in parts if part)


def script_code(example: ExampleSpec, framework: str, factory: str | None) -> str:
    """The runnable code, then lines that print the values the build compares."""
    lines = [f'print("{name}:", {name})' for name in example.compare]
    if example.grad is not None:
        lines += [f"for label, value in {GRADS}.items():", '    print(label + ":", value)']
    code = runnable_code(example, framework, factory)
    return code + "\n\n" + "\n".join(lines) if lines else code


@dataclass(frozen=True)
class Titled:
    """An example's code under its heading, for a script's head or a notebook's cell."""

    heading: str  # "sigmoid, example 1: The gradient of an input"
    code: str


def script_file(item: Titled, label: str, where: str) -> str:
    """A script as downloaded: what it is, in comments, then its code."""
    head = [f"# {line}".rstrip() for line in item.heading.splitlines() or [""]]
    head.append(f"# The {label} code of {where}, with the compared values printed.")
    return "\n".join(head) + "\n\n" + item.code + "\n"


def notebook_file(title: str, items: list[Titled], label: str) -> str:
    """A page's examples in one notebook (nbformat 4): a heading, then per example its
    title and its code, cells that run in order in one kernel."""
    cells = [v4.new_markdown_cell(f"# {title} ({label})")]
    cells[0]["id"] = "title"
    for number, item in enumerate(items, start=1):
        heading = v4.new_markdown_cell(f"## {item.heading}")
        heading["id"] = f"example-{number}"
        code = v4.new_code_cell(item.code)
        code["id"] = f"example-{number}-code"  # stable ids: the same file every build
        cells += [heading, code]
    book = v4.new_notebook(cells=cells, metadata={"kernelspec": KERNEL})
    book.metadata["language_info"] = {"name": "python"}
    return v4.writes(book) + "\n"  # new_notebook validated it
