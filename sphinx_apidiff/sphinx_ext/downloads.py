"""The downloads of a page: each example's script per framework, the page's notebooks.

The files are written when the page is rendered, by the builder that writes it, into
``_downloads/apidiff/<docname>/`` of the output, where Sphinx puts every download; the
links are Sphinx's own ``download_reference`` nodes, pointing there. A page and its
files are thus written together: in parallel builds (whichever process renders the
page), in incremental builds (a page not written again keeps its files), and for pages
rendered from the results store (the code is known from the pair file alone). Their
addresses do not depend on where the build keeps its state, so a page built twice is
the same page. Builders that offer no downloads (text, LaTeX, EPUB) get neither files
nor links.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from docutils import nodes
from sphinx import addnodes

from sphinx_apidiff.execution.downloads import Titled, notebook_file, script_code, script_file
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model.anchors import example_anchor
from sphinx_apidiff.model.example import ExampleSpec
from sphinx_apidiff.model.spec import prose_text
from sphinx_apidiff.sphinx_ext.nodes import PairEntry

#: Where the files go, under the builder's ``_downloads`` folder.
FOLDER = "apidiff"


def offers_downloads(builder: Any) -> bool:
    """Does the builder write HTML pages that link downloads?"""
    return builder.format == "html" and bool(getattr(builder, "download_support", False))


def page_frameworks(entries: list[PairEntry]) -> list[str]:
    """The frameworks with code on a page (those it has a notebook of), in the pairs' order."""
    return list(
        dict.fromkeys(
            fw
            for e in entries
            for fw in e.spec.apis
            if any(fw in example.code for example in e.spec.examples)
        )
    )


def _titled(entry: PairEntry, index: int, framework: str, language: str | None) -> Titled:
    """An example's script code, under the pair's title and the example's."""
    example: ExampleSpec = entry.spec.examples[index]
    title = prose_text(entry.spec.title, language) or entry.spec.id
    own = prose_text(example.title, language)
    heading = f"{title}, example {index + 1}" + (f": {own}" if own else "")
    assert entry.analysis is not None
    return Titled(heading, script_code(example, framework, entry.analysis.factories.get(framework)))


def _write(builder: Any, name: str, text: str) -> str:
    """Write a file under ``_downloads/apidiff`` (unless it holds ``text`` already, so an
    unchanged file keeps its time); its name for a ``download_reference``."""
    filename = f"{FOLDER}/{name}"
    path = Path(builder.outdir, "_downloads", filename)
    path.parent.mkdir(parents=True, exist_ok=True)
    if not path.is_file() or path.read_text(encoding="utf-8") != text:
        atomic_write(path, text)
    return filename


def _link(filename: str, text: str) -> addnodes.download_reference:
    link = addnodes.download_reference("", "", reftarget=filename, filename=filename)
    link += nodes.inline(text, text, classes=["xref", "download"])
    return link


def _links(files: dict[str, str], labels: dict[str, str]) -> list[nodes.Node]:
    """``PyTorch (.py) · MegEngine (.py)``: the links to ``files`` (framework -> name)."""
    out: list[nodes.Node] = []
    for fw, filename in files.items():
        out += [nodes.Text(" · " if out else " ")]
        out.append(_link(filename, f"{labels.get(fw, fw)} ({Path(filename).suffix})"))
    return out


def example_links(
    builder: Any, entry: PairEntry, index: int, labels: dict[str, str], language: str | None
) -> list[nodes.Node]:
    """Write the example's script in each framework with code; the links to them."""
    where = f"the page {entry.docname}"
    files = {}
    for fw in entry.spec.examples[index].code:
        text = script_file(_titled(entry, index, fw, language), labels.get(fw, fw), where)
        name = f"{entry.docname}/{example_anchor(entry.spec.id, index + 1)}-{fw}.py"
        files[fw] = _write(builder, name, text)
    return _links(files, labels)


def notebook_links(
    builder: Any,
    docname: str,
    title: str,
    entries: list[PairEntry],
    labels: dict[str, str],
    language: str | None,
) -> list[nodes.Node]:
    """Write the page's notebook in each framework (its examples, a cell each); the
    links to them."""
    files = {}
    for fw in page_frameworks(entries):
        items = [
            _titled(entry, index, fw, language)
            for entry in entries
            for index, example in enumerate(entry.spec.examples)
            if fw in example.code and entry.analysis is not None
        ]
        text = notebook_file(title, items, labels.get(fw, fw))
        files[fw] = _write(builder, f"{docname}/{Path(docname).name}-{fw}.ipynb", text)
    return _links(files, labels)
