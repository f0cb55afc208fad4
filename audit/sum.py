"""Audit of docs/pairs/sum.yaml (torch.Tensor.sum vs megengine.Tensor.sum).

Claims checked (page as found, before this audit):
 1. dim/axis and keepdim/keepdims; a tuple of axes; no axis reduces everything: same values.
 2. PyTorch's dtype= has no counterpart (MegEngine's signature).
 3. PyTorch sums integer and bool tensors in int64; MegEngine's int32 sum stays int32 and wraps.
 4. int8 keeps its dtype in MegEngine: 30 values in [0, 10) already wrap (deviations of 256).
 5. A boolean tensor sums to int32 in MegEngine.
 6. float16: PyTorch's sum is the exact sum rounded once; MegEngine's loses more: over 20 seeds of
    30 standard-normal values, up to 0.025 off the exact sum against 0.002 for PyTorch.
 7. Summing x.astype("float32") and casting back gives PyTorch's float16 result.
Beyond the page:
 8. uint8 and int16 sums in MegEngine.

Run: .venv/bin/python audit/sum.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect

import numpy as np
from _sides import run_sides

X = np.random.default_rng(0).standard_normal((3, 4, 5)).astype("float32")
BIG = np.full(4, 2**30, "int32")
I8 = np.random.default_rng(0).integers(0, 10, 30).astype("int8")


def f16_errors(sum16):
    worst = 0.0
    for seed in range(20):
        v = np.random.default_rng(seed).standard_normal(30).astype("float16")
        exact = float(v.astype("float64").sum())
        worst = max(worst, abs(float(sum16(v)) - exact))
    return worst


def torch_side():
    import torch

    x = torch.from_numpy(X)
    print("1 sums", f"{float(x.sum(dim=1, keepdim=True).sum()):.4f}", f"{float(x.sum(dim=(0, 2)).sum()):.4f}", f"{float(x.sum()):.4f}")
    print("3 int32 sum", torch.from_numpy(BIG).sum().item(), torch.from_numpy(BIG).sum().dtype)
    print("4 int8 sum", torch.from_numpy(I8).sum().item(), torch.from_numpy(I8).sum().dtype)
    print("5 bool sum dtype", torch.ones(3, dtype=torch.bool).sum().dtype)
    print("6 float16, worst error over 20 seeds", f"{f16_errors(lambda v: torch.from_numpy(v).sum().item()):.4f}")
    ok = all(torch.from_numpy(v).sum().item() == float(np.float16(v.astype('float64').sum()))
             for v in (np.random.default_rng(s).standard_normal(30).astype("float16") for s in range(20)))
    print("6 PyTorch's float16 sum == the exact sum rounded once, in every seed:", ok)
    print("8 uint8/int16 dtypes", torch.ones(3, dtype=torch.uint8).sum().dtype, torch.ones(3, dtype=torch.int16).sum().dtype)


def megengine_side():
    import megengine

    print("2 signature", inspect.signature(megengine.Tensor.sum))
    x = megengine.Tensor(X)
    print("1 sums", f"{float(x.sum(axis=1, keepdims=True).sum()):.4f}", f"{float(x.sum(axis=(0, 2)).sum()):.4f}", f"{float(x.sum()):.4f}")
    s = megengine.Tensor(BIG).sum()
    print("3 int32 sum", s.item(), s.dtype)
    s = megengine.Tensor(I8).sum()
    print("4 int8 sum", s.item(), s.dtype, "(exact", int(I8.astype("int64").sum()), ")")
    print("5 bool sum dtype", megengine.Tensor(np.ones(3, bool)).sum().dtype)
    print("6 float16, worst error over 20 seeds", f"{f16_errors(lambda v: megengine.Tensor(v).sum().item()):.4f}")
    print("7 via float32, worst error", f"{f16_errors(lambda v: megengine.Tensor(v).astype('float32').sum().astype('float16').item()):.4f}")
    print("8 uint8/int16 dtypes", megengine.Tensor(np.ones(3, "uint8")).sum().dtype, megengine.Tensor(np.ones(3, "int16")).sum().dtype)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
