"""Scale benchmark: sphinx-apidiff on guides of N pairs (200 and 1600, Paddle's size).

Generates N comparison pages like the real guide's (a YAML pair per page with
3-4 parameter rows carrying notes and two examples that run in torch and
MegEngine, the guide's index with an ``apidiff-table``) into a temporary Sphinx
project with the navigation settings docs/ci.rst recommends for large guides
(``--nav furo``: the docs' theme instead), and the same pages as plain reST with
code blocks (nothing executed) for reference. For each size, in one run, each
build a separate ``sphinx-build`` process (as sphinx-autobuild runs it), for
``-j 1`` and ``-j 2``:

* plain Sphinx, cold
* apidiff live, cold (empty output, doctrees and result cache)
* apidiff from the results store, cold (``apidiff_execution_mode=cache`` after a
  store refresh with ``apidiff_store_update``)
* apidiff rebuild with no change, and after editing one example's code
* (optional) the one-edit rebuild with warm workers (``APIDIFF_WARM_WORKERS=1``)

It prints the times side by side, the ratios (live/plain, store/plain,
-j2/-j1, one-edit/no-change), where each build's time goes (start-up, read,
apidiff's execution, write, finish; from the time stamps of Sphinx's own output
lines), the cost per page at each size (flat when growth is linear), the
targets, and with ``--nav furo`` how much of the write phase is furo's global
navigation. See benchmarks/README.md.

Run with the interpreter of the Sphinx environment::

    .venv/bin/python benchmarks/bench_scale.py [--pairs 200 1600] [--repeat 1] [--keep DIR]
"""

from __future__ import annotations

import argparse
import importlib.metadata
import itertools
import json
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench_build import (
    PHASES,
    SUMMARY,
    load_average,
    phases,
    snapshot_package,
    stop_workers,
)

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
SPHINX_BUILD = BIN / "sphinx-build"
JOBS = (1, 2)


# -- the pages ------------------------------------------------------------------------

@dataclass(frozen=True)
class Op:
    """An API pair whose results match in both frameworks; ``{x}`` in the code is its input."""

    name: str
    title: str
    torch_api: str
    mge_api: str
    torch_code: str  # the expression computing y
    mge_code: str
    params: tuple[tuple[str | None, str | None, str], ...]  # (torch, megengine, note)
    inputs: tuple[tuple[str, tuple[int, ...]], ...] = (("x", (4, 8)),)
    summary: str = "The same operation; some parameters have other names."


OPS = (
    Op("softmax", "Softmax", "torch.nn.functional.softmax", "megengine.functional.softmax",
       "torch.nn.functional.softmax({x}, dim=1)", "megengine.functional.softmax({x}, axis=1)",
       (("input", "inp", "Input tensor."),
        ("dim", "axis", "Axis along which the outputs sum to one; pass it explicitly."),
        ("dtype", None, "No counterpart: cast the input first."))),
    Op("sum", "Sum", "torch.Tensor.sum", "megengine.Tensor.sum",
       "{x}.sum(dim=1)", "{x}.sum(axis=1)",
       (("dim", "axis", "Axis or tuple of axes to reduce; ``None`` reduces all."),
        ("keepdim", "keepdims", "Keep the reduced axes with size 1."),
        ("dtype", None, "No counterpart: cast the input first."))),
    Op("matmul", "Matrix product", "torch.matmul", "megengine.functional.matmul",
       "torch.matmul({x}, w)", "megengine.functional.matmul({x}, w)",
       (("input", "inp1", "Left operand."),
        ("other", "inp2", "Right operand."),
        (None, "transpose_a", "Use the transpose of the last two axes of ``inp1``."),
        (None, "transpose_b", "Use the transpose of the last two axes of ``inp2``.")),
       inputs=(("x", (4, 8)), ("w", (8, 4)))),
    Op("mean", "Mean", "torch.Tensor.mean", "megengine.Tensor.mean",
       "{x}.mean(dim=1)", "{x}.mean(axis=1)",
       (("dim", "axis", "Axis or tuple of axes to average; ``None`` averages all."),
        ("keepdim", "keepdims", "Keep the reduced axes with size 1."),
        ("dtype", None, "No counterpart: cast the input first."))),
    Op("cumsum", "Cumulative sum", "torch.cumsum", "megengine.functional.cumsum",
       "torch.cumsum({x}, dim=1)", "megengine.functional.cumsum({x}, axis=1)",
       (("input", "inp", "Input tensor."),
        ("dim", "axis", "Axis of the running sum; required in both."),
        ("dtype", None, "No counterpart: cast the input first."))),
    Op("clip", "Clamp", "torch.clamp", "megengine.functional.clip",
       "torch.clamp({x}, min=-0.5, max=0.5)",
       "megengine.functional.clip({x}, lower=-0.5, upper=0.5)",
       (("input", "x", "Input tensor."),
        ("min", "lower", "Lower bound; ``None`` leaves values unbounded below."),
        ("max", "upper", "Upper bound; ``None`` leaves values unbounded above."))),
    Op("flatten", "Flatten", "torch.flatten", "megengine.functional.flatten",
       "torch.flatten({x}, start_dim=1)", "megengine.functional.flatten({x}, start_axis=1)",
       (("input", "inp", "Input tensor."),
        ("start_dim", "start_axis", "First axis to flatten."),
        ("end_dim", "end_axis", "Last axis to flatten (inclusive).")),
       inputs=(("x", (2, 3, 4)),)),
    Op("leaky_relu", "Leaky ReLU", "torch.nn.functional.leaky_relu",
       "megengine.functional.leaky_relu",
       "torch.nn.functional.leaky_relu({x}, negative_slope=0.1)",
       "megengine.functional.leaky_relu({x}, negative_slope=0.1)",
       (("input", "inp", "Input tensor."),
        ("negative_slope", "negative_slope", "Slope for negative inputs; the same default."),
        ("inplace", None, "No counterpart; MegEngine always returns a new tensor."))),
)

