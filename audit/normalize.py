"""Audit of docs/pairs/normalize.yaml (torch.nn.functional.normalize vs
megengine.functional.normalize).

Claims checked (page as found, before this audit):
 1. PyTorch's default is p=2, dim=1; MegEngine's axis=None handles a vector and raises TypeError
    otherwise; p is ord (None means 2).
 2. Both compute x / max(norm(x), eps) with eps=1e-12: all-zero rows stay zero.
Beyond the page:
 3. Gradients, with a zero row (MegEngine's norm has a nan gradient at a zero vector: norm.yaml).
 4. ord=1 gradients with a zero element.

Run: .venv/bin/python audit/normalize.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.array([[3.0, 4.0, 0.0], [0.0, 0.0, 0.0], [1.0, -2.0, 2.0]], "float32")
DY = np.array([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.5, 0.0, -1.0]], "float32")


def r(a):
    return np.round(np.asarray(a, dtype="float64"), 4).tolist()


def torch_side():
    import torch

    F = torch.nn.functional
    for p in (2, 1):
        x = torch.from_numpy(X).requires_grad_()
        y = F.normalize(x, p=p, dim=1)
        (y * torch.from_numpy(DY)).sum().backward()
        print(f"2/3 p={p}: values", r(y.detach()), "grad", r(x.grad))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    for p in (2, 1):
        x = megengine.Tensor(X)
        gm = GradManager().attach([x])
        with gm:
            y = F.normalize(x, ord=p, axis=1)
            gm.backward((y * megengine.Tensor(DY)).sum())
        print(f"2/3 p={p}: values", r(y.numpy()), "grad", r(x.grad.numpy()))
    try:
        F.normalize(megengine.Tensor(X))
    except Exception as e:
        print("1 axis=None on 2-D:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
