"""Audit of docs/pairs/repeat_interleave.yaml (torch.repeat_interleave vs
megengine.functional.repeat).

Claims checked (page as found, before this audit):
 1. repeat_interleave(x, 2, dim=1) is F.repeat(x, 2, axis=1); without an axis both flatten.
 2. PyTorch accepts per-element counts (a tensor) and output_size; MegEngine does not.
 3. A negative axis fails in MegEngine (AssertionError); axis=x.ndim - 1 works.
 4. torch's Tensor.repeat is F.tile.
Beyond the page:
 5. Per-element counts in MegEngine: indexing with np.repeat(np.arange(n), counts) (a workaround
    the page does not give), values and gradients.
 6. Gradients of F.repeat.

Run: .venv/bin/python audit/repeat_interleave.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.arange(6, dtype="float32").reshape(2, 3)
COUNTS = np.array([1, 0, 3])
DY = np.arange(8, dtype="float32").reshape(2, 4)


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.repeat_interleave(x, 2, dim=1)
    (y * torch.arange(12.0).reshape(2, 6)).sum().backward()
    print("1/6 dim=1", y.detach().tolist(), "grad", x.grad.tolist())
    print("1 flattened", torch.repeat_interleave(torch.from_numpy(X), 2).tolist())
    x = torch.from_numpy(X).requires_grad_()
    y = torch.repeat_interleave(x, torch.from_numpy(COUNTS), dim=1)
    (y * torch.from_numpy(DY)).sum().backward()
    print("5 counts [1, 0, 3]", y.detach().tolist(), "grad", x.grad.tolist())
    print("4 Tensor.repeat(1, 2)", tuple(torch.from_numpy(X).repeat(1, 2).shape))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = F.repeat(x, 2, axis=1)
        gm.backward((y * megengine.Tensor(np.arange(12.0, dtype="float32").reshape(2, 6))).sum())
    print("1/6 axis=1", y.numpy().tolist(), "grad", x.grad.numpy().tolist())
    print("1 flattened", F.repeat(megengine.Tensor(X), 2).numpy().tolist())
    try:
        F.repeat(megengine.Tensor(X), megengine.Tensor(COUNTS.astype("int32")), axis=1)
    except Exception as e:
        print("2 counts tensor:", type(e).__name__)
    try:
        F.repeat(megengine.Tensor(X), 2, axis=-1)
    except Exception as e:
        print("3 axis=-1:", type(e).__name__)
    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        idx = megengine.Tensor(np.repeat(np.arange(3), COUNTS).astype("int32"))
        y = x[:, idx]
        gm.backward((y * megengine.Tensor(DY)).sum())
    print("5 counts via x[:, repeat(arange(3), counts)]", y.numpy().tolist(), "grad", x.grad.numpy().tolist())
    print("4 F.tile(x, (1, 2))", tuple(F.tile(megengine.Tensor(X), (1, 2)).shape))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
