"""Build-time benchmark: sphinx-apidiff against jupyter-sphinx and against no execution.

Generates N torch-vs-MegEngine comparison pages (one small example each) and
builds them three ways, each in its own fresh Sphinx project under a temporary
directory:

* ``apidiff``     -- ``.. apidiff:: pairs/<name>.yaml`` (one worker per framework per build)
* ``jupyter``     -- jupyter-sphinx: a ``jupyter-execute`` cell in the default
                     (torch) kernel and one in a ``megengine`` kernel per page
* ``unexecuted``  -- the same code in plain ``code-block`` directives

For each way: a cold build (fresh output and doctree directories), a rebuild
with no change, and a rebuild after editing one page's example. Also times
``import torch`` and ``import megengine`` to compute the floor (unexecuted cold
build + both imports), and estimates sphinx-apidiff's per-example overhead from
a second apidiff project with the same N pages and 4 examples on each (4N
examples). See benchmarks/README.md.

Run with the interpreter of the Sphinx environment::

    .venv/bin/python benchmarks/bench_build.py [--pairs 20] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SPHINX_BUILD = BIN / "sphinx-build"

TARGET_JUPYTER_RATIO = 35.0  # jupyter-sphinx cold / apidiff cold, at least
TARGET_FLOOR_RATIO = 1.5  # apidiff cold / floor, at most
TARGET_OVERHEAD_MS = 5.0  # per-example overhead, below
TARGET_ONEEDIT_RATIO = 1.3  # one-edit rebuild / no-change rebuild (warm workers), at most


# -- the examples ---------------------------------------------------------------------

@dataclass(frozen=True)
class Op:
    name: str
    torch_api: str
    mge_api: str
    torch_code: str  # the line computing y
    mge_code: str
    inputs: tuple[tuple[str, tuple[int, ...]], ...] = (("x", (4, 8)),)
    output: str = "(4, 8)"  # what PRINT_LINE prints


OPS = (
    Op("relu", "torch.nn.functional.relu", "megengine.functional.relu",
       "y = torch.nn.functional.relu(x)", "y = megengine.functional.relu(x)"),
    Op("sigmoid", "torch.sigmoid", "megengine.functional.sigmoid",
       "y = torch.sigmoid(x)", "y = megengine.functional.sigmoid(x)"),
    Op("softmax", "torch.nn.functional.softmax", "megengine.functional.softmax",
       "y = torch.nn.functional.softmax(x, dim=1)", "y = megengine.functional.softmax(x, axis=1)"),
    Op("matmul", "torch.matmul", "megengine.functional.matmul",
       "y = torch.matmul(x, w)", "y = megengine.functional.matmul(x, w)",
       inputs=(("x", (4, 8)), ("w", (8, 4))), output="(4, 4)"),
    Op("sum", "torch.sum", "megengine.functional.sum",
       "y = torch.sum(x, dim=1)", "y = megengine.functional.sum(x, axis=1)", output="(4,)"),
    Op("tanh", "torch.tanh", "megengine.functional.tanh",
       "y = torch.tanh(x)", "y = megengine.functional.tanh(x)"),
)

PRINT_LINE = "print(tuple(y.shape))"
EDITED_PRINT_LINE = 'print("shape:", tuple(y.shape))'


@dataclass(frozen=True)
class Page:
    name: str  # document name and YAML stem
    op: Op
    seed: int  # distinct per page, so that no two examples share a cache key
    examples: int = 1  # examples on the page (the per-example estimate uses 4)

    def seeds(self) -> list[int]:
        return [self.seed + 1000 * j for j in range(self.examples)]


def make_pages(n: int, examples: int = 1) -> list[Page]:
    return [Page(f"{OPS[i % len(OPS)].name}_{i:03d}", OPS[i % len(OPS)], i, examples)
            for i in range(n)]


def yaml_text(page: Page) -> str:
    op = page.op
    inputs = "\n".join(f"      {name}: {{shape: {list(shape)}}}" for name, shape in op.inputs)
    examples = "".join(
        f"  - seed: {seed}\n"
        "    atol: 1.0e-5\n"
        "    inputs:\n"
        f"{inputs}\n"
        "    code:\n"
        "      torch: |\n"
        f"        {op.torch_code}\n"
        f"        {PRINT_LINE}\n"
        "      megengine: |\n"
        f"        {op.mge_code}\n"
        f"        {PRINT_LINE}\n"
        "    compare: [y]\n"
        for seed in page.seeds()
    )
    return (
        f"id: {page.name.replace('_', '-')}\n"
        f"title: {op.name} ({page.seed})\n"
        "apis:\n"
        f"  torch: {op.torch_api}\n"
        f"  megengine: {op.mge_api}\n"
        f"examples:\n{examples}"
    )


def cell_code(page: Page, framework: str, seed: int | None = None) -> str:
    """The same work as the apidiff example: inputs from numpy, the op, print the shape."""
    op = page.op
    factory = "torch.tensor" if framework == "torch" else "megengine.Tensor"
    seed = page.seed if seed is None else seed
    lines = ["import numpy as np", f"import {framework}", f"rng = np.random.default_rng({seed})"]
    for name, shape in op.inputs:
        lines.append(f"{name} = {factory}(rng.standard_normal({shape!r}).astype('float32'))")
    lines.append(op.torch_code if framework == "torch" else op.mge_code)
    lines.append(PRINT_LINE)
    return "\n".join(lines) + "\n"


def indent(text: str) -> str:
    return textwrap.indent(text, "   ")


def page_title(page: Page) -> str:
    title = f"{page.op.name} ({page.seed})"
    return f"{title}\n{'=' * len(title)}\n"


def rst_jupyter(page: Page) -> str:
    # The first cell runs in the default kernel (python3 = torch's interpreter);
    # jupyter-kernel starts a second kernel, MegEngine's, for the rest of the page.
    # :stderr: because MegEngine prints a CPU-mode banner to stderr on import,
    # which jupyter-sphinx would otherwise turn into one warning per page.
    return (
        f"{page_title(page)}\n"
        "PyTorch\n-------\n\n"
        f".. jupyter-execute::\n\n{indent(cell_code(page, 'torch'))}\n"
        "MegEngine\n---------\n\n"
        ".. jupyter-kernel:: megengine\n\n"
        f".. jupyter-execute::\n   :stderr:\n\n{indent(cell_code(page, 'megengine'))}"
    )


def rst_plain(page: Page) -> str:
    """The same page as static reST, with the code blocks an apidiff page shows for each
    example: each framework's snippet, its output and its runnable code (six blocks)."""
    op = page.op
    parts = [page_title(page)]
    for number, seed in enumerate(page.seeds(), start=1):
        parts.append(f"\nExample {number}\n---------\n\n")
        for fw, line in (("torch", op.torch_code), ("megengine", op.mge_code)):
            parts.append(f"{fw}:\n\n.. code-block:: python\n\n{indent(line)}\n"
                         f"{indent(PRINT_LINE)}\n\n"
                         f"Output:\n\n.. code-block:: none\n\n{indent(op.output)}\n\n"
                         f"Runnable code:\n\n.. code-block:: python\n\n"
                         f"{indent(cell_code(page, fw, seed))}\n")
    return "".join(parts)