# The second example of each page first applies one of these elementwise ops (round-robin).
ELEMENTWISE = (
    ("relu", "torch.relu", "megengine.functional.relu"),
    ("sigmoid", "torch.sigmoid", "megengine.functional.sigmoid"),
    ("exp", "torch.exp", "megengine.functional.exp"),
    ("tanh", "torch.tanh", "megengine.functional.tanh"),
)

PRINT_LINE = "print(tuple(y.shape))"
EDITED_PRINT_LINE = 'print("shape:", tuple(y.shape))'


@dataclass(frozen=True)
class Example:
    title: str
    seed: int  # distinct per example, so that no two examples share a cache key
    torch: str  # code lines
    megengine: str


@dataclass(frozen=True)
class Page:
    index: int
    op: Op

    @property
    def name(self) -> str:
        return f"{self.op.name}_{self.index:04d}"

    @property
    def title(self) -> str:
        return f"{self.op.title} ({self.index})"

    def examples(self) -> list[Example]:
        op = self.op
        first = op.inputs[0][0]
        ew, ew_torch, ew_mge = ELEMENTWISE[self.index % len(ELEMENTWISE)]
        return [
            Example("Basic use", 2 * self.index,
                    f"y = {op.torch_code.format(x=first)}\n{PRINT_LINE}\n",
                    f"y = {op.mge_code.format(x=first)}\n{PRINT_LINE}\n"),
            Example(f"After {ew}", 2 * self.index + 1,
                    f"h = {ew_torch}({first})\ny = {op.torch_code.format(x='h')}\n{PRINT_LINE}\n",
                    f"h = {ew_mge}({first})\ny = {op.mge_code.format(x='h')}\n{PRINT_LINE}\n"),
        ]


def make_pages(n: int) -> list[Page]:
    return [Page(i, OPS[i % len(OPS)]) for i in range(n)]


def usage(page: Page) -> str:
    renamed = [f"``{t}`` to ``{m}``" for t, m, _ in page.op.params if t and m and t != m]
    return ("Rename " + ", ".join(renamed) + "." if renamed else "Call it the same way.") + (
        " Both examples below run in both frameworks on the same inputs.")


def yaml_text(page: Page) -> str:
    op = page.op
    params = "".join(
        "  -" + "".join(f" {fw}: {name}\n   " for fw, name in (("torch", t), ("megengine", m))
                        if name)
        + f" note: {json.dumps(note)}\n"
        for t, m, note in op.params
    )
    inputs = "".join(f"      {name}: {{shape: {list(shape)}, dtype: float32}}\n"
                     for name, shape in op.inputs)
    examples = "".join(
        f"  - title: {json.dumps(ex.title)}\n"
        f"    seed: {ex.seed}\n"
        f"    inputs:\n{inputs}"
        "    code:\n"
        f"      torch: |\n{textwrap.indent(ex.torch, ' ' * 8)}"
        f"      megengine: |\n{textwrap.indent(ex.megengine, ' ' * 8)}"
        "    compare: [y]\n"
        for ex in page.examples()
    )
    return (
        f"id: {page.name.replace('_', '-')}\n"
        f"title: {json.dumps(page.title)}\n"
        f"apis:\n  torch: {op.torch_api}\n  megengine: {op.mge_api}\n"
        f"summary: {json.dumps(op.summary)}\n"
        f"usage: {json.dumps(usage(page))}\n"
        f"params:\n{params}"
        f"examples:\n{examples}"
    )


