"""Audit of docs/pairs/stack.yaml (torch.stack vs megengine.functional.stack).

Claims checked (page as found, before this audit):
 1. stack(tensors, dim) is stack(inps, axis); default axis 0 on both sides.
 2. MegEngine's device places the result; PyTorch's out has no counterpart.
Beyond the page:
 3. Inputs of different dtypes (float32 with int32), and a negative axis.
 4. Gradients.

Run: .venv/bin/python audit/stack.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect

import numpy as np
from _sides import run_sides

A = np.arange(6, dtype="float32").reshape(2, 3)
B = -A


def torch_side():
    import torch

    a, b = torch.from_numpy(A).requires_grad_(), torch.from_numpy(B)
    y = torch.stack([a, b])
    (y * torch.arange(12.0).reshape(2, 2, 3)).sum().backward()
    print("1/4", tuple(y.shape), tuple(torch.stack([a, b], dim=-1).shape), "grad", a.grad.ravel().tolist())
    y = torch.stack([torch.from_numpy(A), torch.from_numpy(A.astype("int32"))])
    print("3 float32 + int32:", y.dtype)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("2 signature", inspect.signature(F.stack))
    a, b = megengine.Tensor(A), megengine.Tensor(B)
    gm = GradManager().attach([a])
    with gm:
        y = F.stack([a, b])
        gm.backward((y * megengine.Tensor(np.arange(12.0, dtype="float32").reshape(2, 2, 3))).sum())
    print("1/4", tuple(y.shape), tuple(F.stack([a, b], axis=-1).shape), "grad", a.grad.numpy().ravel().tolist())
    try:
        y = F.stack([megengine.Tensor(A), megengine.Tensor(A.astype("int32"))])
        print("3 float32 + int32:", y.dtype)
    except Exception as e:
        print("3 float32 + int32:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
