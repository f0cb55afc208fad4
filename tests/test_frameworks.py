"""Framework adapters: PaddlePaddle and JAX as real runtimes (dtype names, bfloat16, errors),
gradients in the four frameworks, and an adapter a third party installs (an entry point)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from sphinx_apidiff import frameworks
from sphinx_apidiff.execution.autodiff import finish_code
from sphinx_apidiff.execution.engine import Engine
from sphinx_apidiff.execution.results import ExampleJob
from sphinx_apidiff.execution.runtime.pool.key import pool_key
from sphinx_apidiff.execution.runtime.probe import probe
from sphinx_apidiff.execution.runtime.runtime import Runtime
from sphinx_apidiff.model.spec import parse_pair

from .conftest import MEGENGINE_PYTHON

FOUR = ["torch", "megengine", "paddle", "jax"]


def _job(text: str, fws: list[str]) -> ExampleJob:
    pair, diags = parse_pair(text, "p.yaml")
    assert diags == [] and pair is not None, diags
    example = pair.examples[0]
    if example.sweep is not None:  # its one cell
        (cell,) = example.sweep.cells()
        example = example.for_cell(cell)
    return ExampleJob(example, fws, pair_id=pair.id)


def _example(apis: dict[str, str], inputs: str, code: dict[str, str], rest: str = "") -> str:
    lines = [
        "apis: " + json.dumps(apis),
        "examples:",
        "  - inputs: " + inputs,
        "    code: " + json.dumps(code),
        "    compare: [y]",
    ]
    return "\n".join(lines) + "\n" + rest


PADDLE_MODULE = """\
apis: {torch: torch.nn.Linear, paddle: paddle.nn.Linear}
examples:
  - inputs: {x: {shape: [4, 3]}}
    modules:
      fc:
        torch: torch.nn.Linear(3, 2)
        paddle: paddle.nn.Linear(3, 2)
        names: {paddle: {weight: weight.T}}
    code: {torch: 'y = fc(x).sum()', paddle: 'y = fc(x).sum()'}
    compare: [y]
    grad: {of: y, wrt: [x, fc]}
"""


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Paddle and JAX against torch, in one engine (a worker per framework)."""
    apis = {"torch": "torch.mul", "paddle": "paddle.multiply", "jax": "jax.numpy.multiply"}
    jobs = {  # each a (pair text, frameworks)
        "float32": (
            _example(apis, "{x: {shape: [2, 3]}}", dict.fromkeys(apis, "y = x * 2")),
            list(apis),
        ),
        "bfloat16": (
            _example(
                apis,
                "{x: {shape: [2, 3]}}",
                dict.fromkeys(apis, "y = x * 2"),
                "    sweep: {dtypes: [bfloat16]}\n",
            ),
            list(apis),
        ),
        "error": (
            _example(
                {"torch": "torch.matmul", "paddle": "paddle.matmul", "jax": "jax.numpy.matmul"},
                "{x: {shape: [2, 3]}}",
                {
                    "torch": "y = torch.matmul(x, x)",
                    "paddle": "y = paddle.matmul(x, x)",
                    "jax": "y = jax.numpy.matmul(x, x)",
                },
            ),
            ["torch", "paddle", "jax"],
        ),
        "module": (PADDLE_MODULE, ["torch", "paddle"]),
    }
    results = {}
    with Engine(cache_path=tmp_path_factory.mktemp("cache"), mode="force") as engine:
        for name, (text, fws) in jobs.items():  # one by one: what breaks fails its test only
            try:
                (results[name],) = engine.run([_job(text, fws)])
            except Exception as exc:
                results[name] = exc
    return results


def _result(runs, name):
    if isinstance(runs[name], Exception):
        raise runs[name]
    return runs[name]


def test_paddle_and_jax_name_their_dtypes_as_numpy_does(runs):
    """``paddle.float32`` reads ``float32``: the same dtype as torch's, no "dtypes differ"."""
    y = _result(runs, "float32").results["y"]
    assert y.dtypes == {"torch": "float32", "paddle": "float32", "jax": "float32"}
    assert y.dtype_equal and y.passed, y


def test_a_bfloat16_tensor_comes_back_as_its_values(runs):
    """Paddle gives a bfloat16 tensor's raw bits (uint16) and JAX an ml_dtypes array numpy
    cannot save: both travel as float32 values, their dtype recorded as bfloat16."""
    result = _result(runs, "bfloat16")
    assert all(side.ok for side in result.sides.values()), result.sides
    y = result.results["y"]
    assert y.dtypes == {"torch": "bfloat16", "paddle": "bfloat16", "jax": "bfloat16"}
    assert y.passed and y.max_abs == 0.0, y


