"""leaky_relu: claims of docs/pairs/leaky_relu.yaml, re-run in both frameworks.

1. max(0, x) + slope * min(0, x), default slope 0.01 in both (default, slope_01).
2. inplace has no counterpart (inplace).
3. gradient at exactly 0: the slope in PyTorch, 1 in MegEngine (grad_at_zero); F.where(x > 0, x,
   slope * x) has PyTorch's gradient at 0 (grad_where).
   Beyond: a slope above 1 (slope_2); the module form (module); second derivatives (checked in
   audit/autograd_grad.py: F.leaky_relu raises PRELU_GRAD unimplemented, F.where/F.maximum work).
FOUND: every claim holds; the page did not say that leaky_relu has no second derivative in MegEngine.
FIXED: usage (Second derivatives), example 4 (the F.where form's second derivative); the
gradient-at-0 example is the third, no longer the last.
"""
import sys

import numpy as np

X = np.array([-2.0, -0.5, 0.0, 0.5, 2.0], dtype="float32")


def torch_side(rng):
    import torch
    import torch.nn.functional as F
    x = torch.tensor(X)
    out = {"default": F.leaky_relu(x).numpy(), "slope_01": F.leaky_relu(x, 0.1).numpy(), "inplace": "accepted"}
    xx = x.clone().requires_grad_()
    F.leaky_relu(xx, 0.1).sum().backward()
    out["grad_at_zero"] = out["grad_where"] = xx.grad.numpy()
    out["slope_2"] = F.leaky_relu(x, 2.0).numpy()
    out["module"] = torch.nn.LeakyReLU(0.1)(x).numpy()
    return out


def megengine_side(rng):
    import inspect
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x = megengine.Tensor(X)
    out = {"default": F.leaky_relu(x).numpy(), "slope_01": F.leaky_relu(x, 0.1).numpy()}
    out["inplace"] = "accepted" if "inplace" in inspect.signature(megengine.module.LeakyReLU.__init__).parameters else "no inplace"
    for key, f in (("grad_at_zero", lambda t: F.leaky_relu(t, 0.1)), ("grad_where", lambda t: F.where(t > 0, t, 0.1 * t))):
        xx = megengine.Parameter(X)
        gm = GradManager().attach([xx])
        with gm:
            gm.backward(f(xx).sum())
        out[key] = xx.grad.numpy()
    out["slope_2"] = F.leaky_relu(x, 2.0).numpy()
    out["module"] = megengine.module.LeakyReLU(0.1)(x).numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
