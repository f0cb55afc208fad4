"""Audit of docs/pairs/max.yaml (torch.Tensor.max vs megengine.Tensor.max).

Claims checked (page as found, before this audit):
 1. Without dim both return the largest element; with dim PyTorch returns (values, indices),
    MegEngine only the values; F.argmax gives the indices (int64 vs int32).
 2. dim/axis, keepdim/keepdims; MegEngine accepts a tuple of axes, PyTorch's max does not.
 3. torch.max(a, b) is F.maximum(a, b).
 4. Gradients at ties: whole tensor 0.5 each (PyTorch) vs 1 each (MegEngine); along a dim all to
    the first maximum (PyTorch) vs 1 to each tie; maximum(a, b) at a == b: 0.5/0.5 vs 1/0.
Beyond the page:
 5. argmax with ties: the first maximum in both?
 6. NaN: max, max along an axis, argmax and maximum propagate NaN in PyTorch; in MegEngine?

Run: .venv/bin/python audit/max.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

T = np.array([[1.0, 3.0, 3.0], [2.0, 0.0, 2.0]], "float32")
N = np.array([[1.0, np.nan, 3.0], [2.0, 0.0, 5.0]], "float32")


def torch_side():
    import torch

    t = torch.from_numpy(T).requires_grad_()
    t.max().backward()
    print("4 whole-tensor grad", t.grad.tolist())
    t.grad = None
    v, i = t.max(dim=1)
    v.sum().backward()
    print("1/4 along dim: indices", i.tolist(), i.dtype, "grad", t.grad.tolist())
    a, b = torch.zeros(2, requires_grad=True), torch.zeros(2, requires_grad=True)
    torch.maximum(a, b).sum().backward()
    print("4 maximum grads", a.grad.tolist(), b.grad.tolist())
    try:
        torch.from_numpy(T).max(dim=(0, 1))
    except Exception as e:
        print("2 tuple dim:", type(e).__name__)
    print("5 argmax ties", torch.from_numpy(T).argmax(dim=1).tolist())
    n = torch.from_numpy(N)
    print("6 NaN: max", n.max().item(), "| along dim 1", n.max(dim=1).values.tolist(), "| argmax", n.argmax(dim=1).tolist(),
          "| maximum", torch.maximum(n[0], torch.ones(3)).tolist())


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    def grad_of(f, *arrs):
        ts = [megengine.Tensor(a) for a in arrs]
        gm = GradManager().attach(ts)
        with gm:
            gm.backward(f(*ts))
        return [t.grad.numpy().tolist() for t in ts]

    print("4 whole-tensor grad", grad_of(lambda t: t.max(), T)[0])
    r = megengine.Tensor(T).max(axis=1)
    print("1/4 along axis: returns", type(r).__name__, tuple(r.shape), "argmax", F.argmax(megengine.Tensor(T), axis=1).numpy().tolist(),
          F.argmax(megengine.Tensor(T), axis=1).dtype, "grad", grad_of(lambda t: t.max(axis=1).sum(), T)[0])
    print("4 maximum grads", grad_of(lambda a, b: F.maximum(a, b).sum(), np.zeros(2, "float32"), np.zeros(2, "float32")))
    print("2 tuple axis", megengine.Tensor(T).max(axis=(0, 1)).item())
    n = megengine.Tensor(N)
    print("6 NaN: max", n.max().item(), "| along axis 1", n.max(axis=1).numpy().tolist(), "| argmax",
          F.argmax(n, axis=1).numpy().tolist(), "| maximum", F.maximum(n[0], F.ones(3)).numpy().tolist())


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
