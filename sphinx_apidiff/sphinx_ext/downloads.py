"""The downloads of a page: each example's script per framework, the page's notebooks.

After the pairs of the pages read in this build are analysed (``env-updated``, in the
main process), :func:`write_downloads` writes their files under the doctree directory
(build state: kept for incremental builds, never in the sources) and registers each in
Sphinx's own table of downloads, ``env.dlfiles``, as a ``:download:`` target would be.
The HTML builder copies them to ``_downloads/`` with every other download; Sphinx
purges a page's entries when it reads the page again, and merges them across parallel
readers. :func:`download_links` then gives the links, in builders that offer downloads
only, so a text or LaTeX build shows none.
"""

from __future__ import annotations

import os
from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.environment import BuildEnvironment
from sphinx.errors import SphinxWarning

from sphinx_apidiff.execution.downloads import Titled, notebook_file, script_code, script_file
from sphinx_apidiff.files import atomic_write
from sphinx_apidiff.model.spec import prose_text
from sphinx_apidiff.sphinx_ext.config import ApidiffConfig
from sphinx_apidiff.sphinx_ext.located import internal
from sphinx_apidiff.sphinx_ext.nodes import PairEntry, get_pairs

#: The folder of the doctree directory that holds the files.
FOLDER = "apidiff-downloads"


def _folder(env: BuildEnvironment, docname: str) -> Path:
    return Path(env.doctreedir, FOLDER, docname)


def _target(env: BuildEnvironment, path: Path) -> Path:
    """A file as ``env.dlfiles`` names it: relative to the source directory."""
    return Path(os.path.relpath(path, env.srcdir))


def script_path(env: BuildEnvironment, entry: PairEntry, index: int, framework: str) -> Path:
    """Where the script of an example in a framework is written."""
    name = f"{entry.spec.id}-example-{index + 1}-{framework}.py"
    return _folder(env, entry.docname) / name


def notebook_path(env: BuildEnvironment, docname: str, framework: str) -> Path:
    """Where a page's notebook of a framework is written."""
    return _folder(env, docname) / f"{Path(docname).name}-{framework}.ipynb"


def page_frameworks(entries: list[PairEntry]) -> list[str]:
    """The frameworks with code on a page (those it has a notebook of), in the pairs' order."""
    return list(dict.fromkeys(fw for e in entries for fw in e.spec.apis if _has_code(e, fw)))


def _has_code(entry: PairEntry, framework: str) -> bool:
    return any(framework in example.code for example in entry.spec.examples)


def _expected(env: BuildEnvironment, docname: str, entries: list[PairEntry]) -> list[Path]:
    """Where every download of a page is written."""
    scripts = [
        script_path(env, e, index, fw)
        for e in entries
        for index, example in enumerate(e.spec.examples)
        for fw in example.code
    ]
    return scripts + [notebook_path(env, docname, fw) for fw in page_frameworks(entries)]


def _files(env: BuildEnvironment, docname: str, entries: list[PairEntry]) -> dict[Path, str]:
    """Every download of a page, by where it is written: its text."""
    cfg = ApidiffConfig.from_sphinx(env.config)
    language = env.config.language
    where = f"the page {docname}"
    files: dict[Path, str] = {}
    cells: dict[str, list[Titled]] = {fw: [] for fw in page_frameworks(entries)}
    for entry in entries:
        assert entry.analysis is not None
        title = prose_text(entry.spec.title, language) or entry.spec.id
        for index, example in enumerate(entry.spec.examples):
            own = prose_text(example.title, language)
            heading = f"{title}, example {index + 1}" + (f": {own}" if own else "")
            for fw in example.code:
                code = script_code(example, fw, entry.analysis.factories.get(fw))
                item = Titled(heading, code)
                files[script_path(env, entry, index, fw)] = script_file(item, cfg.label(fw), where)
                cells.setdefault(fw, []).append(item)
    page = env.titles[docname].astext() if docname in env.titles else docname
    for fw, items in cells.items():
        files[notebook_path(env, docname, fw)] = notebook_file(page, items, cfg.label(fw))
    return files


def _registered(env: BuildEnvironment, docname: str, paths: list[Path]) -> bool:
    """Are a page's downloads written and in ``env.dlfiles`` (kept from an earlier build)?"""
    for path in paths:
        found = env.dlfiles.get(_target(env, path))
        if found is None or docname not in found[0] or not path.exists():
            return False
    return True


def write_downloads(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """Write and register the downloads of every page whose pairs have none yet (the
    pages read in this build)."""
    for docname, entries in get_pairs(env).items():
        if not entries or any(e.analysis is None for e in entries):
            continue
        if _registered(env, docname, _expected(env, docname, entries)):
            continue
        try:
            for path, text in _files(env, docname, entries).items():
                path.parent.mkdir(parents=True, exist_ok=True)
                if not path.exists() or path.read_text(encoding="utf-8") != text:
                    atomic_write(path, text)  # unchanged files keep their time
                env.dlfiles.add_file(docname, _target(env, path))
        except SphinxWarning:
            raise
        except Exception as exc:  # the page keeps everything but its downloads
            internal(exc, "writing its downloads", entries[0].spec.location(None))
    return []


def download_links(
    env: BuildEnvironment, builder_downloads: bool, paths: dict[str, Path], labels: dict[str, str]
) -> list[nodes.Node]:
    """Links to the files at ``paths`` (framework -> file), each named by its framework's
    label and its suffix; none where the builder offers no downloads or a file is not
    registered."""
    if not builder_downloads:
        return []
    links: list[nodes.Node] = []
    for fw, path in paths.items():
        found = env.dlfiles.get(_target(env, path))
        if found is None:
            continue
        text = f"{labels.get(fw, fw)} ({path.suffix})"
        link = addnodes.download_reference(
            "", "", reftarget=_target(env, path).as_posix(), filename=found[1].as_posix()
        )
        link += nodes.inline(text, text, classes=["xref", "download"])
        links += [nodes.Text(" · ") if links else nodes.Text(" "), link]
    return links
