"""dropout: claims of docs/pairs/dropout.yaml, re-run in both frameworks.

1. default p: 0.5 in PyTorch, drop_prob 0.0 in MegEngine (default_zero_fraction on 100000 ones,
   rounded to 2 decimals).
2. training mode zeroes elements with probability p and scales the kept ones by 1 / (1 - p)
   (fraction_03, kept_value_03); eval() is the identity (eval_identity).
3. inplace has no counterpart (inplace).
   Beyond: the gradient is the mask times 1 / (1 - p) (grad_matches_mask); p = 1.0 (p_one);
   the same seed gives the same mask again (reseeded_same).
FOUND: every claim holds; drop_prob=1.0 is an AssertionError in MegEngine (PyTorch: zeros).
FIXED: usage (p=1.0, gradients), example 4.
"""
import sys

import numpy as np


def torch_side(rng):
    import torch
    x = torch.ones(100000)
    out = {}
    out["default_zero_fraction"] = round(float((torch.nn.Dropout()(x) == 0).float().mean()), 2)
    y = torch.nn.Dropout(0.3)(x)
    out["fraction_03"] = round(float((y == 0).float().mean()), 2)
    out["kept_value_03"] = round(float(y[y != 0][0]), 4)
    d = torch.nn.Dropout(0.3)
    d.eval()
    out["eval_identity"] = bool(torch.equal(d(x), x))
    out["inplace"] = "accepted"
    xx = torch.ones(1000, requires_grad=True)
    y = torch.nn.Dropout(0.3)(xx)
    y.sum().backward()
    out["grad_matches_mask"] = bool(torch.allclose(xx.grad, y.detach()))
    out["p_one"] = "zeros" if bool((torch.nn.Dropout(1.0)(x) == 0).all()) else "other"
    torch.manual_seed(3)
    a = torch.nn.Dropout(0.5)(x)
    torch.manual_seed(3)
    out["reseeded_same"] = bool(torch.equal(a, torch.nn.Dropout(0.5)(x)))
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x = F.ones(100000)
    D = megengine.module.Dropout
    out = {}
    out["default_zero_fraction"] = round(float((D()(x) == 0).astype("float32").mean().item()), 2)
    y = D(0.3)(x).numpy()
    out["fraction_03"] = round(float((y == 0).mean()), 2)
    out["kept_value_03"] = round(float(y[y != 0][0]), 4)
    d = D(0.3)
    d.eval()
    out["eval_identity"] = bool((d(x).numpy() == x.numpy()).all())
    try:
        D(0.3, inplace=True)
        out["inplace"] = "accepted"
    except TypeError:
        out["inplace"] = "TypeError"
    xx = megengine.Parameter(np.ones(1000, "float32"))
    gm = GradManager().attach([xx])
    with gm:
        y = D(0.3)(xx)
        gm.backward(y.sum())
    out["grad_matches_mask"] = bool(np.allclose(xx.grad.numpy(), y.numpy()))
    try:
        z = D(1.0)(x).numpy()
        out["p_one"] = "zeros" if (z == 0).all() else ("nan" if np.isnan(z).any() else "other")
    except Exception as exc:  # noqa: BLE001
        out["p_one"] = type(exc).__name__
    megengine.random.seed(3)
    a = D(0.5)(x).numpy()
    megengine.random.seed(3)
    out["reseeded_same"] = bool((a == D(0.5)(x).numpy()).all())
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
