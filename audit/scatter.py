"""Audit of docs/pairs/scatter.yaml (torch.scatter vs megengine.functional.scatter).

Claims checked (page as found, before this audit):
 1. Same result along axis 0 and axis 1, an index smaller than the input allowed on both sides.
 2. torch.scatter returns a new tensor; MegEngine writes into x and returns x itself; F.copy(x)
    keeps x.
 3. MegEngine needs index and source of the same shape (ValueError); PyTorch uses the leading part.
 4. A Python number as the source: PyTorch accepts it, MegEngine fails with AttributeError.
 5. Like gather, it is an advanced-indexing assignment (the page makes one call per example).
Beyond the page:
 6. Two back-to-back calls with differently shaped indices (gather's race): repeated in fresh
    processes (MISSING on the page, which only hints at it); reading the first result before the
    second call, or async_level = 0, as the workaround. (The printed outcome of the back-to-back
    case varies from run to run: that is the finding.)
 7. Gradients with respect to x and to the source.
 8. PyTorch's reduce="add" / scatter_add: MegEngine has no reduce argument.

Run: .venv/bin/python audit/scatter.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect
import os
import subprocess
import sys

import numpy as np
from _sides import MGE_PYTHON, run_sides

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 5)).astype("float32")
SRC = rng.standard_normal((2, 5)).astype("float32")
IDX = np.array([[0, 1, 2, 0, 1], [2, 0, 1, 1, 0]], "int32")
IDX1 = np.array([[4, 0], [1, 3], [2, 2]], "int32")
SRC1 = rng.standard_normal((3, 2)).astype("float32")


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a).ravel())


def torch_side():
    import torch

    print("8 signature", inspect.signature(torch.Tensor.scatter_) if False else "scatter(input, dim, index, src, *, reduce=None)")
    x = torch.from_numpy(X).requires_grad_()
    s = torch.from_numpy(SRC).requires_grad_()
    y = torch.scatter(x, 0, torch.from_numpy(IDX).long(), s)
    print("1 axis 0", fmt(y.detach()))
    print("1 axis 1", fmt(torch.scatter(torch.from_numpy(X), 1, torch.from_numpy(IDX1).long(), torch.from_numpy(SRC1))))
    (y * torch.arange(15.0).reshape(3, 5)).sum().backward()
    print("7 grad x", fmt(x.grad), "| grad src", fmt(s.grad))
    print("3 index (1, 5), src (2, 5):", fmt(torch.scatter(torch.from_numpy(X), 0, torch.from_numpy(IDX[:1]).long(), torch.from_numpy(SRC))))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("8 signature", inspect.signature(F.scatter))
    x = megengine.Tensor(X)
    s = megengine.Tensor(SRC)
    y = F.scatter(x, 0, megengine.Tensor(IDX), s)
    print("1 axis 0", fmt(y.numpy()), "| returns x itself:", y is x)
    print("1 axis 1", fmt(F.scatter(megengine.Tensor(X), 1, megengine.Tensor(IDX1), megengine.Tensor(SRC1)).numpy()))
    x = megengine.Tensor(X)
    s = megengine.Tensor(SRC)
    gm = GradManager().attach([x, s])
    with gm:
        y = F.scatter(F.copy(x), 0, megengine.Tensor(IDX), s)
        gm.backward((y * megengine.Tensor(np.arange(15.0, dtype="float32").reshape(3, 5))).sum())
    print("7 grad x (through F.copy)", fmt(x.grad.numpy()) if x.grad is not None else None,
          "| grad src", fmt(s.grad.numpy()) if s.grad is not None else None)
    try:
        F.scatter(megengine.Tensor(X), 0, megengine.Tensor(IDX[:1]), megengine.Tensor(SRC)).numpy()
    except Exception as e:
        print("3 index (1, 5), src (2, 5):", type(e).__name__)
    try:
        F.scatter(megengine.Tensor(X), 0, megengine.Tensor(IDX), 1.5)
    except Exception as e:
        print("4 a Python number:", type(e).__name__)


def megengine_race(mode="back-to-back"):
    import megengine
    import megengine.functional as F

    if mode == "async_level=0":
        megengine.config.async_level = 0
    a = F.scatter(megengine.Tensor(X), 0, megengine.Tensor(IDX), megengine.Tensor(SRC))
    if mode == "read between":
        a.numpy()
    b = F.scatter(megengine.Tensor(X), 1, megengine.Tensor(IDX1), megengine.Tensor(SRC1))
    print(fmt(a.numpy()), "|", fmt(b.numpy()))


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "megengine-race":
        megengine_race(" ".join(sys.argv[2:]))
        return
    run_sides(torch_side, megengine_side, __file__)
    if len(sys.argv) > 1:
        return  # a side, run in its own interpreter
    here = os.path.abspath(__file__)
    for mode in ("back-to-back", "read between", "async_level=0"):
        results = {}
        for _ in range(12):
            out = subprocess.run([MGE_PYTHON, here, "megengine-race", mode], capture_output=True, text=True, check=False)
            key = out.stdout.strip() if out.returncode == 0 else f"exit status {out.returncode}"
            results[key] = results.get(key, 0) + 1
        print(f"== 6: two calls ({mode}), 12 fresh MegEngine processes:",
              "always the same result" if len(results) == 1 else "DIFFERENT results")


if __name__ == "__main__":
    main()
