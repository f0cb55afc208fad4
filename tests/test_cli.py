"""``sphinx-apidiff``: new, check, schema, on the real torch and MegEngine."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sphinx_apidiff.model import schema

from .conftest import SHARED, build_root, cli, needs_shared, warnings_of

PACKAGE = Path(__file__).resolve().parent.parent / "sphinx_apidiff"


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


def _new_and_build(rootdir, project, name, reference, *others):
    """`new` a draft into pairs/<name>.yaml, then build it: it must build unchanged."""
    out = project / "pairs" / f"{name}.yaml"
    proc = cli("new", reference, *others, "-o", out, "--conf-dir", project, cwd=project)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../apidiff.schema.json\n")
    app, report = _build_draft(rootdir, project, [name])
    assert warnings_of(app) == []
    [pair] = report["pairs"]
    rows = {r["names"]["torch"]: r for r in pair["params"] if r["names"]["torch"]}
    return proc, text, pair, rows


@pytest.mark.megengine
def test_new_conv2d_draft_builds_unchanged(rootdir, project):
    proc, text, pair, rows = _new_and_build(
        rootdir, project, "conv2d", "torch.nn.Conv2d", "megengine.module.Conv2d"
    )
    assert "# the same weights on both sides; 'weights: own' keeps each framework's own" in text
    for name in ("in_channels", "out_channels", "kernel_size", "stride", "padding", "groups"):
        assert rows[name]["names"]["megengine"] == name and rows[name]["tags"] == []
    assert "renamed" not in json.dumps(pair["params"])  # nothing mispaired
    [example] = pair["examples"]
    assert example["status"] == "match"
    # the same weights on both sides, so values and gradients compare; MegEngine's
    # (1, C, 1, 1) bias is mapped to PyTorch's layout with a view
    assert {name: r["kind"] for name, r in example["results"].items()} == {
        "y": "value",
        "x.grad": "grad",
        "m.weight.grad": "grad",
        "m.bias.grad": "grad",
    }
    assert example["results"]["m.bias.grad"]["shapes"] == {"torch": [4], "megengine": [4]}
    assert "megengine lays out bias differently" in proc.stderr


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
    assert "# review: dim/axis is a usual rename, both parameter 2" in text
    assert rows["dim"]["names"]["megengine"] == "axis" and "renamed" in rows["dim"]["tags"]
    assert rows["input"]["names"]["megengine"] == "inp"
    ex = pair["examples"][0]
    assert ex["status"] == "match" and ex["results"]["y"]["shapes"]["megengine"] == [2, 3, 8, 8]
    assert ex["results"]["x.grad"]["kind"] == "grad" and ex["results"]["x.grad"]["passed"]
    assert "grad: {of: loss, wrt: [x]}" in text


@pytest.mark.megengine
def test_new_drafts_a_pair_of_four_frameworks(rootdir, project):
    """Four APIs: each parameter matched across all four, a code block per framework,
    and the draft builds unchanged (Paddle and JAX run in this interpreter)."""
    apis = {
        "torch": "torch.nn.functional.softmax",
        "megengine": "megengine.functional.softmax",
        "paddle": "paddle.nn.functional.softmax",
        "jax": "jax.nn.softmax",
    }
    proc, text, pair, rows = _new_and_build(rootdir, project, "softmax", *apis.values())
    assert pair["apis"] == apis
    assert rows["dim"]["names"] == {
        "torch": "dim",
        "megengine": "axis",
        "paddle": "axis",
        "jax": "axis",
    }
    assert rows["input"]["names"] == {
        "torch": "input",
        "megengine": "inp",
        "paddle": "x",
        "jax": "x",
    }
    assert rows["dtype"]["names"] == {
        "torch": "dtype",
        "megengine": None,
        "paddle": "dtype",
        "jax": None,
    }
    for fw in ("megengine", "paddle", "jax"):
        assert f"paired torch.dim with {fw}.axis" in proc.stderr
    assert "# review: dim/axis is a usual rename, both parameter 2 (megengine, paddle, jax)" in text
    [example] = pair["examples"]
    assert example["status"] == "match"
    assert list(example["results"]["y"]["shapes"]) == list(apis)  # each ran, in order
    assert "jax: |\n        y = jax.nn.softmax(x, axis=1)\n" in text


@pytest.mark.megengine
def test_new_drafts_a_pair_without_counterpart(rootdir, project):
    """MegEngine lacks flip: the draft says so ({none: ...}), and it builds unchanged."""
    proc, text, pair, _ = _new_and_build(
        rootdir, project, "flip", "torch.flip", "megengine.functional.flip"
    )
    assert "\n  megengine: {none: megengine.functional.flip}\n" in text
    assert "megengine.functional.flip does not exist in megengine" in proc.stderr
    assert "the draft says megengine has no counterpart" in proc.stderr
    assert "# examples:  # the megengine code of an example is shown as the workaround" in text
    assert pair["category"] == "unsupported"


@pytest.mark.megengine
def test_new_says_why_it_paired_a_rename(project):
    """input/x pair as a listed rename at the same place, not by names "1.00" alike."""
    proc = cli("new", "torch.abs", "megengine.functional.abs", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert "similarity 1.00" not in proc.stderr + proc.stdout
    assert "paired torch.input with megengine.x: input/x is a usual rename" in proc.stderr
    assert "  - torch: input  # review: input/x is a usual rename, both parameter 1\n" in (
        proc.stdout
    )


@pytest.mark.megengine
def test_new_drops_gradients_an_operation_does_not_have(rootdir, project):
    proc, text, pair, _ = _new_and_build(
        rootdir, project, "argmax", "torch.argmax", "megengine.functional.argmax"
    )
    assert "grad:" not in text
    assert "its gradients could not be taken in both frameworks" in proc.stderr
    assert [r["kind"] for r in pair["examples"][0]["results"].values()] == ["value"]


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
        assert other["kinds"] == pair["kinds"]
        for mine, theirs in zip(other["examples"], pair["examples"], strict=True):
            assert mine.get("recipe") == theirs.get("recipe")  # recipes and their runs
            assert mine["dtype"] == theirs["dtype"]  # dtype_equal is in "results"
    recipes = [
        e["recipe"]["status"] for p in built["pairs"] for e in p["examples"] if "recipe" in e
    ]
    assert recipes == ["match", "match", "match"]
    assert any(
        r["dtype_equal"] is False
        for p in built["pairs"]
        for e in p["examples"]
        for r in e["results"].values()
    )
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


#: Runs the command line with the arguments after ``-c CODE``, then prints on stderr's last
#: line, as JSON, its exit code and which of Sphinx, docutils, numpy and the engine it loaded.
_RUN_AND_LIST = """
import json, runpy, sys
sys.argv[0] = "sphinx-apidiff"
code = 0
try:
    runpy.run_module("sphinx_apidiff", run_name="__main__")
