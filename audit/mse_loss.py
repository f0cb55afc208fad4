"""Audit of docs/pairs/mse_loss.yaml (torch.nn.functional.mse_loss vs
megengine.functional.nn.square_loss).

Claims checked (page as found, before this audit):
 1. The same mean squared error; MegEngine's arguments are pred and label.
 2. The same reduction values "mean", "sum", "none" (and MegEngine rejects others, as PyTorch).
 3. size_average and reduce are deprecated PyTorch-only arguments.
 4. PyTorch's elementwise weight has no counterpart: "multiply the reduction="none" result"
    (MISLEADING for the default reduction: PyTorch's weighted mean divides by the sum of the
    weights, not by the number of elements).
 5. The gradients with respect to both arguments agree.
 6. The L1 counterpart is megengine.functional.nn.l1_loss.
Beyond the page:
 7. A target of another shape: PyTorch broadcasts with a UserWarning, MegEngine broadcasts silently.
 8. weight must have the input's shape in PyTorch (no broadcasting).
 9. Integer inputs: PyTorch NotImplementedError, MegEngine computes.

Run: .venv/bin/python audit/mse_loss.py (the MegEngine half runs in
.venv-megengine/bin/python); `... mse_loss.py torch|megengine` runs one half.
"""
import inspect
import warnings

import numpy as np
from _sides import run_sides

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 5)).astype("float32")
Y = rng.standard_normal((4, 5)).astype("float32")
W = rng.random((4, 5)).astype("float32")


def r(v):
    return f"{float(v):.4f}"


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a).ravel())


def torch_side():
    import torch

    F = torch.nn.functional
    print("1/3 signature", inspect.signature(F.mse_loss))
    x, y, w = (torch.tensor(a) for a in (X, Y, W))
    print("2 mean sum", r(F.mse_loss(x, y)), r(F.mse_loss(x, y, reduction="sum")))
    each = F.mse_loss(x, y, reduction="none")
    print("4 weight, mean", r(F.mse_loss(x, y, weight=w)), "| (w * each).mean()", r((w * each).mean()),
          "| (w * each).sum() / w.sum()", r((w * each).sum() / w.sum()))
    print("4 weight, sum", r(F.mse_loss(x, y, weight=w, reduction="sum")), "| (w * each).sum()", r((w * each).sum()))
    print("4 weight, none", bool(torch.allclose(F.mse_loss(x, y, weight=w, reduction="none"), w * each)))
    xg, yg = x.clone().requires_grad_(), y.clone().requires_grad_()
    F.mse_loss(xg, yg, weight=w).backward()
    print("4 weighted mean, grad x", fmt(xg.grad[0]))
    xg, yg = x.clone().requires_grad_(), y.clone().requires_grad_()
    F.mse_loss(xg, yg).backward()
    print("5 grad x", fmt(xg.grad[0]), "grad y", fmt(yg.grad[0]))
    print("6 l1", r(F.l1_loss(x, y)))
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        v = F.mse_loss(x, y[0])
    print("7 target (5,)", r(v), [type(m.message).__name__ for m in ws])
    try:
        F.mse_loss(x, y, weight=w[0])
    except Exception as e:
        print("8 weight (5,):", type(e).__name__, str(e)[:50])
    try:
        F.mse_loss(x.int(), y.int())
    except Exception as e:
        print("9 int32:", type(e).__name__)
    try:
        F.mse_loss(x, y, reduction="avg")
    except Exception as e:
        print("2 reduction='avg':", type(e).__name__)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 signature", inspect.signature(F.nn.square_loss))
    x, y, w = (megengine.Tensor(a) for a in (X, Y, W))
    print("2 mean sum", r(F.nn.square_loss(x, y)), r(F.nn.square_loss(x, y, reduction="sum")))
    each = F.nn.square_loss(x, y, reduction="none")
    print("4 (w * each).mean()", r((w * each).mean()), "| (w * each).sum() / w.sum()", r((w * each).sum() / w.sum()))
    xg, yg = megengine.Tensor(X), megengine.Tensor(Y)
    gm = GradManager().attach([xg, yg])
    with gm:
        e = F.nn.square_loss(xg, yg, reduction="none")
        gm.backward((w * e).sum() / w.sum())
    print("4 weighted recipe, grad x", fmt(xg.grad.numpy()[0]))
    xg, yg = megengine.Tensor(X), megengine.Tensor(Y)
    gm = GradManager().attach([xg, yg])
    with gm:
        gm.backward(F.nn.square_loss(xg, yg))
    print("5 grad x", fmt(xg.grad.numpy()[0]), "grad y", fmt(yg.grad.numpy()[0]))
    print("6 l1", r(F.nn.l1_loss(x, y)))
    print("7 target (5,)", r(F.nn.square_loss(x, y[0])), "(no warning)")
    print("9 int32:", F.nn.square_loss(megengine.Tensor(np.ones((2, 2), "int32")), megengine.Tensor(np.zeros((2, 2), "int32"))).dtype)
    try:
        F.nn.square_loss(x, y, reduction="avg")
    except Exception as e:
        print("2 reduction='avg':", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
