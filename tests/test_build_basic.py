"""The InstanceNorm page and friends, built from YAML against the real torch and MegEngine."""

from __future__ import annotations

import json
import re

import pytest
from docutils import nodes

from .conftest import build_root, root_fixture, status_of, unbroken, warnings_of

app = root_fixture("basic")


@pytest.fixture(scope="module")
def report(app):
    return json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))


def pair(report, pair_id):
    return next(p for p in report["pairs"] if p["id"] == pair_id)


def row(pair_data, framework, name):
    return next(r for r in pair_data["params"] if r["names"].get(framework) == name)


@pytest.mark.megengine
def test_builds_without_warnings(app):
    assert warnings_of(app) == []


@pytest.mark.megengine
def test_instance_norm_facts_from_real_signatures(report):
    p = pair(report, "instance-norm")
    assert p["apis"] == {
        "torch": "torch.nn.InstanceNorm2d",
        "megengine": "megengine.module.InstanceNorm",
    }
    assert p["versions"]["torch"].startswith("2.13.0")
    assert p["versions"]["megengine"] == "1.13.0"
    assert p["source"] == "pairs/instance_norm.yaml"
    assert p["docname"] == "instance_norm"
    # the rename, declared in the YAML
    assert row(p, "torch", "num_features") == {
        "names": {"torch": "num_features", "megengine": "num_channels"},
        "defaults": {"torch": None, "megengine": None},
        "tags": ["renamed"],
    }
    # the default difference the legacy page missed: matched by name, found by introspection
    affine = row(p, "torch", "affine")
    assert affine["defaults"] == {"torch": "False", "megengine": "True"}
    assert affine["tags"] == ["default"]
    assert row(p, "torch", "momentum")["defaults"]["torch"] == "0.1"
    assert row(p, "torch", "momentum")["tags"] == ["missing:megengine"]
    assert row(p, "torch", "track_running_stats")["tags"] == ["missing:megengine"]
    for ignored in ("device", "dtype"):
        assert row(p, "torch", ignored)["tags"] == ["missing:megengine"]
    # MegEngine's **kwargs is not a parameter
    assert not any(r["names"].get("megengine") == "kwargs" for r in p["params"])
    assert p["category"] == "missing-params"


@pytest.mark.megengine
def test_builtin_signature_from_docstring(report):
    p = pair(report, "cat")
    assert row(p, "torch", "tensors")["names"]["megengine"] == "inps"
    assert row(p, "torch", "dim")["names"]["megengine"] == "axis"
    assert row(p, "torch", "out")["tags"] == ["missing:megengine"]
    # out is ignored for the category; axis/dim is a rename and MegEngine's extras are
    # ignored too, so a rename is all that is left
    assert p["category"] == "renamed"


@pytest.mark.megengine
def test_page_shows_panels_badge_sections(app):
    html = (app.outdir / "instance_norm.html").read_text(encoding="utf-8")
    assert 'id="comparison-instance-norm"' in html
    assert "InstanceNorm differences" in html
    # two cards side by side in a sphinx-design grid
    assert html.count("sd-card-header") >= 2
    assert "sd-row-cols-md-2" in html
    # introspected signature, one parameter per line, and the installed version
    assert "track_running_stats" in html and "1.13.0" in html
    assert "torch.nn.Dropout" not in html
    # links to the official docs, without network
    assert "https://pytorch.org/docs/stable/generated/torch.nn.InstanceNorm2d.html" in html
    assert "megengine.module.InstanceNorm.html" in html
    assert "More parameters in PyTorch" in html and "sd-badge" in html
    assert "Usage differences" in html and "Parameter differences" in html and "Examples" in html
    # order of the page: panels, category, usage, params, examples
    positions = [
        html.index(s)
        for s in (
            "sd-card-header",
            "apidiff-category",
            "Usage differences",
            "Parameter differences",
            "Examples",
        )
    ]
    assert positions == sorted(positions)


def test_label_and_toc(app):
    labels = app.env.domaindata["std"]["labels"]
    assert labels["comparison-instance-norm"][0] == "instance_norm"
    assert labels["comparison-relu-inline"][0] == "inline"
    doctree = app.env.get_doctree("instance_norm")
    titles = [t.astext() for t in doctree.findall(nodes.title)]
    assert titles[:3] == ["InstanceNorm differences", "Usage differences", "Parameter differences"]
    # a subsection per noted parameter
    assert "num_features / num_channels" in titles and "track_running_stats" in titles


def test_no_title_option_and_inline_yaml(app):
    cat = app.env.get_doctree("cat")
    assert next(t.astext() for t in cat.findall(nodes.title)) == "Concatenation"
    inline = (app.outdir / "inline.html").read_text(encoding="utf-8")
    assert "relu differences" in inline and "Same function." in inline


