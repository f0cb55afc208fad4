"""Audit of docs/pairs/softmax_functional.yaml (torch.nn.functional.softmax vs
megengine.functional.nn.softmax).

Claims checked (page as found, before this audit):
 1. dim is axis; megengine.functional.softmax is the same function as F.nn.softmax.
 2. Without an axis both pick 0 for 0-, 1- and 3-D input, 1 otherwise; PyTorch warns.
 3. PyTorch's dtype has no counterpart (cast with astype).
 4. Large logits: no overflow on either side.

Run: .venv/bin/python audit/softmax_functional.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect

import numpy as np
from _sides import run_sides

BIG = np.array([[1000.0, 999.0, -1000.0]], "float32")


def torch_side():
    import torch

    F = torch.nn.functional
    print("3 signature", inspect.signature(F.softmax))
    print("4 large logits", np.round(F.softmax(torch.from_numpy(BIG), dim=1).numpy(), 4).tolist())
    for d in (0, 1, 3):
        x = torch.zeros((2, 3, 4)[:d])
        import warnings
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            y = F.softmax(x)
        print(f"2 {d}-D without dim: shape {tuple(y.shape)}, warned {bool(ws)}")


def megengine_side():
    import megengine
    import megengine.functional as F

    print("1 same function:", F.softmax is F.nn.softmax, "| 3 signature", inspect.signature(F.nn.softmax))
    print("4 large logits", np.round(F.nn.softmax(megengine.Tensor(BIG), axis=1).numpy(), 4).tolist())


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
