"""Audit of docs/pairs/sigmoid.yaml (torch.nn.Sigmoid vs megengine.module.Sigmoid).

Claims checked (page as found, before this audit):
 1. The same values, large magnitudes included; torch.sigmoid / F.sigmoid.
 2. Gradients agree, about 1e-13 or exactly 0 at large magnitudes.
Beyond the page:
 3. NaN input (MegEngine's ReLU turns nan into 0: does its sigmoid?).
 4. float16 values and dtype.

Run: .venv/bin/python audit/sigmoid.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.array([-100.0, -30.0, 0.0, 30.0, 100.0, np.nan], "float32")


def show(a):
    return [f"{v:.3g}" for v in np.asarray(a, dtype="float64")]


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.nn.Sigmoid()(x)
    y.sum().backward()
    print("1/2/3 values", show(y.detach()), "grad", show(x.grad))
    h = torch.sigmoid(torch.tensor([0.5, -2.0], dtype=torch.float16))
    print("4 float16", h.dtype, show(h.float()))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = megengine.module.Sigmoid()(x)
        gm.backward(y.sum())
    print("1/2/3 values", show(y.numpy()), "grad", show(x.grad.numpy()))
    h = F.sigmoid(megengine.Tensor(np.array([0.5, -2.0], "float16")))
    print("4 float16", h.dtype, show(h.numpy().astype("float32")))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