WAYS = ("apidiff", "jupyter", "unexecuted")
LABELS = {"apidiff": "sphinx-apidiff", "apidiff-warm": "  warm workers",
          "apidiff-warm-j2": "  warm, -j 2", "jupyter": "jupyter-sphinx",
          "unexecuted": "unexecuted"}
SHOWN = tuple(LABELS)
EXTENSIONS = {"apidiff": ["sphinx_apidiff"], "jupyter": ["jupyter_sphinx"], "unexecuted": []}


def write_project(root: Path, way: str, pages: list[Page]) -> Path:
    """A fresh Sphinx project; returns its source directory."""
    src = root / "src"
    if root.exists():
        shutil.rmtree(root)
    (src / "pairs" if way == "apidiff" else src).mkdir(parents=True)
    (src / "conf.py").write_text(
        f"project = 'bench-{way}'\nextensions = {EXTENSIONS[way]!r}\n", encoding="utf-8"
    )
    toctree = "\n".join(f"   {p.name}" for p in pages)
    (src / "index.rst").write_text(
        f"Benchmark ({way})\n{'=' * (len(way) + 12)}\n\n.. toctree::\n\n{toctree}\n",
        encoding="utf-8",
    )
    for page in pages:
        if way == "apidiff":
            (src / "pairs" / f"{page.name}.yaml").write_text(yaml_text(page), encoding="utf-8")
            (src / f"{page.name}.rst").write_text(
                f".. apidiff:: pairs/{page.name}.yaml\n", encoding="utf-8"
            )
        elif way == "jupyter":
            (src / f"{page.name}.rst").write_text(rst_jupyter(page), encoding="utf-8")
        else:
            (src / f"{page.name}.rst").write_text(rst_plain(page), encoding="utf-8")
    return src


def edit_one_page(src: Path, way: str, page: Page) -> Path:
    """Change the one example of ``page`` (both frameworks' code)."""
    path = src / "pairs" / f"{page.name}.yaml" if way == "apidiff" else src / f"{page.name}.rst"
    text = path.read_text(encoding="utf-8")
    assert PRINT_LINE in text, path
    path.write_text(text.replace(PRINT_LINE, EDITED_PRINT_LINE), encoding="utf-8")
    return path


# -- running builds -------------------------------------------------------------------

@dataclass
class Build:
    seconds: float
    log: str
    cpu: float = 0.0  # user + system CPU seconds of sphinx-build and the processes it reaped
    apidiff_line: str | None = None
    executed: int | None = None  # examples run (apidiff) / pages executed (jupyter)
    cached: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)  # from apidiff.json
    report_cached: int | None = None  # examples marked cached in apidiff.json
    warnings: int = 0
    phases: dict[str, float] = field(default_factory=dict)  # see phases()


# The end-of-build summary: "apidiff: 20 examples: 20 run, 0 cached, ..." or, when no page
# was (re)read, a sentence saying nothing ran ("nothing to execute ...", "no example ...").
SUMMARY = re.compile(r"^apidiff: (?!executing )(?:(\d+) examples?: (\d+) run, (\d+) cached)?")


# Where a build's time goes, from the time each of Sphinx's output lines arrived.
PHASES = ("start-up", "read", "apidiff", "prepare", "write", "finish")