except SystemExit as done:
    code = done.code
heavy = ("sphinx", "docutils", "numpy")
loaded = sorted(m for m in sys.modules if m.split(".")[0] in heavy)
loaded += [m for m in ("sphinx_apidiff.execution.engine",) if m in sys.modules]
print(json.dumps([code, loaded]), file=sys.stderr)
"""


@pytest.mark.parametrize("args", [["schema"], ["new", "--help"], ["--help"]])
def test_schema_and_help_start_without_sphinx(tmp_path, args):
    """``schema`` and the help pages start without importing Sphinx or docutils (the
    build's imports cost seconds), nor numpy and the engine: each subcommand imports its
    module when it runs."""
    proc = subprocess.run(
        [sys.executable, "-c", _RUN_AND_LIST, *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    code, loaded = json.loads(proc.stderr.splitlines()[-1])
    assert code == 0, proc.stderr
    assert loaded == []


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
    assert text.startswith("# yaml-language-server: $schema=../apidiff.schema.json\n")
    assert json.loads((project / "apidiff.schema.json").read_text("utf-8")) == schema.json_schema()
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

    hooks = yaml.safe_load((PACKAGE.parent / ".pre-commit-hooks.yaml").read_text("utf-8"))
    hooks = {h["id"]: h for h in hooks}
    hook, system = hooks["sphinx-apidiff-check"], hooks["sphinx-apidiff-check-system"]
    # its own environment, or the sphinx-apidiff on PATH (no second torch): the same run
    assert hook["language"] == "python" and system["language"] == "system"
    run = ("entry", "files", "types", "require_serial")
    assert [hook[k] for k in run] == [system[k] for k in run]
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


# -- authoring friction: the pre-commit hook, conf.py discovery, the shared cache ----------

OTHER_YAML = {
    ".readthedocs.yaml": "version: 2\nbuild:\n  os: ubuntu-24.04\n  tools: {python: '3.11'}\n"
    "sphinx:\n  configuration: docs/conf.py\n",
    ".pre-commit-config.yaml": "repos:\n  - repo: local\n    hooks:\n"
    "      - {id: sphinx-apidiff-check, name: check, entry: sphinx-apidiff check,"
    " language: system}\n",
    ".github/workflows/ci.yml": "name: ci\non: [push]\njobs:\n  test:\n    runs-on: ubuntu-latest\n"
    "    steps:\n      - uses: actions/checkout@v4\n",
    "docs/_config.yml": "title: not a pair either\n",
}
TYPO = "apsi:\n  torch: torch.nn.ReLU\n  megengine: megengine.module.ReLU\nsumary: typo\n"


def _repo(rootdir, tmp_path):
    """A git repository: a docs tree with one good pair, and the YAML every repository has."""
    repo = tmp_path / "repo"
    (repo / "docs" / "pairs").mkdir(parents=True)
    shutil.copy(rootdir / "test-basic" / "conf.py", repo / "docs" / "conf.py")
    shutil.copy(
        rootdir / "test-basic" / "pairs" / "cat.yaml", repo / "docs" / "pairs" / "good.yaml"
    )
    for name, text in OTHER_YAML.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text, encoding="utf-8")
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    return repo


def _run_hook(repo):
    """What pre-commit does: the staged files that match the hook's `files` and `types`,
    appended to its entry, run from the repository's root."""
    import re
    import shlex

    import yaml

    # the hooks differ only in where sphinx-apidiff comes from (see the test above)
    hook = yaml.safe_load((PACKAGE.parent / ".pre-commit-hooks.yaml").read_text("utf-8"))[0]
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    staged = subprocess.run(
        ["git", "diff", "--cached", "--name-only"],
        cwd=repo,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert hook["types"] == ["yaml"]  # identify's tag for *.yaml and *.yml
    chosen = [f for f in staged if re.search(hook["files"], f) and f.endswith((".yaml", ".yml"))]
    program, *args = shlex.split(hook["entry"])
    assert program == "sphinx-apidiff"
    return chosen, cli(*args, *chosen, cwd=repo)


def test_pre_commit_hook_passes_a_repository_and_fails_a_misspelt_pair(rootdir, tmp_path):
    repo = _repo(rootdir, tmp_path)
    chosen, proc = _run_hook(repo)
    assert "docs/pairs/good.yaml" in chosen
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 pair(s), 0 problem(s)" in proc.stdout
    for name in OTHER_YAML:
        assert name not in proc.stdout  # neither checked nor reported
    (repo / "docs" / "pairs" / "typo.yaml").write_text(TYPO, encoding="utf-8")
    _, proc = _run_hook(repo)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "docs/pairs/typo.yaml:1: warning: apsi: unknown key 'apsi'; did you mean 'apis'?" in (
        proc.stdout
    )
    assert "docs/pairs/typo.yaml:4: warning: sumary: unknown key 'sumary'" in proc.stdout


def test_the_documented_pre_commit_rev_is_a_commit_with_the_hook():
    """docs/ci.rst's ``rev:`` names a commit of this repository whose .pre-commit-hooks.yaml
    has the hook the snippet uses: pre-commit fails at once on a tag that does not exist."""
    import re

    import yaml

    root = PACKAGE.parent
    text = (root / "docs" / "ci.rst").read_text(encoding="utf-8")
    [(rev, hook_id)] = re.findall(r"rev: (\S+)\n\s+hooks:\n\s+- id: (\S+)", text)
    if shutil.which("git") is None or not (root / ".git").exists():
        pytest.skip("not a git checkout")
    shown = subprocess.run(
        ["git", "show", f"{rev}:.pre-commit-hooks.yaml"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    if shown.returncode != 0:
        shallow = subprocess.run(
            ["git", "rev-parse", "--is-shallow-repository"],
            cwd=root,
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        if shallow == "true":
            pytest.skip(f"a shallow clone: {rev} may be older than its history")
    assert shown.returncode == 0, f"docs/ci.rst: rev {rev} is not a commit here: {shown.stderr}"
    assert hook_id in {h["id"] for h in yaml.safe_load(shown.stdout)}


def test_check_skips_other_yaml_named_on_the_command_line(rootdir, tmp_path):
    repo = _repo(rootdir, tmp_path)
    proc = cli("check", *OTHER_YAML, cwd=repo)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "nothing to check" in proc.stdout
    assert ".readthedocs.yaml: skipped, not a comparison pair" in proc.stderr
    # a pair outside a pairs/ folder is recognised by its apis
    (repo / "docs" / "relu.yaml").write_text(TYPO.replace("apsi", "apis"), encoding="utf-8")
    proc = cli("check", "docs/relu.yaml", ".readthedocs.yaml", cwd=repo)
    assert proc.returncode == 1 and "docs/relu.yaml:4: warning: sumary" in proc.stdout
    # a folder walk skips the other YAML quietly, and says so with -v
    proc = cli("check", "-v", "docs", cwd=repo)
    assert proc.returncode == 1 and "docs/_config.yml: skipped" in proc.stderr
    assert "2 pair(s)" in proc.stdout


def _layout(rootdir, tmp_path):
    """sphinx-quickstart's separate source/ layout, a pair file in it, nothing else."""
    source = tmp_path / "proj" / "source"
    (source / "pairs").mkdir(parents=True)
    shutil.copy(rootdir / "test-basic" / "conf.py", source / "conf.py")
    shutil.copy(rootdir / "test-basic" / "pairs" / "cat.yaml", source / "pairs" / "cat.yaml")
    return source.parent


@pytest.mark.parametrize(
    "args",
    [
        ("--conf-dir", "source", "check", "source/pairs"),
        ("check", "--conf-dir", "source", "source/pairs"),
        ("check", "source/pairs/cat.yaml"),  # the conf.py above the file
        ("check",),  # source/ is one of the usual places
    ],
    ids=["before", "after", "above-the-file", "usual-place"],
)
def test_conf_dir_before_or_after_the_subcommand_or_found(rootdir, tmp_path, args):
    proj = _layout(rootdir, tmp_path)
    proc = cli(*args, "-v", cwd=proj)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "1 pair(s), 0 problem(s)" in proc.stdout
    assert "no conf.py found" not in proc.stderr
    assert "execution cache: build/doctrees/apidiff-cache" in proc.stderr  # beside source/


def test_no_conf_py_found_says_so_and_names_none(rootdir, tmp_path):
    shutil.copy(rootdir / "test-basic" / "pairs" / "cat.yaml", tmp_path / "cat.yaml")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)  # the search stops here
    proc = cli("check", "cat.yaml", cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr  # defaults, runtimes from the env
    assert "no conf.py found" in proc.stderr and "--conf-dir" in proc.stderr
    for where in ("./", "docs/", "doc/", "source/", "docs/source/"):
        assert where in proc.stderr
    assert "conf.py:" not in proc.stdout + proc.stderr.replace("no conf.py found", "")
    assert sorted(p.name for p in tmp_path.iterdir()) == [".git", "cat.yaml"]


def _listing(folder):
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.mark.parametrize("layout", ["docs/_build", "source/ and build/"])
def test_check_then_build_executes_each_example_once(rootdir, tmp_path, layout):
    from sphinx.testing.util import SphinxTestApp

    from .conftest import status_of

    if layout == "docs/_build":  # sphinx-quickstart's single folder: _build is excluded
        srcdir = tmp_path / "docs"
        shutil.copytree(rootdir / "test-basic", srcdir)
        with (srcdir / "conf.py").open("a", encoding="utf-8") as conf:
            conf.write('exclude_patterns = ["_build"]\n')
        builddir, cwd = srcdir / "_build", tmp_path
    else:  # `make html` of the separate layout: sphinx-build -M html source build
        srcdir = tmp_path / "proj" / "source"
        shutil.copytree(rootdir / "test-basic", srcdir)
        builddir, cwd = srcdir.parent / "build", srcdir.parent
    before = _listing(srcdir)
    proc = cli("check", cwd=cwd)  # conf.py found in docs/ or source/
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "examples: 2 run, 0 cached" in proc.stdout
    added = set(_listing(srcdir)) - set(before)
    assert all(p.startswith("_build") for p in added), added  # the build's own folder only
    app = SphinxTestApp("html", srcdir=srcdir, builddir=builddir)
    app.build()
    app.cleanup()
    assert "apidiff: 2 examples: 0 run, 2 cached" in status_of(app)
    again = cli("check", cwd=cwd)
    assert "examples: 0 run, 2 cached" in again.stdout


def test_check_writes_nothing_where_the_project_does_not_build(rootdir, tmp_path):
    srcdir = tmp_path / "basic"
    shutil.copytree(rootdir / "test-basic", srcdir)  # no _build, none excluded
    before = _listing(srcdir)
    proc = cli("check", "-v", cwd=srcdir)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "results are not cached" in proc.stderr and "apidiff_cache_path" in proc.stderr
    assert _listing(srcdir) == before


def test_help_shows_no_markup():
    import re

    markup = re.compile(r"``|:(ref|func|class|doc|mod|meth|attr|term|option):`|`[^`\s]+`_")
    for command in ("", "new", "check", "import", "schema"):
        proc = cli(*([command] if command else []), "--help", cwd=PACKAGE.parent)
        assert proc.returncode == 0
        assert not markup.search(proc.stdout), (command, markup.search(proc.stdout))
        assert "Exit codes" in proc.stdout or command


# -- ids and labels ----------------------------------------------------------------------


@pytest.mark.parametrize("parallel", [1, 2])
def test_no_title_keeps_the_comparison_label(rootdir, tmp_path, parallel):
    app = build_root(rootdir, "notitle", tmp_path, parallel=parallel)
    app.cleanup()
    assert warnings_of(app) == []  # no "undefined label", no "needs an explicit title"
    links = (app.outdir / "links.html").read_text(encoding="utf-8")
    assert (
        '<a class="reference internal" href="notitle.html#comparison-relu">'
        '<span class="std std-ref">ReLU differences</span></a>' in links
    )
    assert 'href="notitle.html#comparison-relu"><span class="std std-ref">the ReLU page' in links
    page = (app.outdir / "notitle.html").read_text(encoding="utf-8")
    assert 'id="comparison-relu"' in page and "ReLU differences" not in page


@pytest.mark.parametrize("parallel", [1, 2])
def test_duplicate_pair_ids_are_located_warnings(rootdir, tmp_path, parallel):
    app = build_root(rootdir, "dupids", tmp_path, parallel=parallel)
    app.cleanup()
    src = app.srcdir
    warnings = warnings_of(app)
    assert (
        f"{src}/pairs/second.yaml:5: WARNING: duplicate pair id 'same' "
        "(also in pairs/first.yaml:2) [apidiff.spec]" in warnings
    )
    assert (
        f"{src}/other/relu.yaml:1: WARNING: duplicate pair id 'relu' (also in pairs/relu.yaml:1);"
        " this id comes from the file name: give the pair its own with 'id:' [apidiff.spec]"
        in warnings
    )
    assert not [w for w in warnings if "Duplicate explicit target" in w]


def test_one_slug_rule_keeps_the_guide_ids():
    from sphinx_apidiff.model import spec

    docs = PACKAGE.parent / "docs"
    for file in sorted((docs / "pairs").glob("*.yaml")):
        pair, _ = spec.read_pair_file(file)
        assert (docs / "_apidiff_store" / f"{pair.id}.json").is_file(), file.name
    # the file a draft goes to and the API it drafts give one id
    for api, stem in [
        ("torch.nn.InstanceNorm2d", "instance_norm2d"),
        ("torch.nn.LSTMCell", "lstm_cell"),
        ("torch.nn.MSELoss", "mse_loss"),
        ("torch.nn.LeakyReLU", "leaky_relu"),
        ("torch.nn.functional.relu", "relu"),
    ]:
        assert spec.id_for_api(api) == spec.id_for_file(f"pairs/{stem}.yaml")
    inline, _ = spec.parse_pair("apis: {torch: torch.nn.BatchNorm2d, megengine: m.B}\n", "x.rst")
    assert inline.id == "batch-norm2d"


def test_new_names_a_local_schema_that_editors_resolve(project):
    """The draft's first line names the project's copy of the schema relative to the file, as
    yaml-language-server resolves it, and the copy is written (again, when stale)."""
    out = project / "pairs" / "hypot.yaml"
    proc = cli("new", "math.hypot", "cmath.sqrt", "-o", out, cwd=project)  # no framework needed
    assert proc.returncode == 0, proc.stderr
    first = out.read_text(encoding="utf-8").splitlines()[0]
    assert first == "# yaml-language-server: $schema=../apidiff.schema.json"
    local = (out.parent / first.split("=", 1)[1]).resolve()
    assert local == (project / "apidiff.schema.json").resolve()
    assert json.loads(local.read_text(encoding="utf-8")) == schema.json_schema()
    assert "wrote apidiff.schema.json" in proc.stderr
    local.write_text("{}", encoding="utf-8")  # an older version's schema is replaced
    stdout = cli("new", "math.hypot", "cmath.sqrt", cwd=project)
    assert stdout.returncode == 0, stdout.stderr
    assert stdout.stdout.startswith("# yaml-language-server: $schema=apidiff.schema.json\n")
    assert "relative to the current folder" in stdout.stderr
    assert json.loads(local.read_text(encoding="utf-8")) == schema.json_schema()
    written = cli("schema", "-o", project / "editor.json", cwd=project)
    assert written.returncode == 0 and written.stdout == ""
    printed = cli("schema", cwd=project).stdout
    assert (project / "editor.json").read_text(encoding="utf-8") == printed


def test_new_takes_the_id_from_the_output_file(project):
    out = project / "pairs" / "instance_norm.yaml"
    proc = cli(
        "new", "torch.nn.InstanceNorm2d", "megengine.module.InstanceNorm", "-o", out, cwd=project
    )
    assert proc.returncode == 0, proc.stderr
    assert "\nid: instance-norm\n" in out.read_text(encoding="utf-8")
    stdout = cli("new", "torch.nn.InstanceNorm2d", "megengine.module.InstanceNorm", cwd=project)
    assert "\nid: instance-norm2d\n" in stdout.stdout


@pytest.mark.megengine
def test_new_quotes_an_id_that_yaml_would_read_as_a_boolean(project):
    out = project / "pairs" / "yes.yaml"  # the id of pairs/yes.yaml is 'yes'
    proc = cli("new", "torch.nn.ReLU", "megengine.module.ReLU", "-o", out, cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert '\nid: "yes"\n' in out.read_text(encoding="utf-8")
    from sphinx_apidiff.model import spec

    pair, diags = spec.read_pair_file(out)
    assert diags == [] and pair is not None and pair.id == "yes"


def test_new_names_each_missing_api_and_asks_for_signatures(project):
    both = cli("new", "torch.nn.Relu", "megengine.module.Relu", cwd=project)
    assert both.returncode == 1 and "Traceback" not in both.stderr
    assert "torch.nn.Relu does not exist in torch" in both.stderr
    assert "megengine.module.Relu does not exist in megengine" in both.stderr
    assert "did you mean megengine.module.ReLU" in both.stderr  # the case told apart
    proc = cli("new", "torch.nn.LSTM", "megengine.module.LSTM", cwd=project)
    assert proc.returncode == 0, proc.stderr
    assert (
        "torch.nn.LSTM has no signature that can be introspected: give it under 'signatures:'"
        in proc.stderr
    )
    assert "megengine.module.LSTM has no signature that can be introspected" in proc.stderr
    assert "\n# signatures:" in proc.stdout and '\n#   torch: "(...)"' in proc.stdout
    assert '\n#   megengine: "(...)"' in proc.stdout


BOTH_FAIL = """\
apis:
  torch: torch.nn.ReLU
  megengine: megengine.module.ReLU
examples:
  - title: first
    code:
      torch: |
        y = 1
      megengine: |
        y = 1
    compare: [y]
  - title: both fail
    code:
      torch: |
        y = torch.nn.ReLU()(missing_a)
      megengine: |
        y = megengine.module.ReLU()(missing_b)
    compare: [y]
  - titel: misspelt
    code: {torch: y = 1}
"""


def test_every_failing_framework_and_examples_counted_from_one(project):
    (project / "pairs" / "fail.yaml").write_text(BOTH_FAIL, encoding="utf-8")
    proc = cli("check", "pairs/fail.yaml", cwd=project)
    assert proc.returncode == 1
    assert "pairs/fail.yaml:19: warning: example 3, titel: unknown key 'titel'" in proc.stdout
    [line] = [x for x in proc.stdout.splitlines() if "[apidiff.exec]" in x]
    assert line.startswith("pairs/fail.yaml:12: warning: example 'both fail': expected match")
    assert "torch failed at line 15: NameError" in line and "missing_a" in line
    assert "megengine failed at line 17: NameError" in line and "missing_b" in line


def test_check_names_a_runtime_no_pair_uses_and_one_that_is_not_python(
    rootdir, tmp_path, monkeypatch
):
    monkeypatch.delenv("APIDIFF_PYTHON_MEGENGINE")  # conf.py's runtimes, not the suite's
    basic = tmp_path / "basic"
    shutil.copytree(rootdir / "test-basic", basic)
    runtimes = {"megengine": {"python": "/bin/true"}, "tensorflow": {"python": sys.executable}}
    with (basic / "conf.py").open("a", encoding="utf-8") as conf:
        conf.write(f"apidiff_runtimes = {runtimes!r}\n")
    proc = cli("check", "--conf-dir", ".", cwd=basic)
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert (
        "conf.py:3: warning: apidiff_runtimes names tensorflow, but no pair uses it: the pairs "
        "use megengine, torch [apidiff.config]" in proc.stdout
    )
    assert "names megengine" not in proc.stdout
    assert "/bin/true is not a Python interpreter (it printed nothing)" in proc.stdout
    assert "internal" not in proc.stdout + proc.stderr
    # a few of the project's pairs prove nothing about what the others use
    some = cli("check", "pairs/cat.yaml", "--conf-dir", ".", "--mode", "cache", cwd=basic)
    assert "apidiff_runtimes names" not in some.stdout, some.stdout


def test_results_that_differ_never_read_as_no_deviation():
    from sphinx_apidiff.authoring.check import deviation_text
    from sphinx_apidiff.execution.comparison import Comparison
    from sphinx_apidiff.execution.results import ExampleResult
    from sphinx_apidiff.model.vocabulary import Status

    close = ExampleResult(Status.MATCH, {"y": Comparison(max_abs=1e-7)})
    nan = Comparison(max_abs=0.0, passed=False, note="5 NaN/inf position(s) differ")
    shapes = Comparison(max_abs=None, passed=False, note="shapes differ: [3, 2] vs [2, 3]")
    # the finite values agree, the NaN do not (clip_grad_norm); other shapes (meshgrid)
    assert deviation_text([close, ExampleResult(Status.DIFFER, {"g": nan})]) == nan.note
    assert deviation_text([ExampleResult(Status.DIFFER, {"g": shapes})]) == shapes.note
    far = ExampleResult(Status.DIFFER, {"y": Comparison(max_abs=0.5, passed=False)})
    assert deviation_text([close, far, ExampleResult(Status.DIFFER, {"g": nan})]) == "0.5"
    assert deviation_text([close]) == "1e-07"
    assert deviation_text([ExampleResult(Status.ERROR)]) == "-"


def test_every_category_check_prints_is_documented():
    from sphinx_apidiff.model.vocabulary import Category

    text = (Path(__file__).resolve().parent.parent / "docs" / "writing.rst").read_text("utf-8")
    table = text[text.index("\nCategories\n") : text.index("\nHonest examples\n")]
    assert [c.value for c in Category if f"``{c}``" not in table] == []
