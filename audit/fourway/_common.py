"""Runs one audit script's halves, one framework per process.

``python audit/fourway/<pair>.py`` runs the script again once per framework (torch, Paddle and
JAX in .venv/bin/python, MegEngine in .venv-megengine/bin/python) and
prints each one's output under ``== <framework>``; ``python audit/fourway/<pair>.py jax`` runs one.
A script defines ``def torch_side()``, ``def megengine_side()``, ``def paddle_side()`` and
``def jax_side()``; each prints lines that start with the number of the claim they check.
"""
import os
import subprocess
import sys
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository: its .venv and .venv-megengine

PYTHONS = {
    "torch": os.path.join(_REPO, ".venv", "bin", "python"),
    "megengine": os.path.join(_REPO, ".venv-megengine", "bin", "python"),
    "paddle": os.path.join(_REPO, ".venv", "bin", "python"),
    "jax": os.path.join(_REPO, ".venv", "bin", "python"),
}


def main(namespace):
    if len(sys.argv) > 1:
        namespace[sys.argv[1] + "_side"]()
        return
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONWARNINGS="ignore")
    for framework, python in PYTHONS.items():
        done = subprocess.run([python, namespace["__file__"], framework], env=env,
                              capture_output=True, text=True, timeout=600)
        print("== " + framework, flush=True)
        print(done.stdout.rstrip(), flush=True)
        if done.returncode:
            print("(exit %d) %s" % (done.returncode, done.stderr.strip().splitlines()[-1:]))


def dev(a, b):
    """Largest absolute deviation of a from b, as a short number."""
    import numpy as np

    a = np.asarray(a, dtype="float64")
    b = np.asarray(b, dtype="float64")
    return "%.3g" % float(np.max(np.abs(a - b)))