def heading(text: str, char: str) -> str:
    return f"{text}\n{char * len(text)}\n\n"


def rst_plain(page: Page) -> str:
    """The same page as plain reST: the text, a parameter table, the code of the examples."""
    op = page.op
    rows = "".join(
        f"   * - {f'``{t}``' if t else '--'}\n     - {f'``{m}``' if m else '--'}\n"
        f"     - {note}\n"
        for t, m, note in op.params
    )
    examples = "".join(
        heading(ex.title, "~")
        + f"PyTorch:\n\n.. code-block:: python\n\n{textwrap.indent(ex.torch, '   ')}\n"
        + f"MegEngine:\n\n.. code-block:: python\n\n{textwrap.indent(ex.megengine, '   ')}\n"
        for ex in page.examples()
    )
    return (
        heading(page.title, "=")
        + f"``{op.torch_api}`` and ``{op.mge_api}``. {op.summary}\n\n"
        + heading("Usage", "-") + usage(page) + "\n\n"
        + heading("Parameters", "-")
        + ".. list-table::\n   :header-rows: 1\n\n"
        + "   * - PyTorch\n     - MegEngine\n     - Note\n" + rows + "\n"
        + heading("Examples", "-") + examples
    )


# The navigation a large guide should use (docs/ci.rst, "Large guides"): alabaster with
# the page's own contents, previous/next and search in the sidebar, no site-wide tree. The
# guide's index (the ``apidiff-table`` overview) is the table of contents.
CONF_RECOMMENDED = '''
html_theme = "alabaster"
html_sidebars = {"**": ["localtoc.html", "relations.html", "searchbox.html"]}
exclude_patterns = ["_build"]
'''

# furo, with the exploratory "cheap navigation" setting: furo computes the whole navigation
# tree (every page of the toctree) for every page it writes, in its html-page-context
# handler. Before that handler runs (priority 100 < furo's 500), replace the page's
# toctree() function by one that returns nothing: furo renders an empty sidebar tree.
CONF_FURO = '''
html_theme = "furo"
exclude_patterns = ["_build"]


def _cheap_navigation(app, pagename, templatename, context, doctree):
    if app.config.bench_cheap_nav:
        context["toctree"] = lambda **kwargs: ""


def setup(app):
    app.add_config_value("bench_cheap_nav", False, "html", bool)
    app.connect("html-page-context", _cheap_navigation, priority=100)
'''
NAVS = {"recommended": CONF_RECOMMENDED, "furo": CONF_FURO}
NAV_LABELS = {"recommended": "alabaster with the recommended sidebar (docs/ci.rst)",
              "furo": "furo (its site-wide navigation on every page)"}


def write_project(src: Path, apidiff: bool, pages: list[Page], nav: str = "recommended") -> None:
    """A fresh Sphinx project: index -> guide/index (the table, a hidden toctree) -> pages."""
    if src.exists():
        shutil.rmtree(src)
    (src / "guide").mkdir(parents=True)
    conf = ("project = 'scale-apidiff'\nextensions = ['sphinx_apidiff']\n"
            "apidiff_store_path = '_apidiff_store'\n" if apidiff
            else "project = 'scale-plain'\nextensions = []\n")
    (src / "conf.py").write_text(conf + NAVS[nav], encoding="utf-8")
    (src / "index.rst").write_text(
        heading("Scale benchmark", "=")
        + ".. toctree::\n   :maxdepth: 2\n   :caption: Migration guide\n\n   guide/index\n",
        encoding="utf-8")
    table = (".. apidiff-table::\n   :sort: reference\n" if apidiff else
             "".join(f"* :doc:`{p.name}`\n" for p in pages))
    (src / "guide" / "index.rst").write_text(
        heading("PyTorch -> MegEngine migration guide", "=") + table
        + "\n.. toctree::\n   :maxdepth: 1\n   :glob:\n   :hidden:\n\n   *\n",
        encoding="utf-8")
    if apidiff:
        (src / "pairs").mkdir()
    for page in pages:
        if apidiff:
            (src / "pairs" / f"{page.name}.yaml").write_text(yaml_text(page), encoding="utf-8")
            text = f".. apidiff:: /pairs/{page.name}.yaml\n"
        else:
            text = rst_plain(page)
        (src / "guide" / f"{page.name}.rst").write_text(text, encoding="utf-8")


