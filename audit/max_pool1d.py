"""Audit of docs/pairs/max_pool1d.yaml (torch.nn.MaxPool1d; MegEngine 1.13 has none: F.max_pool2d
over (1, k) windows of (N, C, 1, L)).

Claims checked (page as found, before this audit):
 1. megengine.module.MaxPool1d does not exist; the workaround gives the same values
    (kernel 3, stride 2, padding 1).
Beyond the page (what the workaround inherits from MegEngine's 2-D pooling, max_pool2d.yaml):
 2. Gradients with distinct values agree.
 3. Ties: PyTorch passes the gradient to one element, MegEngine to each tie.
 4. A nan in a window: PyTorch propagates it; the workaround skips it unless it is the last
    element of its window (max_pool2d.py measures the positions).
 5. ceil_mode / dilation / return_indices: not available in the workaround.

Run: .venv/bin/python audit/max_pool1d.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.random.default_rng(0).standard_normal((1, 1, 8)).astype("float32")
TIES = np.array([[[1.0, 3.0, 3.0, 0.0, 2.0, 2.0]]], "float32")
NAN = np.array([[[1.0, np.nan, 0.5, 2.0, -1.0, 0.0]]], "float32")


def show(a):
    return [f"{v:.4f}" for v in np.asarray(a, dtype="float64").ravel()]


def torch_side():
    import torch

    for name, arr in (("2 distinct", X), ("3 ties", TIES)):
        x = torch.from_numpy(arr).requires_grad_()
        y = torch.nn.MaxPool1d(2)(x)
        y.sum().backward()
        print(name, "values", show(y.detach()), "grad", show(x.grad))
    print("4 nan", show(torch.nn.MaxPool1d(2)(torch.from_numpy(NAN))))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 megengine.module.MaxPool1d exists:", hasattr(megengine.module, "MaxPool1d"))

    def pool(x):
        return F.squeeze(F.max_pool2d(F.expand_dims(x, 2), (1, 2), stride=(1, 2)), 2)

    for name, arr in (("2 distinct", X), ("3 ties", TIES)):
        x = megengine.Tensor(arr)
        gm = GradManager().attach([x])
        with gm:
            y = pool(x)
            gm.backward(y.sum())
        print(name, "values", show(y.numpy()), "grad", show(x.grad.numpy()))
    print("4 nan", show(pool(megengine.Tensor(NAN)).numpy()))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