def test_paddle_and_jax_errors_keep_their_message(runs):
    """Paddle's message is its first line, its ``[Hint: ...] (at ...cc:N)`` the last; JAX
    ends with a note on the frames it filtered. The last line (what a verdict quotes) holds
    the message (and Paddle's hint), no C++ source path and no note."""
    sides = _result(runs, "error").sides
    paddle, jax = sides["paddle"].error, sides["jax"].error
    assert paddle is not None and jax is not None
    last = paddle.splitlines()[-1]
    assert "In operator matmul" in last and "[Hint:" in last, paddle
    assert "(at " not in paddle and ".cc:" not in paddle, paddle
    assert "dot_general requires contracting dimensions" in jax.splitlines()[-1], jax
    assert "JAX_TRACEBACK_FILTERING" not in jax, jax


def test_paddle_takes_a_modules_gradients_with_the_shared_weights(runs):
    """Paddle keeps a Linear's weight transposed: filled and read through ``weight.T``."""
    result = _result(runs, "module")
    assert all(side.ok for side in result.sides.values()), result.sides
    assert list(result.results) == ["y", "x.grad", "fc.weight.grad", "fc.bias.grad"]
    assert all(comparison.passed for comparison in result.results.values()), result.results


GRADS = """\
apis: {torch: torch.softmax, megengine: megengine.functional.softmax, paddle: paddle.nn.functional.softmax, jax: jax.nn.softmax}
examples:
  - inputs: {x: {shape: [2, 5]}, dy: {shape: [2, 5]}}
    code:
      torch: y = torch.softmax(x, -1)
      megengine: y = megengine.functional.softmax(x, axis=-1)
      paddle: y = paddle.nn.functional.softmax(x, axis=-1)
      jax: y = jax.nn.softmax(x, axis=-1)
    compare: [y]
    grad: {of: y, upstream: dy, wrt: [x]}
  - inputs: {x: {shape: [3]}, w: {shape: [3]}}
    code:
      torch: y = (x * x * w).sum()
      megengine: y = (x * x * w).sum()
      paddle: y = (x * x * w).sum()
      jax: y = (x * x * w).sum()
    compare: [y]
    grad: {of: y, wrt: [x, w]}
"""


@pytest.mark.megengine
def test_gradients_agree_in_the_four_frameworks(tmp_path):
    """Autograd in torch, MegEngine and Paddle; JAX differentiates the snippet made a
    function (``jax.vjp`` against an upstream, ``jax.grad`` of a scalar)."""
    pair, diags = parse_pair(GRADS, "p.yaml")
    assert diags == [] and pair is not None, diags
    jobs = [ExampleJob(example, FOUR, pair_id=pair.id) for example in pair.examples]
    with Engine({"megengine": MEGENGINE_PYTHON}, tmp_path / "cache", mode="force") as engine:
        softmax, product = engine.run(jobs)
    for result, names in ((softmax, ["y", "x.grad"]), (product, ["y", "x.grad", "w.grad"])):
        assert all(side.ok for side in result.sides.values()), result.sides
        assert list(result.results) == names
        for name in names:
            comparison = result.results[name]
            assert set(comparison.shapes) == set(FOUR), (name, comparison)
            assert comparison.passed, (name, comparison)
    # the gradient is no zero that agrees by accident: softmax's against an upstream is not
    assert softmax.results["x.grad"].shapes["jax"] == [2, 5]


def test_jax_gradients_are_readable_code():
    """What the page shows as JAX's runnable code: the snippet as a function, then jax.grad
    under jax.jit (one compiled program, not one per operation)."""
    pair, _ = parse_pair(GRADS, "p.yaml")
    assert pair is not None
    assert finish_code(pair.examples[1], "jax") == textwrap.dedent(
        """\
        def snippet(x, w):
            y = (x * x * w).sum()
            return y


        grads = dict(zip(["x.grad", "w.grad"], jax.jit(jax.grad(snippet, argnums=(0, 1)))(x, w)))"""
    )
    assert "pullback = jax.vjp(jax.jit(snippet), x)" in finish_code(pair.examples[0], "jax")