def edit_one_example(src: Path, page: Page) -> str:
    """Change the code of ``page``'s first example (both frameworks), or change it back."""
    path = src / "pairs" / f"{page.name}.yaml"
    text = path.read_text(encoding="utf-8")
    old, new = ((EDITED_PRINT_LINE, PRINT_LINE) if EDITED_PRINT_LINE in text
                else (PRINT_LINE, EDITED_PRINT_LINE))
    path.write_text(text.replace(old, new, 2), encoding="utf-8")  # example 1's two lines
    return f"pairs/{page.name}.yaml"


# -- a build --------------------------------------------------------------------------

@dataclass
class Build:
    label: str
    seconds: float
    phases: dict[str, float] = field(default_factory=dict)
    apidiff_line: str | None = None
    executed: int | None = None
    cached: int | None = None
    statuses: dict[str, int] = field(default_factory=dict)
    warnings: int = 0
    pages: int = 0  # pages written, for a cold build (all of them); 0: not known


class Runner:
    def __init__(self, work: Path, env: dict[str, str]) -> None:
        self.work, self.env = work, env
        self.log = work / "builds.log"

    def run(self, label: str, src: str, out: str, jobs: int, *, extra: tuple[str, ...] = (),
            env: dict[str, str] | None = None, cold: bool = False) -> Build:
        cmd = [str(SPHINX_BUILD), "-b", "html", "-j", str(jobs), *extra, src, out]
        env_note = " ".join(f"{k}={v}" for k, v in (env or {}).items())
        shown = (env_note + " " if env_note else "") + shlex.join(cmd)
        print(f"  $ {shown}", flush=True)
        lines: list[tuple[float, str]] = []
        started = time.perf_counter()
        with subprocess.Popen(cmd, cwd=self.work, env={**self.env, **(env or {})},
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                              bufsize=1) as proc:
            assert proc.stdout is not None
            for line in proc.stdout:
                lines.append((time.perf_counter() - started, line.rstrip("\n")))
        seconds = time.perf_counter() - started
        with self.log.open("a", encoding="utf-8") as handle:
            handle.write(f"$ {shown}\n" + "".join(f"[{t:8.3f}] {s}\n" for t, s in lines)
                         + f"[{seconds:.3f} s, exit {proc.returncode}]\n\n")
        if proc.returncode != 0:
            tail = "\n".join(s for _, s in lines[-30:])
            raise SystemExit(f"sphinx-build failed (exit {proc.returncode}); log {self.log}:\n"
                             f"{tail}")
        build = Build(label, seconds, phases(lines, seconds),
                      warnings=sum(1 for _, s in lines if "WARNING" in s))
        if cold:
            build.pages = sum(1 for _ in (self.work / src).rglob("*.rst"))
        for _, text in lines:
            match = SUMMARY.match(text.strip())
            if match:  # the last one wins
                build.apidiff_line = text.strip()
                if match.group(1):
                    build.executed, build.cached = int(match.group(2)), int(match.group(3))
                elif re.search(r"\b(nothing|no example|up to date)\b", text):
                    build.executed, build.cached = 0, 0
        report = self.work / out / "apidiff.json"
        if report.exists():
            data = json.loads(report.read_text(encoding="utf-8"))
            build.statuses = dict(Counter(ex["status"] for pair in data["pairs"]
                                          for ex in pair["examples"]))
        note = f"executed {build.executed}" if build.executed is not None else ""
        if build.warnings:
            note += f"; {build.warnings} WARNING lines (see {self.log})"
        print(f"    {label:34} {seconds:7.2f} s   {note}", flush=True)
        return build


