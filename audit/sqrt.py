"""Audit of docs/pairs/sqrt.yaml (torch.sqrt vs megengine.functional.sqrt).

Claims checked (page as found, before this audit):
 1. nan for negative inputs, -0.0 gives -0.0, on both sides.
 2. Gradients agree, inf at 0 on both sides.
 3. float16 gives the same float16 values; int32 gives float32 on both sides; bool gives float32
    in PyTorch and fails in MegEngine; no bfloat16 tensor in MegEngine.
Beyond the page:
 4. The gradient at a negative input (nan in both?).

Run: .venv/bin/python audit/sqrt.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.array([4.0, 0.0, -0.0, -1.0, 2.0], "float32")


def show(a):
    return [("-0.0" if (v == 0 and np.signbit(v)) else f"{v:.4f}") for v in np.asarray(a, dtype="float64")]


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.sqrt(x)
    y.sum().backward()
    print("1/2/4 values", show(y.detach()), "grad", show(x.grad))
    print("3 dtypes", torch.sqrt(torch.ones(2, dtype=torch.float16)).dtype, torch.sqrt(torch.ones(2, dtype=torch.int32)).dtype,
          torch.sqrt(torch.ones(2, dtype=torch.bool)).dtype)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = F.sqrt(x)
        gm.backward(y.sum())
    print("1/2/4 values", show(y.numpy()), "grad", show(x.grad.numpy()))
    out = [str(F.sqrt(megengine.Tensor(np.ones(2, d))).dtype) for d in ("float16", "int32")]
    try:
        F.sqrt(megengine.Tensor(np.ones(2, bool))).numpy()
        out.append("bool ok")
    except Exception as e:
        out.append(f"bool {type(e).__name__}")
    print("3 dtypes", *out)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