def phases(lines: list[tuple[float, str]], total: float) -> dict[str, float]:
    """start-up: to the first 'updating environment'/'reading sources' line; read: to the
    last 'reading sources' line; apidiff: to 'pickling environment' (env-updated, where
    apidiff executes or looks up the examples); prepare: to 'copying assets: done'
    (pickling, consistency, static files); write: to 'generating indices' (with -j 2 the
    'writing output' lines come only after each chunk is written); finish: to the end
    (indices, search index, apidiff.json)."""
    def first(pattern: str, after: float = 0.0) -> float | None:
        return next((t for t, line in lines if t >= after and re.match(pattern, line)), None)

    def last(pattern: str) -> float | None:
        found = [t for t, line in lines if re.match(pattern, line)]
        return found[-1] if found else None

    read_start = first(r"(updating environment|reading sources)") or 0.0
    read_end = last(r"reading sources") or read_start
    pickle = first(r"pickling environment", read_end) or read_end
    write_start = (first(r"copying assets: done", pickle) or first(r"writing output", pickle)
                   or pickle)
    write_end = first(r"(generating indices|writing additional pages|dumping search index)",
                      write_start) or last(r"writing output") or write_start
    marks = [0.0, read_start, read_end, pickle, write_start, write_end, total]
    return {name: max(0.0, marks[i + 1] - marks[i]) for i, name in enumerate(PHASES)}


def sphinx_build(src: Path, out: Path, env: dict[str, str], log: Path, jobs: int | None,
                 extra: tuple[str, ...] = ()) -> Build:
    cmd = [str(SPHINX_BUILD), "-b", "html", *extra, str(src), str(out)]
    if jobs:
        cmd[1:1] = ["-j", str(jobs)]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    stamped: list[tuple[float, str]] = []  # when each output line arrived
    started = time.perf_counter()
    with subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          text=True, bufsize=1) as proc:
        assert proc.stdout is not None
        for text in proc.stdout:
            stamped.append((time.perf_counter() - started, text.rstrip("\n")))
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = after.ru_utime - usage.ru_utime + after.ru_stime - usage.ru_stime
    lines = [text for _, text in stamped]
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(cmd)}\n" + "".join(f"[{t:7.3f}] {x}\n" for t, x in stamped)
                     + f"[{seconds:.3f} s, exit {proc.returncode}]\n\n")
    if proc.returncode != 0:
        tail = "\n".join(lines[-30:])
        raise SystemExit(f"sphinx-build failed (exit {proc.returncode}); log {log}:\n{tail}")
    build = Build(seconds=seconds, log=str(log), cpu=cpu, phases=phases(stamped, seconds))
    build.warnings = sum(1 for line in lines if "WARNING" in line)
    for line in lines:
        match = SUMMARY.match(line.strip())
        if match:  # the last such line wins
            build.apidiff_line = line.strip()
            if match.group(1):
                build.executed, build.cached = int(match.group(2)), int(match.group(3))
            elif re.search(r"\b(nothing|no example|up to date)\b", line):
                build.executed, build.cached = 0, 0
            else:  # a summary this script cannot read: count nothing, show the line
                build.executed = build.cached = None
    if build.apidiff_line is None and (out / "apidiff.json").exists():
        build.apidiff_line = "(no apidiff: line in the output)"
    if "jupyter_sphinx" in (src / "conf.py").read_text(encoding="utf-8"):
        build.executed = sum(1 for line in lines
                             if line.startswith("executing "))
    report = out / "apidiff.json"
    if report.exists():
        data = json.loads(report.read_text(encoding="utf-8"))
        examples = [ex for pair in data["pairs"] for ex in pair["examples"]]
        build.statuses = dict(Counter(ex["status"] for ex in examples))
        build.report_cached = sum(1 for ex in examples if ex.get("cached"))
    return build


def snippet_compute(out: Path) -> dict[str, float]:
    """Total snippet time per framework, from the result cache entries (worker-measured)."""
    totals: dict[str, float] = {}
    for entry in (out / ".doctrees" / "apidiff-cache").glob("ex-*.json"):
        value = json.loads(entry.read_text(encoding="utf-8"))["value"]
        for fw, side in value["sides"].items():
            totals[fw] = totals.get(fw, 0.0) + float(side.get("elapsed") or 0.0)
    return totals


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None


