"""``sphinx-apidiff``: new, check, schema, on the real torch and MegEngine."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_apidiff import schema

from .conftest import SHARED, build_root, needs_shared, warnings_of

PACKAGE = Path(__file__).resolve().parent.parent / "sphinx_apidiff"


def cli(*args, cwd):
    return subprocess.run(
        [sys.executable, "-m", "sphinx_apidiff", *map(str, args)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture
def project(rootdir, tmp_path):
    """An empty project (conf.py only) to draft pages into."""
    src = tmp_path / "proj"
    (src / "pairs").mkdir(parents=True)
    shutil.copy(rootdir / "test-basic" / "conf.py", src / "conf.py")
    return src


def _build_draft(rootdir, project, names):
    (project / "index.rst").write_text(
        "Drafts\n======\n\n" + "".join(f".. apidiff:: pairs/{n}.yaml\n\n" for n in names),
        encoding="utf-8",
    )
    from sphinx.testing.util import SphinxTestApp

    app = SphinxTestApp("html", srcdir=project)
    app.build()
    app.cleanup()
    return app, json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))


def _new_and_build(rootdir, project, name, reference, other):
    """`new` a draft into pairs/<name>.yaml, then build it: it must build unchanged."""
    out = project / "pairs" / f"{name}.yaml"
    proc = cli("new", reference, other, "-o", out, "--conf-dir", project, cwd=project)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema={schema.SCHEMA_ID}\n")
    app, report = _build_draft(rootdir, project, [name])
    assert warnings_of(app) == []
    [pair] = report["pairs"]
    rows = {r["names"]["torch"]: r for r in pair["params"] if r["names"]["torch"]}
    return proc, text, pair, rows


@pytest.mark.megengine
def test_new_conv2d_draft_builds_unchanged(rootdir, project):
    _, _, pair, rows = _new_and_build(
        rootdir, project, "conv2d", "torch.nn.Conv2d", "megengine.module.Conv2d"
    )
    for name in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "groups"):
        assert rows[name]["names"]["megengine"] == name and rows[name]["tags"] == []
    assert "renamed" not in json.dumps(pair["params"])  # nothing mispaired
    assert pair["examples"][0]["status"] == "match"


@pytest.mark.megengine
def test_new_softmax_pairs_dim_with_axis(rootdir, project):
    proc, text, pair, rows = _new_and_build(
        rootdir,
        project,
        "softmax",
        "torch.nn.functional.softmax",
        "megengine.functional.nn.softmax",
    )
    assert "paired torch.dim with megengine.axis" in proc.stderr
    assert "# review: paired by similarity" in text
    assert rows["dim"]["names"]["megengine"] == "axis" and "renamed" in rows["dim"]["tags"]
    assert rows["input"]["names"]["megengine"] == "inp"
    ex = pair["examples"][0]
    assert ex["status"] == "match" and ex["results"]["y"]["shapes"]["megengine"] == [2, 3, 8, 8]


def test_new_refuses_to_overwrite_and_reports_unknown_api(project):
    out = project / "pairs" / "x.yaml"
    out.write_text("keep me\n", encoding="utf-8")
    proc = cli(
        "new",
        "torch.nn.ReLU",
        "megengine.module.ReLU",
        "-o",
        out,
        "--conf-dir",
        project,
        cwd=project,
    )
    assert proc.returncode == 2 and "use --force" in proc.stderr
    assert out.read_text(encoding="utf-8") == "keep me\n"
    missing = project / "pairs" / "missing.yaml"
    proc = cli(
        "new",
        "torch.nn.InstanceNorm",
        "megengine.module.InstanceNorm",
        "-o",
        missing,
        "--conf-dir",
        project,
        cwd=project,
    )
    assert proc.returncode == 1
    assert "torch.nn.InstanceNorm does not exist" in proc.stderr
    assert "torch.nn.InstanceNorm2d" in proc.stderr
    assert "Traceback" not in proc.stderr and not missing.exists()
    assert list((project / "pairs").iterdir()) == [out]  # no partial or temporary file left


@pytest.mark.megengine
def test_check_agrees_with_the_build(rootdir, tmp_path):
    app = build_root(rootdir, "exec", tmp_path)
    app.cleanup()
    built = json.loads((app.outdir / "apidiff.json").read_text(encoding="utf-8"))
    proc = cli("check", "--conf-dir", app.srcdir, "--format", "json", cwd=app.srcdir)
    assert proc.returncode == 1  # the legacy example does not run
    checked = json.loads(proc.stdout)
    by_id = {p["id"]: p for p in checked["pairs"]}
    assert len(built["pairs"]) == 6 and sorted(by_id) == sorted(p["id"] for p in built["pairs"])
    for pair in built["pairs"]:
        other = by_id[pair["id"]]
        assert [e["status"] for e in other["examples"]] == [e["status"] for e in pair["examples"]]
        assert [e["results"] for e in other["examples"]] == [e["results"] for e in pair["examples"]]
        assert other["params"] == pair["params"] and other["category"] == pair["category"]
    [diag] = [d for d in checked["diagnostics"] if d["type"] == "apidiff.exec"]
    assert diag["source"].endswith("legacy.yaml") and diag["line"] == 7


@pytest.mark.megengine
def test_check_text_table_and_exit_codes(rootdir, tmp_path):
    shutil.copytree(rootdir / "test-basic", tmp_path / "basic")
    ok = cli("check", "pairs", "--conf-dir", ".", cwd=tmp_path / "basic")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "pairs/instance_norm.yaml" in ok.stdout and "missing-params" in ok.stdout
    assert "0 problem(s)" in ok.stdout
    bad = tmp_path / "basic" / "pairs" / "bad.yaml"
    bad.write_text(
        "apis:\n  torch: torch.nn.ReLU\n  megengine: megengine.module.ReLU\nsumary: typo\n",
        encoding="utf-8",
    )
    wrong = cli("check", "pairs", "--conf-dir", ".", cwd=tmp_path / "basic")
    assert wrong.returncode == 1
    assert (
        "pairs/bad.yaml:4: warning: sumary: unknown key 'sumary'; did you mean 'summary'?"
        in wrong.stdout
    )
    usage = cli("check", "nowhere", "--conf-dir", ".", cwd=tmp_path / "basic")
    assert usage.returncode == 2 and "no such file or folder: nowhere" in usage.stderr
    noconf = cli("check", "--conf-dir", "missing", cwd=tmp_path)
    assert noconf.returncode == 2 and "no conf.py" in noconf.stderr


def test_schema_is_the_validator_and_is_shipped(tmp_path):
    proc = cli("schema", cwd=tmp_path)
    assert proc.returncode == 0
    printed = json.loads(proc.stdout)
    assert printed == schema.json_schema()
    assert json.loads((PACKAGE / "schema.json").read_text(encoding="utf-8")) == printed, (
        "sphinx_apidiff/schema.json is stale: python -m sphinx_apidiff schema > "
        "sphinx_apidiff/schema.json"
    )


SEED = SHARED / "seed" / "instance_norm_legacy.rst"


@pytest.mark.megengine
@needs_shared("seed", "instance_norm_legacy.rst")
def test_import_seed_page_builds_with_the_class_name_corrected(rootdir, project):
    out = project / "pairs" / "instance_norm.yaml"
    proc = cli("import", SEED, "-o", out, "--conf-dir", project, cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert (
        "corrected: torch.nn.InstanceNorm does not exist; using torch.nn.InstanceNorm2d"
        in proc.stderr
    )
    assert "torch.nn.Dropout" in proc.stderr  # the wrong panel is reported, not copied
    text = out.read_text(encoding="utf-8")
    assert text.startswith(f"# yaml-language-server: $schema={schema.SCHEMA_ID}\n")
    assert "torch: torch.nn.InstanceNorm2d" in text
    assert "torch.nn.Dropout(" not in text.split("# Legacy example")[0]
    app, report = _build_draft(rootdir, project, ["instance_norm"])
    assert warnings_of(app) == []
    [pair] = report["pairs"]
    assert pair["apis"]["torch"] == "torch.nn.InstanceNorm2d"
    affine = next(r for r in pair["params"] if r["names"]["torch"] == "affine")
    assert affine["tags"] == ["default"]  # what the legacy page never said


def test_import_bad_input(project):
    data = Path(__file__).parent / "data" / "legacy"
    overview = cli(
        "import",
        data / "overview.rst",
        "-o",
        project / "o.yaml",
        "--conf-dir",
        project,
        cwd=project,
    )
    assert overview.returncode == 1 and "is not a comparison page" in overview.stderr
    assert not (project / "o.yaml").exists()
    missing = cli("import", project / "nope.rst", "--conf-dir", project, cwd=project)
    assert missing.returncode == 2 and "cannot read" in missing.stderr
    for proc in (overview, missing):
        assert "Traceback" not in proc.stderr


@pytest.mark.megengine
def test_pre_commit_hook_runs_check_on_the_staged_files(rootdir, tmp_path):
    import shlex

    import yaml

    [hook] = yaml.safe_load((PACKAGE.parent / ".pre-commit-hooks.yaml").read_text("utf-8"))
    assert hook["id"] == "sphinx-apidiff-check" and hook["language"] == "python"
    program, *args = shlex.split(hook["entry"])
    assert program == "sphinx-apidiff"  # the console script of pyproject.toml
    shutil.copytree(rootdir / "test-basic", tmp_path / "basic")
    # pre-commit appends the staged file names that match `files`
    proc = cli(
        *args,
        "--conf-dir",
        ".",
        "pairs/cat.yaml",
        "pairs/instance_norm.yaml",
        cwd=tmp_path / "basic",
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "2 pair(s), 0 problem(s)" in proc.stdout
