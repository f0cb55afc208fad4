"""Audit of docs/pairs/permute.yaml (torch.permute vs megengine.functional.transpose).

Claims checked (page as found, before this audit):
 1. F.transpose(x, pattern) is torch.permute; torch.transpose(x, 1, 2) on 4-D is pattern
    (0, 2, 1, 3); x.T on 2-D works on both sides.
 2. "x" in the pattern inserts an axis of size 1: (1, "x", 0) turns (A, B) into (B, 1, A).
 3. MegEngine's x.transpose(...) takes a permutation.
 4. Negative axes fail in MegEngine.
Beyond the page:
 5. x.T on a 3-D tensor (PyTorch deprecates it and reverses the axes).
 6. Gradients.

Run: .venv/bin/python audit/permute.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import warnings

import numpy as np
from _sides import run_sides

X = np.arange(24, dtype="float32").reshape(2, 3, 4)


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.permute(x, (2, 0, 1))
    (y * torch.arange(24.0).reshape(4, 2, 3)).sum().backward()
    print("1/6", tuple(y.shape), float(y[1, 1, 2]), "grad sum", float(x.grad.sum()), float(x.grad[1, 2, 3]))
    print("1 transpose(x4, 1, 2)", tuple(torch.ones(2, 3, 4, 5).transpose(1, 2).shape))
    print("4 permute(0, -1, 1)", tuple(torch.from_numpy(X).permute(0, -1, 1).shape))
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        t = torch.from_numpy(X).T
    print("5 x.T on 3-D", tuple(t.shape), "warned:", bool(ws))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = F.transpose(x, (2, 0, 1))
        gm.backward((y * megengine.Tensor(np.arange(24.0, dtype="float32").reshape(4, 2, 3))).sum())
    print("1/6", tuple(y.shape), float(y[1, 1, 2]), "grad sum", float(x.grad.sum()), float(x.grad[1, 2, 3]))
    print("1 pattern (0, 2, 1, 3)", tuple(F.transpose(megengine.Tensor(np.ones((2, 3, 4, 5), "float32")), (0, 2, 1, 3)).shape))
    print("2 (1, 'x', 0) on (2, 3)", tuple(F.transpose(megengine.Tensor(np.ones((2, 3), "float32")), (1, "x", 0)).shape))
    print("3 x.transpose(2, 0, 1)", tuple(megengine.Tensor(X).transpose(2, 0, 1).shape))
    try:
        F.transpose(megengine.Tensor(X), (0, -1, 1))
    except Exception as e:
        print("4 (0, -1, 1):", type(e).__name__)
    try:
        print("5 x.T on 3-D", tuple(megengine.Tensor(X).T.shape))
    except Exception as e:
        print("5 x.T on 3-D:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