#: Run in a fresh interpreter: JAX's threads would make every later fork of the test
#: process (Sphinx's parallel builds) warn that it may deadlock.
JAX_INPUTS = """
import importlib.util, json, sys
import numpy as np
import jax.numpy as jnp
from jax import monitoring

# the worker's half, loaded by its path as the worker loads it
spec = importlib.util.spec_from_file_location("apidiff_adapter_jax", sys.argv[1])
adapter = importlib.util.module_from_spec(spec)
spec.loader.exec_module(adapter)

rng = np.random.default_rng(7)
floats = rng.standard_normal(4000).astype("float32") * 1e3
edges = [np.nan, np.inf, -np.inf, 0.0, -0.0, 1e-40, 3.4e38, 1.00390625, 1.01171875]
floats = np.concatenate([floats, np.array(edges, dtype="float32")])
arrays = [(rng.standard_normal((3, 5)).astype(t), None) for t in ("float32", "float64")]
arrays += [(rng.integers(-9, 9, (7,)).astype(t), None) for t in ("int8", "int64", "uint8")]
arrays += [(np.array(2.5, dtype="float16"), None), (np.zeros((0, 2), bool), None)]
arrays += [(floats, "bfloat16")]
compiles, recording = [], [False]

def heard(event, duration, **_):
    if event == "/jax/core/compile/backend_compile_duration" and recording[0]:
        compiles.append(duration)

monitoring.register_event_duration_secs_listener(heard)
found = []
for array, cast in arrays:
    recording[0] = True
    made = adapter.to_tensor(array, cast)
    recording[0] = False
    page = jnp.asarray(array, dtype=getattr(jnp, cast)) if cast else jnp.asarray(array)
    found.append([
        [str(x.dtype), list(x.shape), x.weak_type, x.committed, str(x.sharding),
         np.asarray(x).tobytes().hex()]
        for x in (made, page)
    ])
print(json.dumps({"compiles": len(compiles), "found": found}))
"""


