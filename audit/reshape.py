"""Audit of docs/pairs/reshape.yaml (torch.reshape vs megengine.functional.reshape).

Claims checked (page as found, before this audit):
 1. Only the parameter names differ; -1 infers an axis.
 2. The tensor method accepts the shape as separate integers on both sides: x.reshape(2, -1).
Beyond the page:
 3. A wrong size: both raise.
 4. Gradients.

Run: .venv/bin/python audit/reshape.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.arange(12, dtype="float32").reshape(3, 4)


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.reshape(x, (2, -1))
    (y * torch.arange(12.0).reshape(2, 6)).sum().backward()
    print("1/2/4", tuple(y.shape), tuple(x.reshape(2, -1).shape), "grad", x.grad.ravel().tolist())
    try:
        torch.reshape(torch.from_numpy(X), (5, -1))
    except Exception as e:
        print("3 (5, -1):", type(e).__name__)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = F.reshape(x, (2, -1))
        gm.backward((y * megengine.Tensor(np.arange(12.0, dtype="float32").reshape(2, 6))).sum())
    print("1/2/4", tuple(y.shape), tuple(x.reshape(2, -1).shape), "grad", x.grad.numpy().ravel().tolist())
    try:
        F.reshape(megengine.Tensor(X), (5, -1)).numpy()
    except Exception as e:
        print("3 (5, -1):", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
