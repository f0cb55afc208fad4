"""Audit of docs/pairs/softmax.yaml (torch.nn.Softmax vs megengine.module.Softmax).

Claims checked (page as found, before this audit):
 1. dim is axis; the same values with an explicit axis.
 2. With None both pick axis 0 for 0-, 1- and 3-D inputs, axis 1 otherwise; PyTorch warns.
 3. The gradients agree.
 4. float16 gives float16 on both sides, equal within a few 1e-4; integer inputs fail in both.
Beyond the page:
 5. A row of -inf (fully masked): nan in both?
 6. Large logits (1000): no overflow in either.

Run: .venv/bin/python audit/softmax.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import warnings

import numpy as np
from _sides import run_sides

X = {d: np.random.default_rng(d).standard_normal((2, 3, 4, 5)[:d] or ()).astype("float32") for d in (1, 2, 3, 4)}
MASKED = np.array([[1.0, 2.0, 3.0], [-np.inf, -np.inf, -np.inf]], "float32")
BIG = np.array([1000.0, 999.0, -1000.0], "float32")


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a, dtype="float64").ravel()[:4])


def torch_side():
    import torch

    for d, x in X.items():
        with warnings.catch_warnings(record=True) as ws:
            warnings.simplefilter("always")
            y = torch.nn.Softmax()(torch.from_numpy(x))
        axis = [a for a in range(d) if np.allclose(y.sum(a).numpy(), 1)]
        print(f"2 {d}-D, dim=None: normalised along {axis}; warned:", bool(ws))
    print("5 a row of -inf", np.round(torch.softmax(torch.from_numpy(MASKED), 1).numpy(), 4).tolist())
    print("6 large logits", fmt(torch.softmax(torch.from_numpy(BIG), 0)))
    try:
        torch.softmax(torch.ones(3, dtype=torch.int32), 0)
    except Exception as e:
        print("4 int32:", type(e).__name__)


def megengine_side():
    import megengine
    import megengine.functional as F

    for d, x in X.items():
        y = megengine.module.Softmax()(megengine.Tensor(x)).numpy()
        axis = [a for a in range(d) if np.allclose(y.sum(a), 1)]
        print(f"2 {d}-D, axis=None: normalised along {axis}")
    print("5 a row of -inf", np.round(F.softmax(megengine.Tensor(MASKED), 1).numpy(), 4).tolist())
    print("6 large logits", fmt(F.softmax(megengine.Tensor(BIG), 0).numpy()))
    try:
        F.softmax(megengine.Tensor(np.ones(3, "int32")), 0).numpy()
    except Exception as e:
        print("4 int32:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
