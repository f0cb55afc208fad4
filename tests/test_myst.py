"""rST and MyST give the same page.

The directive builds nodes; only the prose is parsed, in the host markup.
"""

from __future__ import annotations

import re
import shutil

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
