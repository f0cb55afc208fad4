"""A page of four frameworks (torch, MegEngine, Paddle, JAX: ``tests/roots/test-nway``):
the parameter table with a cell per framework, one badge per per-framework kind, each
value's agreement, and the overview's "differs in", from what the four frameworks give.
"""

from __future__ import annotations

import re
import shutil

import pytest

from .conftest import megengine_missing

FWS = ["torch", "megengine", "paddle", "jax"]
@pytest.fixture(scope="module")
def site(rootdir, tmp_path_factory):
    from sphinx.testing.util import SphinxTestApp

    if megengine_missing() is not None:
        pytest.skip(f"needs MegEngine: {megengine_missing()}")
    src = tmp_path_factory.mktemp("nway") / "src"
    shutil.copytree(rootdir / "test-nway", src)
    app = SphinxTestApp("html", srcdir=src)
    app.build()
    yield app
    app.cleanup()


def html(site, page: str) -> str:
    return re.sub(r"\s+", " ", (site.outdir / page).read_text(encoding="utf-8"))


def text_of(fragment: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", fragment)).strip()


@pytest.mark.megengine
def test_parameter_table_has_a_cell_per_framework(site):
    page = html(site, "softmax.html")
    [table] = re.findall(r'<table class="[^"]*apidiff-params-nway.*?</table>', page)
    header = [text_of(th) for th in re.findall(r"<th.*?</th>", table)]
    assert header == ["PyTorch", "MegEngine", "PaddlePaddle", "JAX", "Differences"]
    rows = [
        [text_of(td) for td in re.findall(r"<td.*?</td>", tr)]
        for tr in re.findall(r"<tr.*?</tr>", table)
    ]
    rows = [row for row in rows if row]
    assert ["dim=None", "axis=None", "axis=-1", "axis=-1", "renamed default differs"] in rows
    # the note below its parameter, across the table
    assert re.search(r'<td class="apidiff-note" colspan="5">.*?Axis along which', table)
    assert ["_stacklevel=3", "—", "—", "—", "—"] in rows  # no tag for what the cells say
    assert "not in" not in text_of(table)


@pytest.mark.megengine
def test_one_badge_per_kind_of_many_frameworks(site):
    page = html(site, "softmax.html")
    [line] = re.findall(r'<p class="apidiff-category.*?</p>', page)
    assert text_of(line).count("parameters missing") == 1
    assert "parameters missing in every framework" in text_of(line)


@pytest.mark.megengine
def test_each_value_says_who_agrees_with_whom(site):
    page = html(site, "cumsum.html")
    lines = [text_of(p) for p in re.findall(r'<p class="apidiff-agreement">.*?</p>', page)]
    assert lines[:2] == ["rows: all four agree", "cols: all four agree"]
    assert "c: PyTorch = PaddlePaddle; MegEngine = JAX" in lines
    folded = re.findall(r"<details.*?</details>", page)
    matrices = [d for d in folded if "Deviations between each two frameworks" in d]
    assert len(matrices) >= 2 and "c: max abs. deviation" in " ".join(matrices)


@pytest.mark.megengine
def test_overview_says_which_frameworks_differ(site):
    page = html(site, "index.html")
    [table, _two_way] = re.findall(r'<table class="[^"]*apidiff-overview.*?</table>', page)
    header = [text_of(th) for th in re.findall(r"<th.*?</th>", table)]
    assert "Differs in" in header
    column = header.index("Differs in")
    rows = [
        [text_of(td) for td in re.findall(r"<td.*?</td>", tr)]
        for tr in re.findall(r"<tr.*?</tr>", table)
    ]
    cells = {row[0].replace(" ", ""): row[column] for row in rows if row}
    assert cells == {"torch.cumsum": "MegEngine, JAX", "torch.nn.functional.softmax": "—"}


@pytest.mark.megengine
def test_a_table_keeps_the_pairs_of_exactly_its_frameworks(site):
    """``:frameworks:`` splits a project's pairs by their frameworks (in any order): the
    four-way table has no two-way pair, the two-way table no four-way pair."""
    page = html(site, "index.html")
    tables = re.findall(r'<table class="[^"]*apidiff-overview.*?</table>', page)
    apis = [
        sorted(text_of(td).replace(" ", "") for td in re.findall(r"<tr.*?</tr>", t)[1:])
        for t in tables
    ]
    assert [len(rows) for rows in apis] == [2, 1]
    assert "torch.abs" in apis[1][0] and "megengine.functional.abs" in apis[1][0]
    assert not any("torch.abs" in row for row in apis[0])
