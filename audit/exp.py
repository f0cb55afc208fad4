"""exp: claims of docs/pairs/exp.yaml, re-run in both frameworks.

1. same values (values); overflow gives inf, underflow 0 in both (overflow, underflow).
2. integer inputs give float32 in both (int32); float16 gives float16 (half).
3. a boolean input: float32 in PyTorch, fails in MegEngine 1.13 (bool).
4. gradients agree (grad).
   Beyond: -inf and nan inputs (special).
FOUND: every claim holds. Nothing to fix.
"""
import sys

import numpy as np


def torch_side(rng):
    import torch
    x = torch.tensor(rng.randn(6).astype("float32"))
    out = {"values": torch.exp(x).numpy(), "overflow": torch.exp(torch.tensor([100.0])).item(),
           "underflow": torch.exp(torch.tensor([-200.0])).item()}
    out["int32"] = str(torch.exp(torch.tensor([1, 2], dtype=torch.int32)).dtype).replace("torch.", "")
    out["half"] = str(torch.exp(x.half()).dtype).replace("torch.", "")
    out["bool"] = str(torch.exp(torch.tensor([True, False])).dtype).replace("torch.", "")
    xx = x.clone().requires_grad_()
    torch.exp(xx).sum().backward()
    out["grad"] = xx.grad.numpy()
    out["special"] = [str(v) for v in torch.exp(torch.tensor([-float("inf"), float("nan")])).tolist()]
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    xn = rng.randn(6).astype("float32")
    x = megengine.Tensor(xn)
    out = {"values": F.exp(x).numpy(), "overflow": F.exp(megengine.Tensor([100.0])).item(),
           "underflow": F.exp(megengine.Tensor([-200.0])).item()}
    out["int32"] = str(F.exp(megengine.Tensor(np.array([1, 2], "int32"))).dtype)
    out["half"] = str(F.exp(x.astype("float16")).dtype)
    try:
        out["bool"] = str(F.exp(megengine.Tensor(np.array([True, False]))).numpy().dtype)
    except Exception as exc:  # noqa: BLE001
        out["bool"] = type(exc).__name__
    xx = megengine.Parameter(xn)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward(F.exp(xx).sum())
    out["grad"] = xx.grad.numpy()
    out["special"] = [str(float(v)) for v in F.exp(megengine.Tensor(np.array([-np.inf, np.nan], "float32"))).numpy()]
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
