"""index_select: claims of docs/pairs/index_select.yaml, re-run in both frameworks.

1. MegEngine 1.13 has no index_select (exists).
2. x[idx] for axis 0 and x[:, idx] for axis 1 give index_select's values, repeated indices
   included (rows, cols).
   Beyond: gradients with repeated indices (grad_cols); an int64 index (int64); a negative index
   (negative); a 2-D index tensor (index_2d: PyTorch requires 1-D).
FOUND: the port holds; indexing also accepts negative and n-D indices, which index_select refuses.
FIXED: usage (new), example 2 (a negative index).
"""
import sys

import numpy as np


def data(rng):
    return rng.randn(3, 5).astype("float32"), np.array([4, 0, 0, 2], "int32"), rng.randn(3, 4).astype("float32")


def torch_side(rng):
    import torch
    x, idx, dy = [torch.tensor(a) for a in data(rng)]
    out = {"exists": "yes", "rows": torch.index_select(x, 0, idx[:2].long() % 3).numpy(),
           "cols": torch.index_select(x, 1, idx.long()).numpy()}
    xx = x.clone().requires_grad_()
    (torch.index_select(xx, 1, idx) * dy).sum().backward()
    out["grad_cols"] = xx.grad.numpy()
    out["int64"] = out["cols"]
    try:
        torch.index_select(x, 1, torch.tensor([-1]))
        out["negative"] = "runs"
    except (RuntimeError, IndexError):
        out["negative"] = "error"
    try:
        torch.index_select(x, 1, torch.tensor([[0, 1]]))
        out["index_2d"] = "runs"
    except (RuntimeError, IndexError):
        out["index_2d"] = "error"
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    megengine.config.async_level = 0
    xn, idx, dy = data(rng)
    x, i = megengine.Tensor(xn), megengine.Tensor(idx)
    out = {"exists": "yes" if hasattr(F, "index_select") else "no", "rows": x[i[:2] % 3].numpy(), "cols": x[:, i].numpy()}
    xx = megengine.Parameter(xn)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward((xx[:, i] * megengine.Tensor(dy)).sum())
    out["grad_cols"] = xx.grad.numpy()
    out["int64"] = x[:, megengine.Tensor(idx.astype("int64"))].numpy()
    y = x[:, megengine.Tensor(np.array([-1], "int32"))].numpy()
    out["negative"] = "returns the last column" if np.allclose(y[:, 0], xn[:, -1]) else "returns another value"
    out["index_2d"] = "runs, shape %s" % (x[:, megengine.Tensor(np.array([[0, 1]], "int32"))].numpy().shape,)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
