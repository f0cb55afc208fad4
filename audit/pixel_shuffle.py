"""Audit of docs/pairs/pixel_shuffle.yaml (torch.nn.PixelShuffle vs megengine.module.PixelShuffle).

Claims checked (page as found, before this audit):
 1. The same argument and element order; extra leading batch axes supported on both sides.
 2. PixelUnshuffle has no MegEngine module; reshape and transpose write it.
Beyond the page:
 3. Gradients.
 4. A reshape/transpose PixelUnshuffle reproduces PyTorch's.

Run: .venv/bin/python audit/pixel_shuffle.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.arange(2 * 8 * 2 * 3, dtype="float32").reshape(2, 8, 2, 3)
X5 = np.arange(3 * 2 * 4 * 2 * 2, dtype="float32").reshape(3, 2, 4, 2, 2)
U = np.arange(1 * 2 * 4 * 6, dtype="float32").reshape(1, 2, 4, 6)


def d(a):
    a = np.asarray(a, dtype="float64")
    return f"{a.shape} {float((a * np.arange(a.size).reshape(a.shape)).sum()):.0f}"


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.nn.PixelShuffle(2)(x)
    (y * torch.arange(float(y.numel())).reshape(y.shape)).sum().backward()
    print("1/3", d(y.detach()), "grad", d(x.grad), "| 5-D", d(torch.nn.PixelShuffle(2)(torch.from_numpy(X5))))
    print("4 PixelUnshuffle(2)", d(torch.nn.PixelUnshuffle(2)(torch.from_numpy(U))))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = megengine.module.PixelShuffle(2)(x)
        gm.backward((y * megengine.Tensor(np.arange(float(y.size), dtype="float32").reshape(y.shape))).sum())
    print("1/3", d(y.numpy()), "grad", d(x.grad.numpy()), "| 5-D", d(megengine.module.PixelShuffle(2)(megengine.Tensor(X5)).numpy()))
    print("2 PixelUnshuffle module:", hasattr(megengine.module, "PixelUnshuffle"))
    n, c, h, w = U.shape
    r = 2
    u = megengine.Tensor(U).reshape(n, c, h // r, r, w // r, r)
    u = F.transpose(u, (0, 1, 3, 5, 2, 4)).reshape(n, c * r * r, h // r, w // r)
    print("4 reshape + transpose", d(u.numpy()))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
