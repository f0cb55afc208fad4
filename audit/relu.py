"""Audit of docs/pairs/relu.yaml (torch.nn.ReLU vs megengine.module.ReLU).

Claims checked (page as found, before this audit):
 1. inplace has no counterpart; MegEngine returns a new tensor.
 2. The gradient is the same, 0 at x = 0.
 3. float16, int32 and int8 keep their dtype with the same values.
Beyond the page:
 4. NaN input: PyTorch's ReLU propagates nan (gradient 1); MegEngine's gives 0 (gradient 0): MISSING on the page.
 5. -0.0 input.

Run: .venv/bin/python audit/relu.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.array([-1.0, 0.0, 2.0, np.nan, -0.0], "float32")


def show(a):
    return [("-0.0" if (v == 0 and np.signbit(v)) else f"{v:.4f}") for v in np.asarray(a, dtype="float64")]


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.nn.ReLU()(x)
    y.sum().backward()
    print("2/4/5 values", show(y.detach()), "grad", show(x.grad))
    print("3 dtypes", [str(torch.nn.ReLU()(torch.ones(2, dtype=d)).dtype) for d in (torch.float16, torch.int32, torch.int8)])


def megengine_side():
    import megengine
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = megengine.module.ReLU()(x)
        gm.backward(y.sum())
    print("2/4/5 values", show(y.numpy()), "grad", show(x.grad.numpy()), "| 1 new tensor:", y is not x)
    print("3 dtypes", [str(megengine.module.ReLU()(megengine.Tensor(np.ones(2, d))).dtype) for d in ("float16", "int32", "int8")])


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
