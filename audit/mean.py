"""Audit of docs/pairs/mean.yaml (torch.Tensor.mean vs megengine.Tensor.mean).

Claims checked (page as found, before this audit):
 1. dim/axis, keepdim/keepdims, a tuple of axes, everything by default: the same values.
 2. PyTorch's dtype= has no counterpart.
 3. PyTorch refuses the mean of an integer tensor; MegEngine returns float32.
Beyond the page:
 4. float16: the error of the mean of many values against the exact mean (sum.yaml found
    MegEngine's float16 sum less precise), and the result's dtype: float32 in MegEngine,
    float16 in PyTorch (MISSING on the page).
 5. The mean of an empty axis.

Run: .venv/bin/python audit/mean.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.random.default_rng(0).standard_normal((3, 4, 5)).astype("float32")
H = [np.random.default_rng(s).standard_normal(1000).astype("float16") + np.float16(3) for s in range(10)]


def worst(mean16):
    return max(abs(float(mean16(v)) - float(v.astype("float64").mean())) for v in H)


def torch_side():
    import torch

    x = torch.from_numpy(X)
    print("1", f"{float(x.mean(dim=1, keepdim=True).sum()):.4f}", f"{float(x.mean(dim=(0, 2)).sum()):.4f}", f"{float(x.mean()):.4f}")
    try:
        torch.ones(3, dtype=torch.int32).mean()
    except Exception as e:
        print("3 int32:", type(e).__name__)
    print("4 float16 mean of 1000 values, worst error over 10 seeds", f"{worst(lambda v: torch.from_numpy(v).mean().item()):.4f}")
    print("5 empty axis", torch.ones(0, 3).mean(dim=0).tolist())
    print("4 float16 mean dtype", torch.from_numpy(H[0]).mean().dtype)


def megengine_side():
    import megengine

    x = megengine.Tensor(X)
    print("1", f"{float(x.mean(axis=1, keepdims=True).sum()):.4f}", f"{float(x.mean(axis=(0, 2)).sum()):.4f}", f"{float(x.mean()):.4f}")
    print("3 int32:", megengine.Tensor(np.array([1, 2], "int32")).mean().dtype, megengine.Tensor(np.array([1, 2], "int32")).mean().item())
    print("4 float16 mean of 1000 values, worst error over 10 seeds", f"{worst(lambda v: megengine.Tensor(v).mean().item()):.4f}",
          "| via float32", f"{worst(lambda v: megengine.Tensor(v).astype('float32').mean().item()):.4f}")
    print("4 float16 mean dtype", megengine.Tensor(H[0]).mean().dtype, "| sum", megengine.Tensor(H[0]).sum().dtype)
    try:
        print("5 empty axis", megengine.Tensor(np.ones((0, 3), "float32")).mean(axis=0).numpy().tolist())
    except Exception as e:
        print("5 empty axis", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
