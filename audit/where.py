"""Audit of docs/pairs/where.yaml (torch.where vs megengine.functional.where).

Claims checked (page as found, before this audit):
 1. where(mask, x, y) with the same broadcasting.
 2. A Python number as a branch: PyTorch accepts it; MegEngine raises TypeError; zeros_like works.
 3. torch.where(condition) has no counterpart; F.cond_take(mask, x) returns the values and their
    flat indices.
Beyond the page:
 4. Gradients through where, including the NaN trap (an unselected branch with an infinite
    derivative, sqrt of a negative): the same in both?
 5. A non-boolean mask (float or int).

Run: .venv/bin/python audit/where.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.array([[-1.0, 0.0, 4.0], [9.0, -4.0, 1.0]], "float32")


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.where(x > 0, torch.sqrt(x), torch.zeros(1))
    y.sum().backward()
    print("1/4 values", np.round(y.detach().numpy(), 4).tolist(), "grad", np.round(x.grad.numpy(), 4).tolist())
    print("2 number branch:", torch.where(torch.from_numpy(X) > 0, torch.from_numpy(X), 0.0).tolist())
    print("3 one-argument form:", [t.tolist() for t in torch.where(torch.from_numpy(X) > 0)])
    try:
        print("5 float mask:", torch.where(torch.from_numpy(X), torch.ones(3), torch.zeros(3)).tolist())
    except Exception as e:
        print("5 float mask:", type(e).__name__)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = F.where(x > 0, F.sqrt(x), F.zeros((1,)))
        gm.backward(y.sum())
    print("1/4 values", np.round(y.numpy(), 4).tolist(), "grad", np.round(x.grad.numpy(), 4).tolist())
    try:
        F.where(megengine.Tensor(X) > 0, megengine.Tensor(X), 0.0)
    except Exception as e:
        print("2 number branch:", type(e).__name__)
    v, i = F.cond_take(megengine.Tensor(X) > 0, megengine.Tensor(X))
    print("3 cond_take:", v.numpy().tolist(), i.numpy().tolist())
    try:
        print("5 float mask:", F.where(megengine.Tensor(X), F.ones(3), F.zeros(3)).numpy().tolist())
    except Exception as e:
        print("5 float mask:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