@pytest.mark.megengine
def test_example_executed_with_real_numbers(report, app):
    ex = pair(report, "instance-norm")["examples"][0]
    assert ex["status"] == "match"
    y = ex["results"]["y"]
    assert y["shapes"] == {"torch": [2, 3, 8, 8], "megengine": [2, 3, 8, 8]}
    assert y["dtypes"] == {"torch": "float32", "megengine": "float32"}
    # a deviation was measured (a number, not None); 0.0 is a legitimate measurement
    assert isinstance(y["max_abs"], float) and 0 <= y["max_abs"] < 1e-5 and y["passed"] is True
    assert "apidiff: 2 examples: 2 run, 0 cached, 2 matched, 0 differed, 0 errored" in status_of(
        app
    )


@pytest.mark.megengine
def test_rebuild_with_nothing_changed_starts_no_worker(app):
    from sphinx.testing.util import SphinxTestApp

    again = SphinxTestApp("html", srcdir=app.srcdir)
    try:
        again.build()
        assert "no example needed executing" in status_of(again)
        engine = again._apidiff_engine
        assert (engine.worker_starts, engine.warm_workers) == (0, 0)  # none started, none leased
    finally:
        again.cleanup()


def _overview_rows(html):
    table = html[html.index("apidiff-overview") :]
    table = table[: table.index("</table>")]
    table = unbroken(table)
    return [re.sub(r"<[^>]+>", " ", "<tr" + row).split() for row in table.split("<tr")[2:]]


@pytest.mark.megengine
def test_overview_table_lists_every_pair_sorted_and_linked(app):
    html = (app.outdir / "index.html").read_text(encoding="utf-8")
    rows = _overview_rows(html)
    assert [r[0] for r in rows] == [
        "torch.cat",
        "torch.nn.InstanceNorm2d",
        "torch.nn.functional.relu",
    ]
    assert 'href="instance_norm.html#comparison-instance-norm"' in html
    assert "megengine.module.InstanceNorm" in rows[1] and "match" in rows[1]
    # one version per framework in the whole project: said once, in the header
    header = html[html.index("apidiff-overview") :].split("</thead>")[0]
    assert "PyTorch 2.13.0" in header and "MegEngine 1.13.0" in header


@pytest.mark.megengine
def test_overview_table_filter_and_incremental_update(rootdir, tmp_path):
    from sphinx.testing.util import SphinxTestApp

    first = build_root(rootdir, "basic", tmp_path)
    first.cleanup()
    index = first.srcdir / "index.rst"
    index.write_text(
        index.read_text(encoding="utf-8").replace(
            ":sort: reference", ":sort: reference\n   :category: missing-params"
        ),
        encoding="utf-8",
    )
    pair = first.srcdir / "pairs" / "cat.yaml"
    pair.write_text(pair.read_text(encoding="utf-8") + "category: usage\n", encoding="utf-8")
    again = SphinxTestApp("html", srcdir=first.srcdir)
    again.build()
    again.cleanup()
    rows = _overview_rows((again.outdir / "index.html").read_text(encoding="utf-8"))
    assert [r[0] for r in rows] == ["torch.nn.InstanceNorm2d", "torch.nn.functional.relu"]
    # editing only a pair page (not the page with the table) updates the table too
    pair.write_text(
        pair.read_text(encoding="utf-8").replace("category: usage\n", "category: missing-params\n")
    )
    index.write_text(index.read_text(encoding="utf-8"))
    third = SphinxTestApp("html", srcdir=first.srcdir)
    third.build()
    third.cleanup()
    rows = _overview_rows((third.outdir / "index.html").read_text(encoding="utf-8"))
    assert rows[0][0] == "torch.cat"


@pytest.mark.megengine
def test_editing_a_pair_rereads_exactly_its_pages(rootdir, tmp_path):
    from sphinx.testing.util import SphinxTestApp

    first = build_root(rootdir, "basic", tmp_path)
    first.cleanup()
    pair = first.srcdir / "pairs" / "cat.yaml"
    pair.write_text(pair.read_text(encoding="utf-8") + "summary: Edited.\n", encoding="utf-8")
    again = SphinxTestApp("html", srcdir=first.srcdir)
    again.build()
    again.cleanup()
    status = status_of(again)
    read = set(re.findall(r"reading sources\.\.\. \[\s*\d+%\] (\S+)", status))
    # the page that includes the YAML, and the page whose overview table lists it
    assert read == {"cat", "index"}, status
    assert "1 example: 0 run, 1 cached" in status