def test_jax_inputs_are_what_jnp_asarray_makes_and_compile_nothing():
    """The worker's JAX inputs are the arrays the page's ``jnp.asarray`` makes (dtype, weak
    type, placement, bits; bfloat16 rounded as XLA rounds, NaN, infinities and ties
    included), made without compiling a program per shape and dtype as ``jnp.asarray``
    does: a first build's compilations are its cost (benchmarks/bench_fourway.py)."""
    pytest.importorskip("jax")
    from sphinx_apidiff.execution.runtime.worker import adapters

    path = os.path.join(os.path.dirname(adapters.__file__), "jax.py")
    env = {**os.environ, "JAX_PLATFORMS": "cpu"}
    proc = subprocess.run(
        [sys.executable, "-c", JAX_INPUTS, path],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    answer = json.loads(proc.stdout.splitlines()[-1])
    assert len(answer["found"]) == 8
    for made, page in answer["found"]:
        assert made == page
        assert made[2] is False  # not weakly typed: an array, as the page's
    assert answer["compiles"] == 0


def test_the_jax_worker_keeps_compiled_code_in_the_users_cache(tmp_path, monkeypatch):
    """JAX's persistent compilation cache lies in the user's cache, not in the build's, and
    keeps every operation (eager ones compile in milliseconds): the variables reach the
    worker, and a build in another folder finds what the first one compiled."""
    for name in ("JAX_COMPILATION_CACHE_DIR", "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "user"))
    shared = tmp_path / "user" / "sphinx-apidiff" / "jax"
    code = (
        "import os\n"
        "hits = []\n"
        "jax.monitoring.register_event_listener(lambda event, **_: hits.append(event))\n"
        "y = jax.numpy.cumsum(x * 3)\n"
        "print(os.environ.get('JAX_COMPILATION_CACHE_DIR'))\n"
        "print(jax.config.jax_persistent_cache_min_compile_time_secs)\n"
        "print(hits.count('/jax/compilation_cache/cache_hits'))\n"
    )
    inputs = {"x": {"npy": _npy(np.arange(4, dtype=np.float32)), "as": "tensor"}}
    request = {"op": "run", "framework": "jax", "code": code, "inputs": inputs, "compare": ["y"]}
    entries, hits = [], []
    for build in ("one", "two"):
        engine = Engine(cache_path=tmp_path / build / "apidiff-cache")
        try:
            reply = engine.submit("jax", lambda rt: rt.call(request, timeout=120)).result()
        finally:
            engine.close()
        assert reply.ok, reply.error
        folder, min_time, read = reply.stdout.split()
        assert (folder, min_time) == (str(shared), "0.0")
        assert not (tmp_path / build / "apidiff-cache" / "jax").exists()
        entries.append(sorted(path.name for path in shared.iterdir()))
        hits.append(int(read))
    # the second build, in another folder, read what the first compiled, and added nothing
    assert entries[0] and entries[1] == entries[0]
    assert hits[0] == 0, hits
    if hits[1] == 0:  # the worker looked in the right folder and found the entries there
        pytest.skip(
            "JAX on this CPU uses none of its own cache entries (XLA's CPU loader rejects "
            "them on some hosts: jax-ml/jax#38445); the folder and the entries were checked"
        )
    assert hits[1] >= 2, hits


def test_the_builds_own_jax_cache_settings_win(tmp_path):
    adapter = frameworks.get("jax")
    assert adapter is not None
    mine = {"JAX_COMPILATION_CACHE_DIR": "/mine", "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "1"}
    assert "JAX_COMPILATION_CACHE_DIR" not in adapter.worker_env(mine, "/cache")
    assert "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS" not in adapter.worker_env(mine, "/cache")
    user = {"XDG_CACHE_HOME": str(tmp_path)}
    assert adapter.worker_env(user, None)["JAX_COMPILATION_CACHE_DIR"] == os.path.join(
        str(tmp_path), "sphinx-apidiff", "jax"
    )  # a build without a result cache too
    home = adapter.worker_env({}, None)["JAX_COMPILATION_CACHE_DIR"]
    assert home == os.path.join(os.path.expanduser("~"), ".cache", "sphinx-apidiff", "jax")


def test_warm_jax_workers_of_builds_in_other_folders_share_a_key(monkeypatch, tmp_path):
    """A pool's workers start with the key's environment: the user's cache folder is in it,
    the build's folder is not (a warm JAX worker serves builds of any project)."""
    monkeypatch.delenv("JAX_COMPILATION_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    fingerprint = probe("jax", sys.executable)
    one = pool_key("jax", sys.executable, fingerprint, None, "/build/one")
    two = pool_key("jax", sys.executable, fingerprint, None, "/build/two")
    assert one == two
    assert one.env["JAX_COMPILATION_CACHE_DIR"] == os.path.join(
        str(tmp_path), "sphinx-apidiff", "jax"
    )


def test_jax_takes_no_gradients_of_a_module():
    text = (
        "apis: {torch: torch.nn.Linear, jax: jax.numpy.dot}\n"
        "examples:\n"
        "  - inputs: {x: {shape: [2, 3]}}\n"
        "    modules: {fc: {torch: 'torch.nn.Linear(3, 1)', jax: 'None'}}\n"
        "    code: {torch: 'y = fc(x).sum()', jax: 'y = x.sum()'}\n"
        "    grad: {of: y, wrt: [x, fc]}\n"
    )
    _, diags = parse_pair(text, "p.yaml")
    assert [(d.line, d.message) for d in diags] == [
        (
            6,
            "grad.wrt: 'fc' is a module, and jax takes gradients of functions only (no "
            "module parameters): list inputs, or leave jax out of this example "
            "(the example is left out)",
        )
    ]


# -- a third party's adapter ---------------------------------------------------------------

FAKE_FRAMEWORK = '''\
"""A framework of boxes: no numpy(), no __array__, a dtype of its own."""
__version__ = "0.1"


class Box:
    def __init__(self, array):
        self.array = array
        self.dtype = "fakefw.f32"

    def __mul__(self, factor):
        return Box(self.array * factor)
'''

FAKE_WORKER = """\
import os

import fakefw

FACTORY = "Box"


def to_numpy(value):
    return value.array if isinstance(value, fakefw.Box) else None


def dtype_name(value):
    return "float32" if isinstance(value, fakefw.Box) else None


def error_text(text):
    return text + " (seen by the fakefw adapter, FAKEFW_MARK=%s)" % os.environ.get("FAKEFW_MARK")
"""

FAKE_ADAPTER = """\
from pathlib import Path

from sphinx_apidiff.frameworks import Framework

ADAPTER = Framework(
    name="fakefw",
    distribution="fakefw-dist",
    factory="Box",
    worker=str(Path(__file__).with_name("fakefw_worker.py")),
    environ={"FAKEFW_MARK": "set-by-the-adapter"},
    backward="{of}.backward()",
)
"""


@pytest.fixture
def installed(tmp_path, monkeypatch):
    """A package that declares an adapter in a real ``*.dist-info/entry_points.txt``."""
    (tmp_path / "fakefw.py").write_text(FAKE_FRAMEWORK)
    (tmp_path / "fakefw_worker.py").write_text(FAKE_WORKER)
    (tmp_path / "fakefw_adapter.py").write_text(FAKE_ADAPTER)
    _dist_info(tmp_path, "fakefw-dist", "fakefw = fakefw_adapter:ADAPTER\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("PYTHONPATH", str(tmp_path))  # the worker imports fakefw
    monkeypatch.delenv("FAKEFW_MARK", raising=False)
    frameworks.refresh()
    yield tmp_path
    monkeypatch.undo()
    frameworks.refresh()


def test_an_adapter_from_an_entry_point_is_found_and_used(installed):
    adapter = frameworks.get("fakefw")
    assert adapter is not None and adapter.dist == "fakefw-dist"
    assert "fakefw" in frameworks.autodiff()  # its gradients may be asked for
    assert frameworks.problems() == ()
    runtime = Runtime("fakefw", sys.executable)
    try:
        assert runtime.imported(), runtime.import_error
        assert runtime.factory == "Box"
        inputs = {"x": {"npy": _npy(np.arange(3, dtype=np.float32)), "as": "tensor"}}
        reply = runtime.call(
            {
                "op": "run",
                "framework": "fakefw",
                "code": "y = x * 2",
                "inputs": inputs,
                "compare": ["y"],
            },
            timeout=60,
        )
        assert reply.ok, reply.error
        encoded = reply.values["y"]
        assert encoded["t"] == "array" and "dtype" not in encoded  # the adapter's "float32"
        failed = runtime.call(
            {"op": "run", "framework": "fakefw", "code": "y = x / 0", "inputs": inputs},
            timeout=60,
        )
        assert failed.error.endswith("(seen by the fakefw adapter, FAKEFW_MARK=set-by-the-adapter)")
    finally:
        runtime.close()


def _dist_info(folder, name: str, entry_points: str) -> None:
    """An installed distribution ``name`` 0.1 in ``folder`` whose entry points in the group
    ``sphinx_apidiff.frameworks`` are ``entry_points``."""
    info = folder / f"{name.replace('-', '_')}-0.1.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 0.1\n")
    (info / "entry_points.txt").write_text("[sphinx_apidiff.frameworks]\n" + entry_points)


def _npy(array: np.ndarray) -> str:
    from sphinx_apidiff.execution.runtime.worker.values import encode_array

    return encode_array(array)


def test_a_broken_entry_point_is_reported_not_raised(tmp_path, monkeypatch):
    _dist_info(tmp_path, "broken-dist", "broken = no_such_module:ADAPTER\ntorch = json:loads\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    frameworks.refresh()
    try:
        assert frameworks.get("broken") is None
        assert frameworks.get("torch").worker.endswith("torch.py")  # the one that ships
        problems = frameworks.problems()
        assert len(problems) == 2, problems
        text = "\n".join(problems)
        assert "'broken' (no_such_module:ADAPTER): No module named 'no_such_module'" in text
        assert "'torch' (json:loads) is no sphinx_apidiff.frameworks.Framework but function" in text
    finally:
        monkeypatch.undo()
        frameworks.refresh()


def test_a_jax_gradient_is_taken_under_jit_and_value_dependent_python_is_its_error(tmp_path):
    """JAX's gradient runs under ``jax.jit``: a snippet that branches in Python on a
    differentiated value cannot be traced, the error of that example (as the docs say),
    while the same branch written with ``jax.numpy.where`` differentiates."""
    branch = _job(
        _example(
            {"torch": "torch.abs", "jax": "jax.numpy.abs"},
            "{x: {shape: [3]}}",
            {
                "torch": "y = (x * 2).sum() if x.sum() > 0 else (x * 3).sum()",
                "jax": "y = (x * 2).sum() if x.sum() > 0 else (x * 3).sum()",
            },
            "    grad: {of: y, wrt: [x]}",
        ),
        ["torch", "jax"],
    )
    where = _job(
        _example(
            {"torch": "torch.abs", "jax": "jax.numpy.abs"},
            "{x: {shape: [3]}}",
            {
                "torch": "y = torch.where(x.sum() > 0, (x * 2).sum(), (x * 3).sum())",
                "jax": "y = jax.numpy.where(x.sum() > 0, (x * 2).sum(), (x * 3).sum())",
            },
            "    grad: {of: y, wrt: [x]}",
        ),
        ["torch", "jax"],
    )
    assert "jax.jit(jax.grad(snippet" in finish_code(branch.example, "jax")
    with Engine(cache_path=tmp_path / "cache", mode="force") as engine:
        failed, passed = engine.run([branch, where])
    assert failed.sides["torch"].ok and not failed.sides["jax"].ok
    assert "TracerBoolConversionError" in (failed.sides["jax"].error or "")
    assert all(side.ok for side in passed.sides.values()), passed.sides
    assert passed.results["x.grad"].passed and passed.results["x.grad"].shapes["jax"] == [3]
