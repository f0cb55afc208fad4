"""``-j 2`` gives the same pages and report as ``-j 1``; workers live only in the main process."""

from __future__ import annotations

import json

import pytest

from .conftest import build_root, status_of, warnings_of

# every test here runs the real MegEngine, and counts the workers a build starts
pytestmark = [pytest.mark.megengine, pytest.mark.cold]


def test_parallel_build_matches_serial(rootdir, tmp_path):
    serial = build_root(rootdir, "exec", tmp_path / "serial")
    parallel = build_root(rootdir, "exec", tmp_path / "parallel", parallel=2)
    try:
        assert parallel.parallel == 2 and parallel.is_parallel_allowed("read")
        report_1 = json.loads((serial.outdir / "apidiff.json").read_text(encoding="utf-8"))
        report_2 = json.loads((parallel.outdir / "apidiff.json").read_text(encoding="utf-8"))
        assert report_1 == report_2
        assert len(report_2["pairs"]) == 6
        pages = sorted((serial.outdir / "pages").glob("*.html"))
        assert [page.stem for page in pages] == [
            "avgpool",
            "faults",
            "inputs",
            "legacy",
            "match",
            "nan",
        ]
        for page in pages:
            other = parallel.outdir / "pages" / page.name
            assert page.read_text(encoding="utf-8") == other.read_text(encoding="utf-8"), page.name
        # one worker per runtime for the whole build (plus the replacements after the
        # hang and the crash), never one per page or per reader process
        assert parallel._apidiff_engine.worker_starts == 4
        assert "13 examples: 13 run" in status_of(parallel)
        assert sorted(warnings_of(serial)) == sorted(
            w.replace(str(tmp_path / "parallel"), str(tmp_path / "serial"))
            for w in warnings_of(parallel)
        )
    finally:
        serial.cleanup()
        parallel.cleanup()
