"""abs: claims of docs/pairs/abs.yaml, re-run in both frameworks.

1. torch.abs == F.abs; Python's abs() works on both (values, builtin); MegEngine tensors have no
   .abs() method (method); integers keep their dtype (int32).
2. gradient at exactly 0 and -0.0: 0 in PyTorch, -1 in MegEngine (grad_zero); F.sign passes no
   gradient, x.grad stays None, torch.sign gives zeros (sign_grad).
3. float16 keeps float16 (half).
   Beyond: the int32 minimum (int_min: stays negative in both); a port with PyTorch's gradient,
   x times a detached sign that is 0 at 0 (grad_port).
FOUND: every claim holds. Nothing to fix.
"""
import sys

import numpy as np

X = np.array([-2.0, -0.0, 0.0, 1.5], dtype="float32")


def torch_side(rng):
    import torch
    x = torch.tensor(X)
    out = {"values": torch.abs(x).numpy(), "builtin": abs(x).numpy(), "method": "has .abs()",
           "int32": str(torch.abs(torch.tensor([-3], dtype=torch.int32)).dtype).replace("torch.", "")}
    xx = x.clone().requires_grad_()
    torch.abs(xx).sum().backward()
    out["grad_zero"] = out["grad_port"] = xx.grad.numpy()
    xx = x.clone().requires_grad_()
    torch.sign(xx).sum().backward()
    out["sign_grad"] = str(xx.grad.tolist())
    out["half"] = str(torch.abs(x.half()).dtype).replace("torch.", "")
    out["int_min"] = torch.abs(torch.tensor([-2147483648], dtype=torch.int32)).tolist()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x = megengine.Tensor(X)
    out = {"values": F.abs(x).numpy(), "builtin": abs(x).numpy(),
           "method": "has .abs()" if hasattr(x, "abs") else "no .abs()",
           "int32": str(F.abs(megengine.Tensor(np.array([-3], "int32"))).dtype)}
    xx = megengine.Parameter(X)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward(F.abs(xx).sum())
    out["grad_zero"] = xx.grad.numpy()
    xx = megengine.Parameter(X)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward(F.sign(xx).sum())
    out["sign_grad"] = str(xx.grad)
    xx = megengine.Parameter(X)
    gm = GradManager().attach([xx])
    with gm:
        s = F.where(xx > 0, F.ones_like(xx), F.where(xx < 0, -F.ones_like(xx), F.zeros_like(xx))).detach()
        gm.backward((xx * s).sum())
    out["grad_port"] = xx.grad.numpy()
    out["half"] = str(F.abs(x.astype("float16")).dtype)
    out["int_min"] = F.abs(megengine.Tensor(np.array([-2147483648], "int32"))).numpy().tolist()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
