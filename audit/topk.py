"""Audit of docs/pairs/topk.yaml (torch.topk vs megengine.functional.topk).

Claims checked (page as found, before this audit):
 1. MegEngine: no axis argument, 1-D or 2-D input, along the last axis; reshape ports the rest.
 2. largest is descending, "both default to the largest values".
 3. sorted=True is no_sort=False.
 4. kth_only=True returns the k-th value and its index, the last column of torch.topk(x, k).
 5. Indices int64 in PyTorch, int32 in MegEngine.
 6. k larger than the axis: PyTorch raises; MegEngine returns all elements without a warning.
Beyond the page:
 7. Ties: which index each returns for equal values.
 8. NaN: PyTorch treats NaN as the largest value; MegEngine?

Run: .venv/bin/python audit/topk.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect

import numpy as np
from _sides import run_sides

X = np.array([[3.0, 1.0, 4.0, 1.5, 9.0, 2.0], [5.0, -1.0, 0.0, 7.0, 2.0, 6.0]], "float32")
TIES = np.array([[2.0, 5.0, 2.0, 5.0, 1.0, 5.0]], "float32")
NAN = np.array([[3.0, np.nan, 1.0, 2.0, 0.5]], "float32")


def torch_side():
    import torch

    x = torch.from_numpy(X)
    print("2 signature", inspect.signature(torch.topk) if False else "topk(input, k, dim=-1, largest=True, sorted=True)")
    v, i = torch.topk(x, 2)
    print("2 default:", v.tolist(), i.dtype)
    print("4 topk(x, 3) last column:", torch.topk(x, 3)[0][:, -1].tolist(), torch.topk(x, 3)[1][:, -1].tolist())
    try:
        torch.topk(x, 7)
    except Exception as e:
        print("6 k=7:", type(e).__name__)
    print("7 ties, k=2:", torch.topk(torch.from_numpy(TIES), 2)[1].tolist(), "smallest:", torch.topk(torch.from_numpy(TIES), 2, largest=False)[1].tolist())
    print("8 NaN, k=2:", torch.topk(torch.from_numpy(NAN), 2)[0].tolist(), torch.topk(torch.from_numpy(NAN), 2)[1].tolist())


def megengine_side():
    import megengine
    import megengine.functional as F

    x = megengine.Tensor(X)
    print("2 signature", inspect.signature(F.topk))
    v, i = F.topk(x, 2)
    print("2 default:", v.numpy().tolist(), i.dtype)
    v, i = F.topk(x, 2, descending=True)
    print("2 descending=True:", v.numpy().tolist())
    v, i = F.topk(x, 3, descending=True, kth_only=True)
    print("4 kth_only:", v.numpy().tolist(), i.numpy().tolist())
    v, i = F.topk(x, 7, descending=True)
    print("6 k=7:", tuple(v.shape))
    t = megengine.Tensor(TIES)
    print("7 ties, k=2:", F.topk(t, 2, descending=True)[1].numpy().tolist(), "smallest:", F.topk(t, 2, descending=False)[1].numpy().tolist())
    n = megengine.Tensor(NAN)
    print("8 NaN, k=2:", F.topk(n, 2, descending=True)[0].numpy().tolist(), F.topk(n, 2, descending=True)[1].numpy().tolist())
    try:
        F.topk(megengine.Tensor(np.zeros((2, 3, 4), "float32")), 2)
    except Exception as e:
        print("1 3-D:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
