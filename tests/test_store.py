"""Hosting without the frameworks: the committed results store renders the same pages."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys

import pytest

from .conftest import build_root, warnings_of

pytestmark = pytest.mark.megengine  # every test here runs the real MegEngine

STORE = {"apidiff_store_path": "_apidiff_store"}


def body(path):
    """The page's main content (asset checksums in the head differ between build modes)."""
    html = path.read_text(encoding="utf-8")
    return html[html.index('role="main"') : html.rindex("</section>")]


def _live_with_store(rootdir, tmp_path):
    app = build_root(
        rootdir, "basic", tmp_path / "live", confoverrides={**STORE, "apidiff_store_update": True}
    )
    app.cleanup()
    return app


def _build_without_frameworks(srcdir, outdir, *extra):
    """sphinx-build in a subprocess where neither torch nor megengine can be imported."""
    blocker = outdir.parent / "blocker"
    for name in ("torch", "megengine"):
        (blocker / name).mkdir(parents=True, exist_ok=True)
        (blocker / name / "__init__.py").write_text(
            f"raise ImportError('{name} is not installed on this host')\n", encoding="utf-8"
        )
    env = dict(os.environ, PYTHONPATH=str(blocker), APIDIFF_PYTHON_MEGENGINE=sys.executable)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-E",
            "-b",
            "html",
            "-D",
            "apidiff_execution_mode=cache",
            "-D",
            "apidiff_store_path=_apidiff_store",
            *extra,
            str(srcdir),
            str(outdir),
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    return proc


def test_store_renders_the_same_pages_without_torch_and_megengine(rootdir, tmp_path):
    live = _live_with_store(rootdir, tmp_path)
    store = live.srcdir / "_apidiff_store"
    assert sorted(p.name for p in store.glob("*.json")) == [
        "cat.json",
        "instance-norm.json",
        "relu-inline.json",
    ]
    stored = json.loads((store / "instance-norm.json").read_text(encoding="utf-8"))
    assert stored["signatures"]["megengine"]["version"] == "1.13.0"
    assert stored["examples"][0]["result"]["status"] == "match"

    out = tmp_path / "hosted"
    proc = _build_without_frameworks(live.srcdir, out)
    assert proc.returncode == 0, proc.stderr
    assert "WARNING" not in proc.stderr, proc.stderr
    for page in ("instance_norm.html", "cat.html", "inline.html"):
        assert body(out / page) == body(live.outdir / page), page
    hosted = json.loads((out / "apidiff.json").read_text(encoding="utf-8"))
    assert hosted["pairs"][0]["examples"][0]["status"] == "match"


def test_stale_result_is_marked(rootdir, tmp_path):
    live = _live_with_store(rootdir, tmp_path)
    pair = live.srcdir / "pairs" / "instance_norm.yaml"
    pair.write_text(
        pair.read_text(encoding="utf-8").replace(
            "InstanceNorm(3, affine=False)(x)", "InstanceNorm(3, affine=False, eps=1e-3)(x)"
        ),
        encoding="utf-8",
    )
    out = tmp_path / "hosted"
    proc = _build_without_frameworks(live.srcdir, out)
    assert (
        "instance_norm.yaml:24: WARNING: example '4-D input': stored result is stale "
        "(the example changed since its result was stored) [apidiff.stale]" in proc.stderr
    )
    assert "stale result" in (out / "instance_norm.html").read_text(encoding="utf-8")


def test_store_refresh_is_deterministic_and_prunes(rootdir, tmp_path):
    live = _live_with_store(rootdir, tmp_path)
    store = live.srcdir / "_apidiff_store"
    before = {p.name: p.read_text(encoding="utf-8") for p in store.glob("*.json")}
    (live.srcdir / "inline.rst").write_text(
        "Inline pair\n===========\n\nNo pair any more.\n", encoding="utf-8"
    )
    shutil.rmtree(live.doctreedir)
    again = build_root(
        rootdir, "basic", tmp_path / "live", confoverrides={**STORE, "apidiff_store_update": True}
    )
    again.cleanup()
    after = {p.name: p.read_text(encoding="utf-8") for p in store.glob("*.json")}
    assert "relu-inline.json" not in after
    assert after == {k: v for k, v in before.items() if k != "relu-inline.json"}
    assert warnings_of(again) == []
