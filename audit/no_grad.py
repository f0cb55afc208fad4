"""Audit of docs/pairs/no_grad.yaml (torch.no_grad; MegEngine has none).

Claims checked (page as found, before this audit):
 1. megengine.no_grad does not exist.
 2. MegEngine records only inside "with gm:" and only operations on attached tensors: a forward
    pass outside gives the same values and records nothing.
 3. A constant inside the forward pass: .detach() inside "with gm:" (or computing it before)
    gives PyTorch's gradient under torch.no_grad().
 4. PyTorch refuses an in-place update of a leaf that requires grad outside no_grad (RuntimeError);
    MegEngine's "w -= lr * w.grad" outside "with gm:" works and updates the same object.
 5. megengine.Tensor.requires_grad raises AttributeError ("reserved for future use").
Beyond the page:
 6. The same in-place update inside "with gm:" (before backward): what gradient results?

Run: .venv/bin/python audit/no_grad.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.array([1.0, 2.0, 3.0], "float32")


def torch_side():
    import torch

    x = torch.from_numpy(X.copy()).requires_grad_()
    with torch.no_grad():
        c = x * 2
    (x * c).sum().backward()
    print("3 gradient with a no_grad constant", x.grad.tolist())
    w = torch.nn.Parameter(torch.from_numpy(X.copy()))
    w.grad = torch.ones(3)
    try:
        w -= 0.1 * w.grad
    except Exception as e:
        print("4 in-place outside no_grad:", type(e).__name__)
    with torch.no_grad():
        w -= 0.1 * w.grad
    print("4 under no_grad", [round(v, 4) for v in w.tolist()])
    print("5 requires_grad under no_grad:", (lambda: (torch.no_grad().__enter__(), (x * 2).requires_grad))()[1])


def megengine_side():
    import megengine
    from megengine.autodiff import GradManager

    print("1 megengine.no_grad exists:", hasattr(megengine, "no_grad"))
    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    c = x * 2  # outside: not recorded
    with gm:
        gm.backward((x * c).sum())
    print("2/3 constant computed before 'with gm'", x.grad.numpy().tolist())
    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        c = (x * 2).detach()
        gm.backward((x * c).sum())
    print("3 .detach() inside", x.grad.numpy().tolist())
    w = megengine.Parameter(X.copy())
    before = w
    w.grad = megengine.Tensor(np.ones(3, "float32"))
    w -= 0.1 * w.grad
    print("4 outside: updated", [round(float(v), 4) for v in w.numpy()], "same object:", w is before)
    try:
        megengine.Tensor(X).requires_grad
    except Exception as e:
        print("5 requires_grad:", type(e).__name__, str(e)[:50])
    w = megengine.Parameter(X.copy())
    gm = GradManager().attach([w])
    with gm:
        y = (w * w).sum()
        w -= 0.5  # an in-place update while recording
        gm.backward(y)
    print("6 in-place update inside 'with gm' before backward: grad", w.grad.numpy().tolist() if w.grad is not None else None,
          "(2 * w before the update:", (2 * X).tolist(), ")")


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
