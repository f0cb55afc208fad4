"""Audit of docs/pairs/var.yaml (torch.var vs megengine.functional.var); audit/std.py runs the
same checks for docs/pairs/std.yaml (the pages are twins; std's recipe factor is the square root).

Claims checked (page as found, before this audit):
 1. PyTorch divides by N - 1 by default (correction=1), MegEngine always by N; no correction argument.
 2. Multiplying MegEngine's result by N / (N - 1) (std: its square root) ports PyTorch's default.
 3. correction=0 / unbiased=False port unchanged.
 4. dim/axis, keepdim/keepdims; a tuple of axes; everything by default.
Beyond the page:
 5. A tuple of axes: N is the number of reduced elements (the product of their sizes).
 6. N = 1: PyTorch gives nan (with a warning); MegEngine 0; the recipe with Python integers
    divides by zero (ZeroDivisionError).
 7. Other corrections (correction=2): N / (N - correction).
 8. Gradients of the recipe against PyTorch's default.

Run: .venv/bin/python audit/var.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import os
import subprocess
import sys
import warnings

import numpy as np
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository: its .venv and .venv-megengine

MGE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or os.path.join(
    _REPO, ".venv-megengine", "bin", "python"
)
FUNC = os.environ.get("AUDIT_FUNC", "var")
X = np.random.default_rng(0).standard_normal((3, 4, 5)).astype("float32")


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a, dtype="float64").ravel()[:6])


def factor(n, correction=1):
    f = n / (n - correction)
    return f if FUNC == "var" else f ** 0.5


def torch_side():
    import torch

    f = getattr(torch, FUNC)
    x = torch.from_numpy(X)
    print("1 default dim=1", fmt(f(x, dim=1)))
    print("3 correction=0", fmt(f(x, dim=1, correction=0)), "| unbiased=False", fmt(f(x, dim=1, unbiased=False)))
    print("5 dim=(0, 2) keepdim", fmt(f(x, dim=(0, 2), keepdim=True)))
    print("7 correction=2", fmt(f(x, dim=1, correction=2)))
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        print("6 N=1:", f(x[:1], dim=0).ravel()[0].item(), [type(w.message).__name__ for w in ws][:1])
    xg = torch.from_numpy(X).requires_grad_()
    f(xg, dim=1).sum().backward()
    print("8 grad", fmt(xg.grad))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    f = getattr(F, FUNC)
    x = megengine.Tensor(X)
    print("1 recipe dim=1", fmt(f(x, axis=1).numpy() * factor(4)))
    print("3 as it is", fmt(f(x, axis=1).numpy()))
    print("5 recipe axis=(0, 2) keepdims, N = 15", fmt(f(x, axis=(0, 2), keepdims=True).numpy() * factor(15)))
    print("7 recipe correction=2", fmt(f(x, axis=1).numpy() * factor(4, 2)))
    print("6 N=1: MegEngine", f(x[:1], axis=0).numpy().ravel()[0])
    try:
        factor(1)
    except ZeroDivisionError as e:
        print("6 N=1: the recipe's factor:", type(e).__name__)
    xg = megengine.Tensor(X)
    gm = GradManager().attach([xg])
    with gm:
        gm.backward((f(xg, axis=1) * factor(4)).sum())
    print("8 grad", fmt(xg.grad.numpy()))


def main():
    if len(sys.argv) > 1:
        {"torch": torch_side, "megengine": megengine_side}[sys.argv[1]]()
        return
    here = os.path.abspath(__file__)
    for side, python in (("torch", sys.executable), ("megengine", MGE_PYTHON)):
        out = subprocess.run([python, here, side], capture_output=True, text=True, check=False,
                             env={**os.environ, "AUDIT_FUNC": FUNC})
        print(f"== {side} ({FUNC})")
        print(out.stdout.rstrip())
        if out.returncode:
            print(out.stderr[-2000:])


if __name__ == "__main__":
    main()
