"""The project's own guide: it builds live without a warning, and from the committed store.

These build ``docs/`` itself (every pair of the guide): a pair whose example stops
agreeing, or a results store left stale after editing a pair, fails here. The live
build refreshes a copy of the committed store (``make store``): on any machine it
must rewrite no file, since stored results are compared by the store's own rule
(verdicts exactly, deviations to 3 significant digits or within the tolerance).
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from sphinx_apidiff.model.signature import same_default

from .conftest import status_of, warnings_of
from .machines import perturb_store, report_disagreements, store_changes

# every test here runs the real MegEngine; the guide builds as `make html` builds it, cold
# (in the suite that was faster than with the run's warm workers: 103 s against 122 s, since
# a cold build's spare cores start extra workers and a warm build's do not)
pytestmark = [pytest.mark.megengine, pytest.mark.cold]

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    src = tmp_path_factory.mktemp("docs") / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    app = SphinxTestApp(
        "html", srcdir=src, parallel=2, confoverrides={"apidiff_store_update": True}
    )
    app.build()
    yield app
    app.cleanup()


def test_guide_builds_live_without_warnings(live):
    assert warnings_of(live) == []
    report = json.loads((live.outdir / "apidiff.json").read_text(encoding="utf-8"))
    statuses = [e["status"] for p in report["pairs"] for e in p["examples"]]
    assert len(report["pairs"]) >= 40
    assert "not-run" not in statuses
    # an example errors only where the guide documents a failure (expect: error)
    examples = [e for p in report["pairs"] for e in p["examples"]]
    assert [e["status"] for e in examples] == [e["expect"] for e in examples]
    errored = sum(e["expect"] == "error" for e in examples)
    # every pair has at least one example with a real comparison
    assert all(any(e["results"] for e in p["examples"]) for p in report["pairs"])
    assert f" {errored} errored" in status_of(live)


def test_the_guide_compares_gradients_and_sweeps_dtypes(live):
    """The training side of a migration: gradients on many pages, dtype sweeps on some,
    each sweep comparing at least one dtype, and some finding a dtype MegEngine rejects."""
    report = json.loads((live.outdir / "apidiff.json").read_text(encoding="utf-8"))
    examples = [e for p in report["pairs"] for e in p["examples"]]
    graded = [e for e in examples if any(r["kind"] == "grad" for r in e["results"].values())]
    swept = [e for e in examples if e.get("sweep")]
    assert len(report["pairs"]) >= 90
    assert len(graded) >= 20
    assert len(swept) >= 5
    for example in swept:
        assert any(c["status"] in ("match", "differ") for c in example["sweep"]), example
    cells = [c for e in swept for c in e["sweep"]]
    assert any(c["status"] == "unsupported" and "megengine" in c["failed"] for c in cells)
    # a cell whose dtypes differ (int8 sums: int64 in PyTorch) gives its pair the kind
    for pair in report["pairs"]:
        runs = [c for e in pair["examples"] for c in e.get("sweep", [])]
        runs += [e["recipe"] for e in pair["examples"] if "recipe" in e]
        if any(r["dtype_equal"] is False for run in runs for r in run.get("results", {}).values()):
            assert "dtype" in pair["kinds"], pair["id"]


def test_the_guide_tags_only_defaults_that_differ(live):
    """``0`` and ``0.0`` (sgd's momentum, lstm's dropout) are one default: no tag."""
    report = json.loads((live.outdir / "apidiff.json").read_text(encoding="utf-8"))
    rows = [row for pair in report["pairs"] for row in pair["params"]]
    for row in rows:
        given = [d for fw, d in row["defaults"].items() if row["names"][fw]]
        differ = any(not same_default(a, b) for a in given for b in given)
        assert ("default" in row["tags"]) == differ, row
    assert any(set(r["defaults"].values()) == {"0", "0.0"} for r in rows)


#: The builds after the live one write every page with Sphinx's plain theme: the extension
#: renders each page as it does under furo (the live build checks furo's pages), and furo's
#: navigation tree of the whole guide on each page would take a third of each build.
PLAIN = {"html_theme": "basic"}


def _from_store(srcdir, builddir):
    app = SphinxTestApp(
        "html",
        srcdir=srcdir,
        builddir=builddir,
        freshenv=True,
        confoverrides={
            "apidiff_execution_mode": "cache",
            "apidiff_cache_path": "_nocache",
            **PLAIN,
        },
    )
    app.build()
    app.cleanup()
    return app


def _report(app):
    return json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))


def test_committed_store_is_current(live):
    """A refresh here changes no file: the live build refreshed a copy of the store."""
    changes = store_changes(
        DOCS / "_apidiff_store", live.srcdir / "_apidiff_store", live.srcdir, _report(live)
    )
    assert changes == [], "the results store is stale: run `make store`\n" + "\n".join(changes)


def test_the_store_renders_the_live_verdicts_as_any_machine_wrote_it(live, tmp_path):
    """The committed store, as another CPU would have written it, renders the live verdicts
    alone (no entry stale, none disagreeing by the rule), and a refresh here leaves every
    file of it alone. Its deviations move only in the last bits: what the committed store
    itself renders differently from the live build, it renders differently too."""
    src = tmp_path / "docs"
    shutil.copytree(live.srcdir, src, ignore=shutil.ignore_patterns("_build", "_apidiff_store"))
    shutil.copytree(DOCS / "_apidiff_store", src / "_apidiff_store")
    changed = perturb_store(src / "_apidiff_store")
    assert {"cat[0].y", "instance-norm[0].y", "std[0].y"} <= set(changed)  # 0.0, 2.38e-07, 0.115
    before = {p.name: p.read_bytes() for p in (src / "_apidiff_store").glob("*.json")}

    app = _from_store(src, tmp_path / "from-store")
    stale = [w for w in warnings_of(app) if "apidiff" in w]
    assert stale == [], "the results store is stale: run `make store`\n" + "\n".join(stale)
    problems = report_disagreements(_report(app), _report(live), src)
    assert problems == [], "rendered from the store:\n" + "\n".join(problems)

    # The refresh is decided while Sphinx reads (the builder writes no page of it), so
    # the dummy builder refreshes as the HTML one does; results come from the live
    # build's cache: nothing executes again.
    refresh = SphinxTestApp(
        "dummy",
        srcdir=src,
        builddir=tmp_path / "refresh",
        confoverrides={
            "apidiff_store_update": True,
            # the guide's conf.py shares one cache between its English and Chinese builds
            "apidiff_cache_path": str(live.srcdir / live.config.apidiff_cache_path),
        },
    )
    refresh.build()
    refresh.cleanup()
    assert warnings_of(refresh) == []
    assert " 0 run, " in status_of(refresh)
    after = {p.name: p.read_bytes() for p in (src / "_apidiff_store").glob("*.json")}
    assert sorted(after) == sorted(before)
    assert [name for name in sorted(after) if after[name] != before[name]] == []
    assert ": 0 pair(s) written, 0 removed" in status_of(refresh)
