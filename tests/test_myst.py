"""rST and MyST give the same page.

The directive builds nodes; only the prose is parsed, in the host markup.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from .conftest import build_root, warnings_of

pytestmark = pytest.mark.megengine  # every test here runs the real MegEngine


def _normalized(app, docname):
    doctree = app.env.get_and_resolve_doctree(docname, app.builder)
    text = doctree.pformat()
    # where the nodes came from differs by design (.rst vs .md); nothing else may
    return re.sub(r' (source|line)="[^"]*"', "", text).splitlines()[1:]


def test_rst_and_myst_give_the_same_doctree(rootdir, tmp_path):
    shutil.copytree(rootdir / "test-myst", tmp_path / "myst")
    shutil.copytree(rootdir / "test-basic" / "pairs", tmp_path / "myst" / "pairs")
    myst = build_root(rootdir, "myst", tmp_path)
    rst = build_root(rootdir, "basic", tmp_path)
    try:
        assert warnings_of(myst) == []
        assert _normalized(myst, "instance_norm") == _normalized(rst, "instance_norm")
        myst_page = (myst.outdir / "inline.html").read_text(encoding="utf-8")
        assert "relu differences" in myst_page and "Same function." in myst_page
        assert "comparison-relu-inline" in myst.env.domaindata["std"]["labels"]
    finally:
        myst.cleanup()
        rst.cleanup()


def test_inline_yaml_warning_points_into_the_markdown_file(rootdir, tmp_path):
    shutil.copytree(rootdir / "test-myst", tmp_path / "myst")
    (tmp_path / "myst" / "inline.md").write_text(
        "# Inline pair\n\n```{apidiff}\napis:\n  torch: torch.nn.functional.relu\n"
        "  megengine: megengine.functional.nn.relu\nsumary: typo\n```\n",
        encoding="utf-8",
    )
    (tmp_path / "myst" / "index.md").write_text(
        "# T\n\n```{toctree}\ninline\n```\n", encoding="utf-8"
    )
    (tmp_path / "myst" / "instance_norm.md").unlink()
    app = build_root(rootdir, "myst", tmp_path)
    app.cleanup()
    [warning] = [w for w in warnings_of(app) if "apidiff" in w]
    assert re.search(r"inline\.md:7: WARNING: sumary: unknown key", warning), warning


DOCS = Path(__file__).resolve().parent.parent / "docs"


def _docs_block(language, starts):
    """The code block of docs/writing.rst in ``language`` whose first line is ``starts``."""
    text = (DOCS / "writing.rst").read_text(encoding="utf-8")
    for block in text.split(f".. code-block:: {language}\n\n")[1:]:
        lines = []
        for line in block.splitlines():
            if line and not line.startswith("   "):
                break
            lines.append(line[3:])
        code = "\n".join(lines).strip() + "\n"
        if code.startswith(starts):
            return code
    raise AssertionError(f"docs/writing.rst shows no {language} block starting {starts!r}")


def test_the_docs_table_example_and_its_myst_twin_give_the_same_table(rootdir, tmp_path):
    """docs/writing.rst shows apidiff-table in reStructuredText and in MyST: the two
    snippets, as the docs give them, build the same table."""
    rst = _docs_block("rst", ".. apidiff-table::")
    myst = _docs_block("markdown", "```{apidiff-table}")
    src = tmp_path / "myst"
    shutil.copytree(rootdir / "test-myst", src)
    shutil.copytree(rootdir / "test-basic" / "pairs", src / "pairs")
    (src / "table_rst.rst").write_text("Table\n=====\n\n" + rst, encoding="utf-8")
    (src / "table_md.md").write_text("# Table\n\n" + myst, encoding="utf-8")
    index = (src / "index.md").read_text(encoding="utf-8")
    (src / "index.md").write_text(index.replace("inline\n", "inline\ntable_rst\ntable_md\n"))
    app = build_root(rootdir, "myst", tmp_path)
    app.cleanup()
    assert warnings_of(app) == []
    table = _normalized(app, "table_rst")
    assert table[-1].strip() == "No comparison pages."  # the filters hold: no pair here matches
    assert _normalized(app, "table_md") == table  # MyST reads the options alike
