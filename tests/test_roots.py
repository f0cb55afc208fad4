"""The test roots hold sources only: build output in them would be copied into every test build.

A committed ``tests/roots/test-basic/_build`` once held cached signatures and results, so the
tests of that root read an old build instead of introspecting and executing.
"""

from __future__ import annotations

import shutil
import subprocess

import pytest

from .conftest import ROOT, build_root, leftover_builds


def test_no_root_holds_build_output(rootdir):
    assert leftover_builds(rootdir) == []


def test_no_build_output_is_committed():
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    proc = subprocess.run(
        ["git", "ls-files", "-z", "tests/roots"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        pytest.skip(f"not a git checkout: {proc.stderr.strip()}")
    files = [name for name in proc.stdout.split("\0") if name]
    assert any(name.startswith("tests/roots/test-basic/") for name in files)
    assert [name for name in files if "_build" in name.split("/")] == []


def test_a_root_with_build_output_is_refused_before_building(tmp_path):
    roots = tmp_path / "roots"
    shutil.copytree(ROOT / "tests" / "roots" / "test-basic", roots / "test-basic")
    (roots / "test-basic" / "_build" / "doctrees").mkdir(parents=True)
    with pytest.raises(pytest.fail.Exception, match=r"test-basic/_build holds build output"):
        build_root(roots, "basic", tmp_path / "out")
    assert not (tmp_path / "out").exists()
