"""The project's own guide: it builds live without a warning, and from the committed store.

These build ``docs/`` itself (58 pairs, 130 examples): a pair whose example stops
agreeing, or a results store left stale after editing a pair, fails here.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from sphinx.testing.util import SphinxTestApp

from .conftest import status_of, warnings_of

DOCS = Path(__file__).resolve().parent.parent / "docs"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    src = tmp_path_factory.mktemp("docs") / "docs"
    shutil.copytree(DOCS, src, ignore=shutil.ignore_patterns("_build"))
    app = SphinxTestApp("html", srcdir=src, parallel=2)
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


def test_committed_store_is_current(live):
    """Rendering from the store alone gives the live results (refresh: `make store`)."""
    app = SphinxTestApp(
        "html",
        srcdir=live.srcdir,
        builddir=live.srcdir.parent / "from-store",
        freshenv=True,
        confoverrides={"apidiff_execution_mode": "cache", "apidiff_cache_path": "_nocache"},
    )
    app.build()
    app.cleanup()
    stale = [w for w in warnings_of(app) if "apidiff" in w]
    assert stale == [], "the results store is stale: run `make store`\n" + "\n".join(stale)
    live_report = json.loads((live.outdir / "apidiff.json").read_text(encoding="utf-8"))
    stored = json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
    assert stored == live_report
