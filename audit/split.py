"""Audit of docs/pairs/split.yaml (torch.split vs megengine.functional.split).

Claims checked (page as found, before this audit):
 1. torch.split(x, 2): pieces of size 2; F.split(x, 2): 2 pieces, the first ones longer
    (numpy.array_split).
 2. For n divisible by s, torch.split(x, s) is F.split(x, n // s).
 3. A list: PyTorch sizes, MegEngine cut positions; the cumulative sum without the last entry
    converts.
 4. dim/axis, default 0.
 5. torch.tensor_split has MegEngine's semantics in both forms.
Beyond the page:
 6. n not divisible by s: positions list(range(s, n, s)) give torch.split(x, s).
 7. A zero size in the list (sizes [2, 0, 4] -> positions [2, 2]).
 8. An integer larger than the axis.
 9. Gradients through the pieces.

Run: .venv/bin/python audit/split.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import itertools

import numpy as np
from _sides import run_sides

X = np.arange(14, dtype="float32").reshape(7, 2)


def shapes(pieces):
    return [tuple(p.shape) for p in pieces]


def torch_side():
    import torch

    x = torch.from_numpy(X)
    print("1 split(x, 2)", shapes(torch.split(x, 2)))
    print("6 split(x, 3)", shapes(torch.split(x, 3)))
    print("3 split(x, [2, 3, 2])", shapes(torch.split(x, [2, 3, 2])))
    print("7 split(x, [2, 0, 5])", shapes(torch.split(x, [2, 0, 5])))
    print("8 split(x, 9)", shapes(torch.split(x, 9)))
    print("5 tensor_split(x, 2)", shapes(torch.tensor_split(x, 2)), "tensor_split(x, [2, 5])", shapes(torch.tensor_split(x, [2, 5])))
    xg = torch.from_numpy(X).requires_grad_()
    a, b = torch.split(xg, [3, 4])
    (a.sum() * 2 + (b * b).sum()).backward()
    print("9 grad", xg.grad.ravel().tolist())


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    print("1 split(x, 2)", shapes(F.split(x, 2)))
    print("6 split(x, list(range(3, 7, 3)))", shapes(F.split(x, list(range(3, 7, 3)))))
    print("3 split(x, cumsum [2, 5])", shapes(F.split(x, list(itertools.accumulate([2, 3, 2]))[:-1])))
    try:
        print("7 split(x, [2, 2])", shapes(F.split(x, [2, 2])))
    except Exception as e:
        print("7 split(x, [2, 2])", type(e).__name__, str(e)[:60])
    try:
        print("8 split(x, 9)", shapes(F.split(x, 9)))
    except Exception as e:
        print("8 split(x, 9)", type(e).__name__, str(e)[:60])
    xg = megengine.Tensor(X)
    gm = GradManager().attach([xg])
    with gm:
        a, b = F.split(xg, [3])
        gm.backward(a.sum() * 2 + (b * b).sum())
    print("9 grad", xg.grad.numpy().ravel().tolist())


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
