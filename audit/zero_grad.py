"""Audit of docs/pairs/zero_grad.yaml (torch.optim.Optimizer.zero_grad vs
megengine.optimizer.Optimizer.clear_grad).

Claims checked (page as found, before this audit):
 1. Both reset the optimizer's gradients to None (PyTorch's default set_to_none=True).
 2. clear_grad has no set_to_none argument.
 3. A backward pass adds to an existing p.grad in both.
 4. set_to_none=False fills zeros in PyTorch; p.grad = zeros_like(p) gives the same in MegEngine.
 5. MegEngine still has Optimizer.zero_grad(): it zeroes the gradients in place, is deprecated
    since 1.0 and emits a DeprecationWarning.
Beyond the page:
 6. With a None gradient step() skips the parameter in both (momentum included); with zeros
    PyTorch's SGD with momentum still moves it. The recipe (zeros_like) does the same in MegEngine.
 7. Module.zero_grad: PyTorch's nn.Module has one; MegEngine's Module?

Run: .venv/bin/python audit/zero_grad.py (the MegEngine half runs in
.venv-megengine/bin/python); `... zero_grad.py torch|megengine` runs one half.
"""
import inspect
import warnings

import numpy as np
from _sides import run_sides

W = np.array([1.0, 2.0, 3.0], "float32")
G = np.array([0.5, -1.0, 2.0], "float32")


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a).ravel())


def torch_side():
    import torch

    print("2 signature", inspect.signature(torch.optim.Optimizer.zero_grad))
    for none in (True, False):
        p = torch.nn.Parameter(torch.from_numpy(W.copy()))
        p.grad = torch.from_numpy(G.copy())
        opt = torch.optim.SGD([p], lr=0.1, momentum=0.9)
        opt.step()
        opt.zero_grad(set_to_none=none)
        print(f"1/4 set_to_none={none}: grad", None if p.grad is None else fmt(p.grad))
        opt.step()
        print(f"6 set_to_none={none}: weights after a second step", fmt(p.detach()))
    print("7 nn.Module.zero_grad:", hasattr(torch.nn.Module, "zero_grad"))


def megengine_side():
    import megengine

    print("2 signature", inspect.signature(megengine.optimizer.Optimizer.clear_grad))
    for zeros in (False, True):
        p = megengine.Parameter(W.copy())
        p.grad = megengine.Tensor(G.copy())
        opt = megengine.optimizer.SGD([p], lr=0.1, momentum=0.9)
        opt.step()
        opt.clear_grad()
        if zeros:
            p.grad = megengine.functional.zeros_like(p)
        print(f"1/4 clear_grad{' + zeros_like' if zeros else ''}: grad", None if p.grad is None else fmt(p.grad.numpy()))
        opt.step()
        print(f"6 clear_grad{' + zeros_like' if zeros else ''}: weights after a second step", fmt(p.numpy()))
    p = megengine.Parameter(W.copy())
    g = megengine.Tensor(G.copy())
    p.grad = g
    opt = megengine.optimizer.SGD([p], lr=0.1)
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        opt.zero_grad()
    print("5 zero_grad(): grad", fmt(p.grad.numpy()), "same tensor:", p.grad is g,
          "warnings", [(type(w.message).__name__, str(w.message)[:60]) for w in ws])
    print("5 docstring:", (megengine.optimizer.Optimizer.zero_grad.__doc__ or "").strip().splitlines()[:2])
    print("7 Module.zero_grad:", hasattr(megengine.module.Module, "zero_grad"))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
