"""flip: claims of docs/pairs/flip.yaml, re-run in both frameworks.

1. MegEngine 1.13 has no flip; megengine.data.transform.vision.functional.flip is a NumPy image
   transform (exists, vision_flip).
2. negative-step slices reverse the axes (last_axis, first_two).
   Beyond: the gradient through a negative-step slice (grad); a flip of every axis (all_axes).
FOUND: every claim holds. Nothing to fix.
"""
import sys

import numpy as np


def torch_side(rng):
    import torch
    x = torch.tensor(rng.randn(2, 3, 4).astype("float32"))
    dy = torch.tensor(rng.randn(2, 3, 4).astype("float32"))
    out = {"exists": "yes", "vision_flip": "n/a", "last_axis": torch.flip(x, dims=(2,)).numpy(),
           "first_two": torch.flip(x, dims=(0, 1)).numpy(), "all_axes": torch.flip(x, dims=(0, 1, 2)).numpy()}
    xx = x.clone().requires_grad_()
    (torch.flip(xx, dims=(2,)) * dy).sum().backward()
    out["grad"] = xx.grad.numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    xn, dy = rng.randn(2, 3, 4).astype("float32"), rng.randn(2, 3, 4).astype("float32")
    x = megengine.Tensor(xn)
    out = {"exists": "yes" if hasattr(F, "flip") else "no"}
    from megengine.data.transform.vision import functional as VF
    out["vision_flip"] = "NumPy in, %s out" % type(VF.flip(np.zeros((4, 4, 3), "float32"), flipCode=1)).__name__
    out["last_axis"] = x[:, :, ::-1].numpy()
    out["first_two"] = x[::-1, ::-1].numpy()
    out["all_axes"] = x[::-1, ::-1, ::-1].numpy()
    xx = megengine.Parameter(xn)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward((xx[:, :, ::-1] * megengine.Tensor(dy)).sum())
    out["grad"] = xx.grad.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