def time_import(python: str, module: str, runs: int = 3) -> float:
    """Median wall time of a fresh ``python -c 'import module'`` (interpreter start included)."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([python, "-c", f"import {module}"], check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# -- environment ----------------------------------------------------------------------

def kernelspec(root: Path, name: str, python: str, display: str) -> None:
    spec = root / "kernels" / name
    spec.mkdir(parents=True, exist_ok=True)
    (spec / "kernel.json").write_text(json.dumps({
        # log_level=ERROR: ipykernel >= 7 warns on every start that TCP is unencrypted.
        "argv": [python, "-m", "ipykernel_launcher", "-f", "{connection_file}",
                 "--IPKernelApp.log_level=ERROR"],
        "display_name": display,
        "language": "python",
    }, indent=1), encoding="utf-8")


def snapshot_package(work: Path) -> tuple[Path, str]:
    """A copy of the working tree's sphinx_apidiff, so that every build of one run uses the
    same code even while the package is being edited; and which revision it is."""
    dest = work / "pkg"
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(ROOT / "sphinx_apidiff", dest / "sphinx_apidiff",
                    ignore=shutil.ignore_patterns("__pycache__"))
    # Bytecode now, as an installed package has it (PYTHONDONTWRITEBYTECODE may be set, and
    # then every build would compile the package again).
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(dest)], check=True)
    revision = "unknown"
    try:
        head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--",
                                "sphinx_apidiff"], capture_output=True, text=True,
                               check=True).stdout.strip()
        revision = head + ("+uncommitted changes" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        pass
    return dest, revision


def build_env(work: Path, mge_python: str, pythonpath: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(pythonpath), env.get("PYTHONPATH")) if p)
    env["APIDIFF_PYTHON_MEGENGINE"] = mge_python
    jupyter = work / "jupyter-data"  # not "jupyter": that is the project of that name
    env.update({
        "JUPYTER_PATH": str(jupyter),  # kernelspecs: python3 (torch) and megengine
        "JUPYTER_DATA_DIR": str(jupyter),
        "JUPYTER_CONFIG_DIR": str(work / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(work / "jupyter-runtime"),
        "IPYTHONDIR": str(work / "ipython"),
        "JUPYTER_PLATFORM_DIRS": "1",  # no deprecation warning from jupyter_core
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugpy frozen-modules warning
    })
    kernelspec(jupyter, "python3", sys.executable, "Python 3 (torch)")
    kernelspec(jupyter, "megengine", mge_python, "MegEngine")
    return env


def stop_workers(env: dict[str, str] | None, workers_dir: Path) -> None:
    """Stop the warm pools this run started (only those in its private directory)."""
    if env is None or not workers_dir.exists():
        return
    cmd = [str(BIN / "sphinx-apidiff"), "workers", "stop"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    print(f"\n$ APIDIFF_WORKERS_DIR={workers_dir} {shlex.join(cmd)}\n"
          + (done.stdout + done.stderr).strip(), flush=True)


def check_tools(mge_python: str, with_jupyter: bool) -> None:
    problems = []
    if not SPHINX_BUILD.exists():
        problems.append(f"{SPHINX_BUILD} not found: run this script with the Sphinx venv's python")
    if not Path(mge_python).exists():
        problems.append(f"MegEngine interpreter {mge_python} not found (--megengine-python)")
    if with_jupyter:
        probe = subprocess.run([sys.executable, "-c", "import jupyter_sphinx, ipykernel"],
                               capture_output=True, check=False)
        if probe.returncode:
            problems.append("jupyter-sphinx/ipykernel missing: "
                            f"{BIN / 'pip'} install jupyter-sphinx ipykernel")
        if Path(mge_python).exists():
            probe = subprocess.run([mge_python, "-c", "import ipykernel"],
                                   capture_output=True, check=False)
            if probe.returncode:
                pip = Path(mge_python).parent / "pip"
                problems.append(f"ipykernel missing: {pip} install ipykernel")
    if problems:
        raise SystemExit("bench_build: cannot run:\n  " + "\n  ".join(problems))


# -- the benchmark --------------------------------------------------------------------

@dataclass
class Project:
    way: str
    tag: str  # "" or "-4x" (the same pages with 4 examples each), "-warm", "-warm-j2"
    pages: list[Page]
    repeat: int
    env: dict[str, str] = field(default_factory=dict)  # on top of the run's environment
    jobs: int | None = None  # -j for this project's builds; None: the run's --jobs
    colds: list[Build] = field(default_factory=list)
    nochange: list[Build] = field(default_factory=list)
    oneedit: list[Build] = field(default_factory=list)
    compute: dict[str, float] = field(default_factory=dict)  # of the last cold build

    @property
    def name(self) -> str:
        return self.way + self.tag


def median_build(builds: list[Build]) -> Build:
    return sorted(builds, key=lambda b: b.seconds)[(len(builds) - 1) // 2]


class Bench:
    def __init__(self, work: Path, env: dict[str, str], jobs: int | None) -> None:
        self.work, self.env, self.jobs = work, env, jobs

    def paths(self, project: Project) -> tuple[Path, Path, Path]:
        root = self.work / project.name
        return root / "src", root / "out", self.work / f"{project.name}.log"

    def build(self, project: Project, src: Path, out: Path, log: Path) -> Build:
        return sphinx_build(src, out, {**self.env, **project.env}, log,
                            project.jobs or self.jobs)

    def cold(self, project: Project) -> None:
        """A fresh project: new sources, no output, no doctrees, no result cache."""
        src, out, log = self.paths(project)
        write_project(src.parent, project.way, project.pages)
        project.colds.append(self.build(project, src, out, log))
        project.compute = snippet_compute(out)
        print(f"  {project.name:14} cold       {project.colds[-1].seconds:6.2f} s", flush=True)

    def rebuilds(self, project: Project) -> None:
        """On the last cold build: no-change rebuilds, then one-page edits (a new page each)."""
        src, out, log = self.paths(project)
        for _ in range(project.repeat):
            project.nochange.append(self.build(project, src, out, log))
            print(f"  {project.name:14} no-change  {project.nochange[-1].seconds:6.2f} s",
                  flush=True)
        for r in range(min(project.repeat, len(project.pages))):
            edit_one_page(src, project.way, project.pages[r])
            project.oneedit.append(self.build(project, src, out, log))
            print(f"  {project.name:14} one-edit   {project.oneedit[-1].seconds:6.2f} s",
                  flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, default=20, help="pages (pairs) per project (20)")
    parser.add_argument("--repeat", type=int, default=5,
                        help="builds of each kind for apidiff and unexecuted; medians reported (5)")
    parser.add_argument("--jupyter-repeat", type=int, default=1,
                        help="builds of each kind for jupyter-sphinx (1; a cold build is ~90 s)")
    parser.add_argument("--jobs", type=int, default=None, help="pass -j JOBS to sphinx-build")
    parser.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target or a correctness check is missed")
    parser.add_argument("--megengine-python", default=os.environ.get(
        "APIDIFF_PYTHON_MEGENGINE", str(ROOT / ".venv-megengine" / "bin" / "python")))
    parser.add_argument("--skip-jupyter", action="store_true", help="leave jupyter-sphinx out")
    parser.add_argument("--workdir", help="build here instead of in a new temporary directory")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    args = parser.parse_args(argv)
    n = args.pairs
    if n < 1 or args.repeat < 1 or args.jupyter_repeat < 1:
        parser.error("--pairs, --repeat and --jupyter-repeat must be at least 1")
    mge_python = os.path.abspath(args.megengine_python)
    check_tools(mge_python, not args.skip_jupyter)

    if args.workdir:
        work = Path(args.workdir).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="apidiff-bench-"))
    package, revision = snapshot_package(work)
    env = build_env(work, mge_python, package)
    workers_dir = work / "workers"  # the warm pools' sockets, private to this run
    env.update({"APIDIFF_WARM_WORKERS": "0", "APIDIFF_WORKERS_DIR": str(workers_dir)})
    warm = {"APIDIFF_WARM_WORKERS": "1"}
    bench = Bench(work, env, args.jobs)
    pages, pages4 = make_pages(n), make_pages(n, 4)
    projects = {
        "apidiff": Project("apidiff", "", pages, args.repeat),
        # The same pages with warm workers: a cold build (no output, doctrees or cache)
        # served by pools that an earlier build started; its rebuilds at -j 1 and -j 2.
        "apidiff-warm": Project("apidiff", "-warm", pages, args.repeat, env=warm),
        "apidiff-warm-j2": Project("apidiff", "-warm-j2", pages, args.repeat, env=warm, jobs=2),
        "unexecuted": Project("unexecuted", "", pages, args.repeat),
        # The same N pages with 4 examples each: 4N examples, so that the difference
        # is the cost of 3N examples and not of 3N more pages (see README).
        "apidiff-4x": Project("apidiff", "-4x", pages4, args.repeat),
        "unexecuted-4x": Project("unexecuted", "-4x", pages4, args.repeat),
        # With warm workers the two projects differ by the 3N examples alone: no import
        # of either framework, whose time varies by +-0.3 s, in either build.
        "apidiff-4x-warm": Project("apidiff", "-4x-warm", pages4, args.repeat, env=warm),
    }
    if not args.skip_jupyter:
        projects["jupyter"] = Project("jupyter", "", pages, args.jupyter_repeat)
    load_start = load_average()
    print(f"bench_build: {n} pairs, work dir {work}", flush=True)
    if load_start is not None and load_start > 0.5:
        print(f"  note: the load average is {load_start:.2f} before the first build: something "
              "else is running, and the times will be noisy", flush=True)
    print(f"  sphinx_apidiff {revision} (copied to {package})", flush=True)
    print(f"  sphinx-build {SPHINX_BUILD}; MegEngine {mge_python}; {os.cpu_count()} CPUs; "
          f"logs in the work dir", flush=True)

    try:
        imports = {"torch": time_import(sys.executable, "torch"),
                   "megengine": time_import(mge_python, "megengine"),
                   "bare_python": time_import(sys.executable, "sys")}
        print(f"  import torch {imports['torch']:.2f} s, "
              f"import megengine {imports['megengine']:.2f} s", flush=True)
        # The pools of warm workers start with a build that is not counted.
        bench.cold(projects["apidiff-warm"])
        projects["apidiff-warm"].colds.clear()
        # Cold builds interleaved, so that drift (other load, page cache) hits every way alike.
        for r in range(max(p.repeat for p in projects.values())):
            for project in projects.values():
                if r < project.repeat:
                    bench.cold(project)
        for key in ("apidiff", "apidiff-warm", "apidiff-warm-j2", "jupyter", "unexecuted"):
            if key in projects:
                bench.rebuilds(projects[key])
        # (cold builds of the -4x projects ran above; their timestamps give the phases)
        report = summarize(n, imports, projects)
        report["revision"] = revision
        report["load_average"] = {"start": load_start, "end": load_average()}
    finally:
        stop_workers(env, workers_dir)
        if not args.keep and not args.workdir:
            shutil.rmtree(work, ignore_errors=True)
    print_report(report)
    if args.json:
        Path(args.json).write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
        print(f"\nwrote {args.json}")
    return 1 if args.check and not all(report["checks"].values()) else 0


def overhead_estimate(n: int, small: Project, big: Project,
                      plain_marginal: float) -> dict[str, Any]:
    """The per-example cost from ``small`` (N examples) and ``big`` (the same pages, 4N),
    in ms. Where the marginal cost goes: execution, the env-updated phase where apidiff
    runs the examples (from the time stamps of sphinx-build's output), whose growth per
    example less the snippets' compute is what running an example through apidiff costs;
    the rest is the page (the YAML, building and writing what the example shows). The
    unexecuted pages show the same six code blocks per example, so the marginal cost beyond
    theirs (``plain_marginal``, seconds) is apidiff's own, whatever Sphinx charges for
    highlighting code."""
    def phase(p: Project) -> float:
        return statistics.median(b.phases.get("apidiff", 0.0) for b in p.colds)

    t_n, t_4n = median_build(small.colds).seconds, median_build(big.colds).seconds
    marginal = (t_4n - t_n) / (3 * n)
    # The frameworks' workers run concurrently: the snippets' wall-clock share is the
    # slower framework's (a smaller subtraction than the sum, so a larger overhead).
    compute = max(((big.compute.get(fw, 0.0) - small.compute.get(fw, 0.0)) / (3 * n)
                   for fw in big.compute), default=0.0)
    execution = (phase(big) - phase(small)) / (3 * n)
    return {
        "cold_n": t_n,
        "cold_4n": t_4n,
        "cold_4n_all": [b.seconds for b in big.colds],
        "marginal_ms": marginal * 1e3,
        "snippet_compute_ms": compute * 1e3,
        "overhead_beyond_unexecuted_ms": (marginal - compute - plain_marginal) * 1e3,
        "execution_marginal_ms": execution * 1e3,
        "execution_overhead_ms": (execution - compute) * 1e3,
        "page_marginal_ms": (marginal - execution) * 1e3,
        "page_beyond_unexecuted_ms": (marginal - execution - plain_marginal) * 1e3,
    }


def summarize(n: int, imports: dict[str, float], projects: dict[str, Project]) -> dict[str, Any]:
    def build_json(b: Build) -> dict[str, Any]:
        data = asdict(b)
        data.pop("log")
        return data

    def kinds(p: Project) -> dict[str, Any]:
        row: dict[str, Any] = {"cold": build_json(median_build(p.colds)),
                               "cold_all": [b.seconds for b in p.colds]}
        if p.nochange:
            row["nochange"] = build_json(median_build(p.nochange))
            row["nochange_all"] = [b.seconds for b in p.nochange]
            row["oneedit"] = build_json(median_build(p.oneedit))
            row["oneedit_all"] = [b.seconds for b in p.oneedit]
            row["executed"] = {"cold": [b.executed for b in p.colds],
                               "nochange": [b.executed for b in p.nochange],
                               "oneedit": [b.executed for b in p.oneedit]}
        return row

    table = {key: kinds(projects[key]) for key in SHOWN if key in projects}
    apidiff, big = projects["apidiff"], projects["apidiff-4x"]
    plain, big_plain = projects["unexecuted"], projects["unexecuted-4x"]
    t_apidiff = median_build(apidiff.colds).seconds
    t_plain = median_build(plain.colds).seconds
    floor = t_plain + imports["torch"] + imports["megengine"]

    # Per-example overhead: the marginal cost of 3N more examples, less their own compute
    # and less what the same code blocks cost unexecuted.
    plain_marginal = (median_build(big_plain.colds).seconds - t_plain) / (3 * n)
    cold_estimate = overhead_estimate(n, apidiff, big, plain_marginal)
    compute = cold_estimate["snippet_compute_ms"] / 1e3
    # The same from the fastest build of each: noise (worker imports, scheduling) only adds.
    overhead_min = (min(b.seconds for b in big.colds) - min(b.seconds for b in apidiff.colds)) / (
        3 * n) - compute
    # CPU time instead of wall clock: less sensitive to other load on the machine, but it
    # counts both workers and the main process (a cost, not a latency).
    cpu_n = statistics.median(b.cpu for b in apidiff.colds)
    cpu_4n = statistics.median(b.cpu for b in big.colds)
    compute_sum = sum(big.compute.get(fw, 0.0) - apidiff.compute.get(fw, 0.0)
                      for fw in big.compute) / (3 * n)
    cpu_overhead = (cpu_4n - cpu_n) / (3 * n) - compute_sum
    plain_cpu = (statistics.median(b.cpu for b in big_plain.colds)
                 - statistics.median(b.cpu for b in plain.colds)) / (3 * n)
    warm_estimate: dict[str, Any] = {}
    if "apidiff-4x-warm" in projects and "apidiff-warm" in projects:
        warm_estimate = overhead_estimate(n, projects["apidiff-warm"],
                                          projects["apidiff-4x-warm"], plain_marginal)
    report: dict[str, Any] = {
        "pairs": n,
        "cpus": os.cpu_count(),
        "imports": imports,
        "builds": table,
        "floor": floor,
        "per_example": {
            **cold_estimate,
            "snippet_compute_total_n": apidiff.compute,
            "snippet_compute_total_4n": big.compute,
            "overhead_ms": cold_estimate["marginal_ms"] - cold_estimate["snippet_compute_ms"],
            "overhead_from_fastest_ms": overhead_min * 1e3,
            "cpu_n": cpu_n,
            "cpu_4n": cpu_4n,
            "cpu_overhead_ms": cpu_overhead * 1e3,
            "unexecuted_cpu_marginal_ms": plain_cpu * 1e3,
            "unexecuted_cold_4n": median_build(big_plain.colds).seconds,
            "unexecuted_cold_4n_all": [b.seconds for b in big_plain.colds],
            "unexecuted_marginal_ms": plain_marginal * 1e3,
            "statuses_4n": median_build(big.colds).statuses,
            "apidiff_line_4n": median_build(big.colds).apidiff_line,
            "warm": warm_estimate,
        },
        "ratios": {
            "apidiff_cold_over_floor": t_apidiff / floor,
            "targets": {"jupyter_over_apidiff_min": TARGET_JUPYTER_RATIO,
                        "apidiff_over_floor_max": TARGET_FLOOR_RATIO,
                        "overhead_ms_max": TARGET_OVERHEAD_MS,
                        "oneedit_over_nochange_max": TARGET_ONEEDIT_RATIO},
        },
    }
    checks = {
        "apidiff_over_floor": report["ratios"]["apidiff_cold_over_floor"] <= TARGET_FLOOR_RATIO,
        # the warm estimate when there is one: the same work without the imports' noise
        "overhead": (warm_estimate or cold_estimate)["overhead_beyond_unexecuted_ms"]
        < TARGET_OVERHEAD_MS,
        "apidiff_cold_executes_all": all(b.executed == n for b in apidiff.colds),
        "apidiff_nochange_executes_nothing": all(b.executed == 0 for b in apidiff.nochange),
        "apidiff_oneedit_executes_one": all(b.executed == 1 for b in apidiff.oneedit),
        "apidiff_all_match": all(b.statuses == {"match": n} for b in apidiff.colds)
        and all(b.statuses == {"match": 4 * n} for b in big.colds),
    }
    for key in ("apidiff-warm", "apidiff-warm-j2"):
        if key not in projects:
            continue
        warm = projects[key]
        one, none = median_build(warm.oneedit).seconds, median_build(warm.nochange).seconds
        report["ratios"][f"{key}_oneedit_over_nochange"] = one / none
        checks[f"{key}_oneedit"] = one / none <= TARGET_ONEEDIT_RATIO
        checks[f"{key}_correct"] = (
            all(b.executed == n and b.statuses == {"match": n} for b in warm.colds)
            and all(b.executed == 0 for b in warm.nochange)
            and all(b.executed == 1 for b in warm.oneedit))
    report["ratios"]["apidiff_oneedit_over_nochange"] = (
        median_build(apidiff.oneedit).seconds / median_build(apidiff.nochange).seconds)
    if "jupyter" in projects:
        jupyter = projects["jupyter"]
        report["ratios"]["jupyter_cold_over_apidiff_cold"] = (
            median_build(jupyter.colds).seconds / t_apidiff
        )
        checks["jupyter_over_apidiff"] = (
            report["ratios"]["jupyter_cold_over_apidiff_cold"] >= TARGET_JUPYTER_RATIO
        )
        if "apidiff-warm" in projects:
            ratio = median_build(jupyter.colds).seconds / median_build(
                projects["apidiff-warm"].colds).seconds
            report["ratios"]["jupyter_cold_over_apidiff_warm_cold"] = ratio
            checks["jupyter_over_apidiff_warm"] = ratio >= TARGET_JUPYTER_RATIO
    report["checks"] = checks
    return report


def _spread(values: list[float]) -> str:
    return "" if len(values) < 2 else f" [{min(values):.2f}-{max(values):.2f}]"


def _print_overhead(e: dict[str, Any]) -> None:
    """The per-example overhead of one estimate (see overhead_estimate), and its split."""
    print(f"per-example overhead             {e['overhead_beyond_unexecuted_ms']:7.2f} ms   "
          "(marginal - compute - the same blocks unexecuted)")
    print(f"  where the marginal cost goes: execution (env-updated phase) "
          f"{e['execution_marginal_ms']:.2f} ms, of which "
          f"{e['execution_overhead_ms']:.2f} ms beyond compute; the page "
          f"{e['page_marginal_ms']:.2f} ms, {e['page_beyond_unexecuted_ms']:.2f} ms beyond "
          "the unexecuted page")


def print_report(r: dict[str, Any]) -> None:
    n = r["pairs"]
    print(f"\n== build times, {n} pairs, {r['cpus']} CPUs (seconds, wall clock of sphinx-build; "
          "median [min-max] of the repeats) ==")
    print(f"{'':16}{'cold':>20}{'no-change':>20}{'one-edit':>20}")
    for way, row in r["builds"].items():
        cells = [f"{row[k]['seconds']:.2f}{_spread(row[k + '_all'])}"
                 for k in ("cold", "nochange", "oneedit")]
        print(f"{LABELS[way]:16}" + "".join(f"{c:>20}" for c in cells)
              + f"   (cold CPU {row['cold']['cpu']:.2f} s)")
    load = {k: "?" if v is None else f"{v:.2f}" for k, v in r["load_average"].items()}
    print(f"sphinx_apidiff {r['revision']}; 1-min load average {load['start']} at the start, "
          f"{load['end']} at the end")
    imp = r["imports"]
    print(f"\nimport torch      {imp['torch']:.2f} s   (fresh interpreter, median of 3; "
          f"a bare interpreter start is {imp['bare_python']:.2f} s)")
    print(f"import megengine  {imp['megengine']:.2f} s")
    print(f"floor             {r['floor']:.2f} s   "
          "(unexecuted cold + import torch + import megengine)")

    print("\n== sphinx-apidiff: examples executed per build (from its 'apidiff:' line) ==")
    row = r["builds"]["apidiff"]
    for kind, label in (("cold", "cold"), ("nochange", "no-change"), ("oneedit", "one-edit")):
        b = row[kind]
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(b["statuses"].items())) or "-"
        print(f"{label:10} executed {b['executed']}, cached {b['cached']}; apidiff.json: "
              f"{statuses} (marked cached: {b['report_cached']})")
        print(f"{'':10} {b['apidiff_line']}")
    print(f"executed in every build: {row['executed']}")
    if "jupyter" in r["builds"]:
        print(f"jupyter-sphinx: pages executed per build: {r['builds']['jupyter']['executed']}")

    pe = r["per_example"]
    print(f"\n== per-example overhead (sphinx-apidiff cold builds: {n} pages with 1, then with 4 "
          "examples each) ==")
    print(f"cold, {n} examples {pe['cold_n']:.2f} s; cold, {4 * n} examples {pe['cold_4n']:.2f} s"
          f"{_spread(pe['cold_4n_all'])}")
    print(f"  {pe['apidiff_line_4n']}")
    print(f"marginal cost per example        {pe['marginal_ms']:7.2f} ms   (t(4N) - t(N)) / 3N")
    print(f"snippet compute per example      {pe['snippet_compute_ms']:7.2f} ms   "
          "(worker-measured, the slower framework)")
    print(f"  marginal - compute             {pe['overhead_ms']:7.2f} ms")
    print(f"    from the fastest build of each instead of the median: "
          f"{pe['overhead_from_fastest_ms']:.2f} ms")
    print(f"    in CPU time (all processes; compute of both frameworks subtracted): "
          f"{pe['cpu_overhead_ms']:.2f} ms (CPU {pe['cpu_n']:.2f} s -> {pe['cpu_4n']:.2f} s)")
    print(f"  the same six code blocks unexecuted  {pe['unexecuted_marginal_ms']:7.2f} ms   "
          f"({pe['unexecuted_cpu_marginal_ms']:.2f} ms in CPU time; Sphinx highlighting them)")
    _print_overhead(pe)

    w = pe.get("warm")
    if w:
        print(f"\nthe same with warm workers (no framework import in either build): cold, {n} "
              f"examples {w['cold_n']:.2f} s; cold, {4 * n} examples {w['cold_4n']:.2f} s"
              f"{_spread(w['cold_4n_all'])}")
        print(f"marginal cost per example        {w['marginal_ms']:7.2f} ms; compute "
              f"{w['snippet_compute_ms']:.2f} ms; the same blocks unexecuted "
              f"{pe['unexecuted_marginal_ms']:.2f} ms")
        _print_overhead(w)
    overhead = w["overhead_beyond_unexecuted_ms"] if w else pe["overhead_beyond_unexecuted_ms"]

    ratios, targets, checks = r["ratios"], r["ratios"]["targets"], r["checks"]

    def mark(ok: bool) -> str:
        return "ok" if ok else "MISSED"

    print("\n== ratios ==")
    for key, label, check in (
            ("jupyter_cold_over_apidiff_cold", "jupyter-sphinx cold / apidiff cold",
             "jupyter_over_apidiff"),
            ("jupyter_cold_over_apidiff_warm_cold", "  / apidiff cold, warm workers",
             "jupyter_over_apidiff_warm")):
        if key in ratios:
            print(f"{label:36}{ratios[key]:6.1f}x   target >= "
                  f"{targets['jupyter_over_apidiff_min']:g}x   {mark(checks[check])}")
    print(f"apidiff cold / floor                {ratios['apidiff_cold_over_floor']:6.2f}x"
          f"   target <= {targets['apidiff_over_floor_max']:g}x   "
          f"{mark(checks['apidiff_over_floor'])}")
    print(f"per-example overhead{' (warm)' if w else '       '}         {overhead:6.2f} ms"
          f"  target < {targets['overhead_ms_max']:g} ms   {mark(checks['overhead'])}")
    print(f"one-edit / no-change, cold workers  {ratios['apidiff_oneedit_over_nochange']:6.2f}x")
    for key, label in (("apidiff-warm", "  warm workers"), ("apidiff-warm-j2", "  warm, -j 2")):
        if f"{key}_oneedit_over_nochange" in ratios:
            print(f"{label:36}{ratios[f'{key}_oneedit_over_nochange']:6.2f}x   target <= "
                  f"{targets['oneedit_over_nochange_max']:g}x   {mark(checks[f'{key}_oneedit'])}")
    print(f"cold executes all: {mark(checks['apidiff_cold_executes_all'])}; "
          f"no-change executes nothing: {mark(checks['apidiff_nochange_executes_nothing'])}; "
          f"one-edit executes exactly one: {mark(checks['apidiff_oneedit_executes_one'])}; "
          f"all examples match: {mark(checks['apidiff_all_match'])}; warm builds the same: "
          f"{mark(all(v for k, v in checks.items() if k.endswith('_correct')))}")


if __name__ == "__main__":
    sys.exit(main())
