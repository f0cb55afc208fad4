"""Runs an audit script's two sides, each in its framework's interpreter, and compares them.

A script defines ``torch_side(rng)`` and ``megengine_side(rng)``; each returns a dict of
named results (numbers, strings, numpy arrays, or ``None``), computed from inputs drawn
from ``np.random.RandomState(0)`` (a stream that numpy 1.x and 2.x draw alike).
``python audit/x.py torch`` prints one side as JSON; ``python audit/x.py`` runs both
sides and prints, per name, the rounded values and whether they agree (``allclose``
with ``atol=1e-5, rtol=1e-4``). Set ``AUDIT_TORCH_PYTHON`` or ``AUDIT_MEGENGINE_PYTHON``
to use other interpreters than the repository's.
"""
import json
import os
import subprocess
import sys

import numpy as np
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository: its .venv and .venv-megengine

PYTHONS = {
    "torch": os.environ.get("AUDIT_TORCH_PYTHON", os.path.join(_REPO, ".venv", "bin", "python")),
    "megengine": os.environ.get("AUDIT_MEGENGINE_PYTHON", os.path.join(_REPO, ".venv-megengine", "bin", "python")),
}


def _plain(value):
    if value is None or isinstance(value, (bool, str)):
        return value
    if isinstance(value, (int, float)):
        return value
    if isinstance(value, (list, tuple)):
        try:
            numeric = np.asarray(value).dtype.kind in "biuf"
        except ValueError:  # ragged
            numeric = False
        if not numeric:
            return [_plain(item) for item in value]
    array = np.asarray(value)
    return {"array": array.astype(np.float64).tolist() if array.dtype != bool else array.tolist(),
            "dtype": str(array.dtype), "shape": list(array.shape)}


def _show(value):
    if isinstance(value, dict):
        array = np.asarray(value["array"], dtype=np.float64)
        flat = np.round(array.reshape(-1)[:6], 4).tolist()
        more = "..." if array.size > 6 else ""
        return "%s %s %s%s" % (value["dtype"], tuple(value["shape"]), flat, more)
    if isinstance(value, float):
        return "%.4g" % value
    return repr(value)


def _agree(a, b):
    if isinstance(a, dict) and isinstance(b, dict):
        x = np.asarray(a["array"], dtype=np.float64)
        y = np.asarray(b["array"], dtype=np.float64)
        return x.shape == y.shape and bool(np.allclose(x, y, atol=1e-5, rtol=1e-4, equal_nan=True))
    if isinstance(a, (int, float)) and isinstance(b, (int, float)) and not isinstance(a, bool):
        return bool(np.isclose(a, b, atol=1e-5, rtol=1e-4, equal_nan=True))
    return a == b


def main(torch_side, megengine_side, script):
    if len(sys.argv) > 1:
        side = {"torch": torch_side, "megengine": megengine_side}[sys.argv[1]]
        import warnings
        warnings.filterwarnings("ignore")
        results = side(np.random.RandomState(0))
        print(json.dumps({k: _plain(v) for k, v in results.items()}))
        return
    outputs = {}
    for name, python in PYTHONS.items():
        done = subprocess.run([python, script, name], capture_output=True, text=True,
                              env=dict(os.environ, JAX_PLATFORMS="cpu"))
        if done.returncode != 0:
            print("%s side failed:\n%s" % (name, done.stderr[-3000:]))
            sys.exit(1)
        outputs[name] = json.loads(done.stdout.strip().splitlines()[-1])
    with open(script, encoding="utf-8") as source:
        print(source.read().split('"""')[1].strip())
        print()
    names = list(outputs["torch"]) + [k for k in outputs["megengine"] if k not in outputs["torch"]]
    for key in names:
        t = outputs["torch"].get(key, "-")
        m = outputs["megengine"].get(key, "-")
        if key in outputs["torch"] and key in outputs["megengine"]:
            verdict = "agree" if _agree(t, m) else "DIFFER"
        else:
            verdict = "one side"
        print("%s: %s" % (key, verdict))
        if key in outputs["torch"]:
            print("    torch:     %s" % _show(t))
        if key in outputs["megengine"]:
            print("    megengine: %s" % _show(m))