def median(builds: list[Build]) -> Build:
    """The median build (the lower of the middle two for an even count)."""
    return sorted(builds, key=lambda b: b.seconds)[(len(builds) - 1) // 2]


# -- the benchmark --------------------------------------------------------------------

@dataclass
class Results:
    rows: dict[tuple[str, int], list[Build]] = field(default_factory=dict)  # (kind, jobs)
    extra: dict[str, list[Build]] = field(default_factory=dict)

    def add(self, key: tuple[str, int], build: Build) -> None:
        self.rows.setdefault(key, []).append(build)

    def get(self, kind: str, jobs: int) -> Build | None:
        builds = self.rows.get((kind, jobs))
        return median(builds) if builds else None


ROW_LABELS = {
    "plain": "plain Sphinx, cold (no execution)",
    "live": "apidiff live, cold (empty cache)",
    "store": "apidiff from the store, cold",
    "nochange": "apidiff rebuild, no change",
    "oneedit": "apidiff rebuild, one example edited",
    "warm": "  the same with warm workers",
}
SHORT_LABELS = {"plain": "plain cold", "live": "live cold", "store": "store cold",
                "nochange": "no-change", "oneedit": "one-edit", "warm": "one-edit, warm"}


def run_benchmark(args: argparse.Namespace, n: int, work: Path, runner: Runner) -> Results:
    repeat, nav = args.repeat, args.nav
    pages = make_pages(n)
    res = Results()
    edits = itertools.count()

    def fresh(out: str) -> str:
        shutil.rmtree(work / out, ignore_errors=True)
        return out

    def one_edit(label: str, src: str, out: str, jobs: int,
                 env: dict[str, str] | None = None) -> Build:
        page = pages[(next(edits) * 37 + n // 2) % n]  # a different page each time
        edited = edit_one_example(work / src, page)
        print(f"  (edited the first example's code in {src}/{edited})", flush=True)
        return runner.run(label, src, out, jobs, env=env)

    # One source tree per output tree, so that an edit is seen by exactly one of them:
    # apidiff-j1 and apidiff-j2 (live builds and rebuilds), apidiff (store refresh, store).
    write_project(work / "plain", False, pages, nav)
    for src in ("apidiff-j1", "apidiff-j2", "apidiff"):
        write_project(work / src, True, pages, nav)
    print(f"\n== builds ({n} pairs, {2 * n} examples; in {work}) ==", flush=True)
    for _ in range(repeat):
        for jobs in JOBS:
            res.add(("plain", jobs), runner.run(f"plain cold -j {jobs}", "plain",
                                                fresh(f"out/plain-j{jobs}"), jobs, cold=True))
    for jobs in JOBS:
        src, out = f"apidiff-j{jobs}", f"out/live-j{jobs}"
        for _ in range(repeat):
            res.add(("live", jobs), runner.run(f"live cold -j {jobs}", src, fresh(out), jobs,
                                               cold=True))
        for _ in range(repeat):
            res.add(("nochange", jobs), runner.run(f"no-change -j {jobs}", src, out, jobs))
        for _ in range(repeat):
            res.add(("oneedit", jobs), one_edit(f"one-edit -j {jobs}", src, out, jobs))

    # The store: refreshed by a live build (-E: every page read, so every pair recorded),
    # then cold builds in cache mode read everything from it (their result cache is empty).
    res.extra["refresh"] = [runner.run("store refresh (live, -E) -j 2", "apidiff",
                                       fresh("out/refresh"), 2,
                                       extra=("-E", "-D", "apidiff_store_update=1"))]
    store_mode = ("-D", "apidiff_execution_mode=cache")
    for _ in range(repeat):
        for jobs in JOBS:
            res.add(("store", jobs), runner.run(f"store cold -j {jobs}", "apidiff",
                                                fresh(f"out/store-j{jobs}"), jobs,
                                                extra=store_mode, cold=True))
    if nav == "furo":
        explore_furo(n, repeat, work, runner, res, fresh)
    if not args.no_warm:
        warm = {"APIDIFF_WARM_WORKERS": "1"}
        res.extra["warm-first"] = [one_edit("one-edit -j 1, warm (starts the pool)",
                                            "apidiff-j1", "out/live-j1", 1, warm)]
        for jobs in JOBS:
            for _ in range(repeat):
                res.add(("warm", jobs), one_edit(f"one-edit -j {jobs}, warm", f"apidiff-j{jobs}",
                                                 f"out/live-j{jobs}", jobs, warm))
    return res


def explore_furo(n: int, repeat: int, work: Path, runner: Runner, res: Results,
                 fresh: Callable[[str], str]) -> None:
    """Exploratory: the same cold builds with furo's navigation tree made empty, and a
    quarter of the pages, to see how furo's navigation grows with the page count."""
    store_mode = ("-D", "apidiff_execution_mode=cache")
    cheap = ("-D", "bench_cheap_nav=1")
    for _ in range(repeat):
        res.extra.setdefault("plain-cheapnav", []).append(
            runner.run("plain cold -j 1, cheap nav", "plain", fresh("out/plain-cheapnav"), 1,
                       extra=cheap, cold=True))
        res.extra.setdefault("store-cheapnav", []).append(
            runner.run("store cold -j 1, cheap nav", "apidiff", fresh("out/store-cheapnav"), 1,
                       extra=store_mode + cheap, cold=True))
    if n >= 8:  # the write phase's growth with the page count: a quarter of the pages
        quarter = make_pages(n // 4)
        write_project(work / "plain-quarter", False, quarter, "furo")
        for _ in range(repeat):
            res.extra.setdefault("plain-quarter", []).append(
                runner.run(f"plain cold -j 1, {n // 4} pages", "plain-quarter",
                           fresh("out/plain-quarter"), 1, cold=True))
            res.extra.setdefault("plain-quarter-cheapnav", []).append(
                runner.run(f"plain cold -j 1, {n // 4} pages, cheap nav", "plain-quarter",
                           fresh("out/plain-quarter-cheapnav"), 1, extra=cheap,
                           cold=True))


# -- the report -----------------------------------------------------------------------

def ratio(a: Build | None, b: Build | None) -> str:
    return f"{a.seconds / b.seconds:.2f}x" if a and b and b.seconds else "-"


def print_report(args: argparse.Namespace, n: int, res: Results,
                 machine: dict[str, str]) -> None:
    print(f"\n== {n} pairs ({2 * n} examples, {n + 2} pages), {NAV_LABELS[args.nav]}; seconds, "
          f"wall clock of one sphinx-build process; median of {args.repeat} ==")
    print("  " + "; ".join(f"{k} {v}" for k, v in machine.items()))
    print(f"{'':40}{'-j 1':>9}{'-j 2':>9}{'-j2/-j1':>9}   executed (-j 1 / -j 2)")
    for kind, label in ROW_LABELS.items():
        b1, b2 = res.get(kind, 1), res.get(kind, 2)
        if not (b1 or b2):
            continue
        cells = [f"{b.seconds:.2f}" if b else "-" for b in (b1, b2)]
        executed = " / ".join("-" if b is None or b.executed is None else str(b.executed)
                              for b in (b1, b2))
        print(f"{label:40}{cells[0]:>9}{cells[1]:>9}{ratio(b2, b1):>9}   {executed}")
    refresh = res.extra["refresh"][0]
    print(f"{'store refresh (live, -E, empty cache)':40}{'':9}{refresh.seconds:9.2f}"
          f"{'':9}   {refresh.executed}")
    if "warm-first" in res.extra:
        first = res.extra["warm-first"][0]
        print(f"{'  warm, first build (starts the pool)':40}{first.seconds:9.2f}"
              f"{'':18}   {first.executed}")

    print("\nratios                                      -j 1     -j 2")
    for label, top, bottom in (("live cold / plain cold", "live", "plain"),
                               ("store cold / plain cold", "store", "plain"),
                               ("live cold / store cold", "live", "store"),
                               ("one-edit / no-change", "oneedit", "nochange"),
                               ("one-edit warm / no-change", "warm", "nochange"),
                               ("one-edit warm / one-edit", "warm", "oneedit")):
        cells = [ratio(res.get(top, j), res.get(bottom, j)) for j in JOBS]
        print(f"  {label:40}{cells[0]:>7}{cells[1]:>9}")

    print("\n== where the time goes (seconds; from the time stamps of sphinx-build's output "
          "lines) ==")
    print("  start-up: imports, conf.py, loading the environment; read: parsing the pages; "
          "apidiff:\n  env-updated, where apidiff runs or looks up the examples; prepare: "
          "consistency, pickling;\n  write: writing the HTML pages; finish: indices, search "
          "index, static files, apidiff.json")
    print(f"{'':40}" + "".join(f"{p:>9}" for p in PHASES) + f"{'write/page':>12}")
    shown: list[tuple[str, Build]] = []
    for kind in ROW_LABELS:
        for jobs in JOBS:
            b = res.get(kind, jobs)
            if b:
                shown.append((SHORT_LABELS[kind] + f" -j {jobs}", b))
    for key in ("refresh", "warm-first", "plain-cheapnav", "store-cheapnav", "plain-quarter",
                "plain-quarter-cheapnav"):
        if key in res.extra:
            shown.append((median(res.extra[key]).label, median(res.extra[key])))
    for label, b in shown:
        per_page = f"{1e3 * b.phases['write'] / b.pages:9.1f} ms" if b.pages else "-"
        print(f"{label[:39]:40}" + "".join(f"{b.phases[p]:9.2f}" for p in PHASES)
              + f"{per_page:>12}")

    print_furo_exploration(n, res)
    warned = [b for builds in (*res.rows.values(), *res.extra.values()) for b in builds
              if b.warnings]
    if warned:
        print("\nbuilds with WARNING lines: "
              + ", ".join(f"{b.label} ({b.warnings})" for b in warned))
    bad = {b.label: b.statuses for builds in res.rows.values() for b in builds
           if b.statuses and set(b.statuses) != {"match"}}
    print("every example matches in every build: " + ("yes" if not bad else f"NO: {bad}"))


def print_furo_exploration(n: int, res: Results) -> None:
    if "plain-cheapnav" not in res.extra:
        return
    print("\n== exploratory: furo's global navigation (-D bench_cheap_nav=1 replaces the "
          "page's toctree()\n   by an empty one before furo renders its sidebar; -j 1, "
          "cold) ==")
    for label, default, cheap, pages in (
            ("plain", res.get("plain", 1), res.extra.get("plain-cheapnav"), n),
            ("apidiff from the store", res.get("store", 1), res.extra.get("store-cheapnav"), n),
            ("plain, a quarter of the pages", median(res.extra["plain-quarter"])
             if "plain-quarter" in res.extra else None,
             res.extra.get("plain-quarter-cheapnav"), n // 4)):
        if not default or not cheap:
            continue
        c = median(cheap)
        saved = default.phases["write"] - c.phases["write"]
        print(f"  {label:30} ({pages + 2} pages): total {default.seconds:6.2f} -> "
              f"{c.seconds:6.2f} s; write {default.phases['write']:6.2f} -> "
              f"{c.phases['write']:6.2f} s; navigation {saved:6.2f} s = "
              f"{1e3 * saved / (pages + 2):5.1f} ms per page "
              f"({100 * saved / default.seconds:.0f}% of the build)")


#: The issue's targets at scale (seconds on 2 cores, the recommended navigation settings).
TARGET_STORE_1600 = 5 * 60
TARGET_LIVE_1600 = 15 * 60


def print_summary(args: argparse.Namespace, results: dict[int, Results]) -> bool:
    """Cost per page at every size (linear growth keeps it flat), and the targets; True
    when every target that this run measured is met."""
    print("\n== growth: milliseconds per page (cold build / (pairs + 2 pages)) ==")
    print(f"{'':26}" + "".join(f"{f'{n} pairs':>14}" for n in results))
    for kind in ("plain", "live", "store"):
        for jobs in JOBS:
            cells = []
            for n, res in results.items():
                b = res.get(kind, jobs)
                cells.append(f"{1e3 * b.seconds / (n + 2):11.1f} ms" if b else "-")
            print(f"{SHORT_LABELS[kind] + f' -j {jobs}':26}" + "".join(f"{c:>14}" for c in cells))
    print("\n== targets ==")
    ok = True

    def check(label: str, met: bool | None, detail: str) -> None:
        nonlocal ok
        if met is None:
            print(f"  {label:52} not measured ({detail})")
            return
        ok = ok and met
        print(f"  {label:52} {'ok' if met else 'MISSED'}   {detail}")

    for n, res in results.items():
        live1, live2 = res.get("live", 1), res.get("live", 2)
        if live1 and live2:
            check(f"{n} pairs: live cold -j 2 faster than -j 1", live2.seconds < live1.seconds,
                  f"{live2.seconds:.1f} s vs {live1.seconds:.1f} s ({ratio(live2, live1)})")
    big = results.get(1600)
    recommended = args.nav == "recommended"
    for kind, target, what in (("store", TARGET_STORE_1600, "from the store"),
                               ("live", TARGET_LIVE_1600, "live")):
        b = big.get(kind, 2) if big and recommended else None
        check(f"1600 pairs {what}, -j 2, recommended settings: < {target // 60} min",
              None if b is None else b.seconds < target,
              f"{b.seconds:.0f} s" if b else "run with --pairs 1600 --nav recommended")
    return ok


def machine_info(mge_python: str, revision: str, nav: str) -> dict[str, str]:
    def version(dist: str) -> str:
        try:
            return importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            return "missing"

    probe = subprocess.run(
        [mge_python, "-c", "import importlib.metadata as m, platform; "
         "print(m.version('megengine'), platform.python_version())"],
        capture_output=True, text=True, check=False)
    mge = probe.stdout.split() if probe.returncode == 0 else ["missing", "?"]
    return {
        "cores": str(os.cpu_count()),
        "python": platform.python_version(),
        "sphinx": version("sphinx"),
        **({"alabaster": version("alabaster")} if nav == "recommended"
           else {"furo": version("furo")}),
        "torch": version("torch"),
        "megengine": f"{mge[0]} (python {mge[-1]})",
        "sphinx_apidiff": revision,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pairs", type=int, nargs="+", default=[200, 1600], metavar="N",
                        help="pairs (pages) to generate; one complete run per size, smallest "
                        "first (200 1600)")
    parser.add_argument("--nav", choices=sorted(NAVS), default="recommended",
                        help="navigation settings: 'recommended' (alabaster, the sidebar of "
                        "docs/ci.rst) or 'furo' (with the exploratory cheap-navigation builds)")
    parser.add_argument("--check", action="store_true",
                        help="exit 1 when a target this run measured is missed")
    parser.add_argument("--repeat", type=int, default=1,
                        help="builds of each kind; the median is reported (1)")
    parser.add_argument("--keep", metavar="DIR",
                        help="build in DIR and keep it (projects, outputs, builds.log)")
    parser.add_argument("--no-warm", action="store_true",
                        help="leave out the one-edit rebuilds with warm workers")
    parser.add_argument("--megengine-python", default=os.environ.get(
        "APIDIFF_PYTHON_MEGENGINE", str(ROOT / ".venv-megengine" / "bin" / "python")))
    args = parser.parse_args(argv)
    if min(args.pairs) < 1 or args.repeat < 1:
        parser.error("--pairs and --repeat must be at least 1")
    mge_python = os.path.abspath(args.megengine_python)
    for path, what in ((SPHINX_BUILD, "run this script with the Sphinx venv's python"),
                       (Path(mge_python), "MegEngine's interpreter (--megengine-python)")):
        if not path.exists():
            raise SystemExit(f"bench_scale: {path} not found: {what}")

    if args.keep:
        work = Path(args.keep).resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="apidiff-scale-"))
    workers_dir = work / "workers"  # private (0700): the warm pools' sockets
    env: dict[str, str] | None = None
    try:
        package, revision = snapshot_package(work)
        env = dict(os.environ)
        env.update({
            "PYTHONPATH": os.pathsep.join(p for p in (str(package), env.get("PYTHONPATH")) if p),
            "APIDIFF_PYTHON_MEGENGINE": mge_python,
            "APIDIFF_WORKERS_DIR": str(workers_dir),
            "APIDIFF_WARM_WORKERS": "0",  # the warm builds set it to 1
        })
        machine = machine_info(mge_python, revision, args.nav)
        load_start = load_average()
        sizes = sorted(set(args.pairs))
        print(f"bench_scale: {' and '.join(map(str, sizes))} pairs, {args.nav} navigation, "
              f"repeat {args.repeat}; "
              + "; ".join(f"{k} {v}" for k, v in machine.items()))
        print(f"  every command runs in {work} with PYTHONPATH={package} (a copy of "
              f"sphinx_apidiff), APIDIFF_PYTHON_MEGENGINE={mge_python}, "
              f"APIDIFF_WORKERS_DIR={workers_dir}, APIDIFF_WARM_WORKERS=0 unless shown; "
              f"full output of each in {work}/<N>-pairs/builds.log")
        if load_start is not None and load_start > 0.5:
            print(f"  note: the 1-min load average is {load_start:.2f} before the first build: "
                  "something else is running, and the times will be noisy")
        started = time.perf_counter()
        results: dict[int, Results] = {}
        for n in sizes:
            where = work / f"{n}-pairs"
            where.mkdir(exist_ok=True)
            results[n] = run_benchmark(args, n, where, Runner(where, env))
            print_report(args, n, results[n], machine)  # as soon as a size is done
        total = time.perf_counter() - started
    finally:
        stop_workers(env, workers_dir)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    met = print_summary(args, results)
    load_end = load_average()
    loads = ["?" if v is None else f"{v:.2f}" for v in (load_start, load_end)]
    print(f"\n1-min load average {loads[0]} at the start, {loads[1]} at the end; "
          f"the whole run took {total:.0f} s")
    if args.keep:
        print(f"kept {work}")
    return 1 if args.check and not met else 0


if __name__ == "__main__":
    sys.exit(main())
