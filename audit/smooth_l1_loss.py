"""Audit of docs/pairs/smooth_l1_loss.yaml (torch.nn.functional.smooth_l1_loss; MegEngine 1.13 has
none: the piecewise formula with F.where).

Claims checked (page as found, before this audit):
 1. MegEngine 1.13 has no smooth_l1_loss (neither F.nn nor F).
 2. The formula gives the same mean, and with beta=0.5 the same sum.
 3. Its gradient with respect to both arguments is PyTorch's, at x == y (0) and at the kinks
    |x - y| = beta (+-1).
Beyond the page:
 4. beta=0 (PyTorch: the L1 loss): the formula's value is the L1 loss, but its gradient is NaN
    everywhere (0.5 * d ** 2 / 0 is NaN in the branch where() does not pick, and NaN * 0 = NaN
    in the backward pass).
 5. Guarding the division (beta=0: the L1 loss, abs(x - y)) gives PyTorch's value and gradient.
 6. Negative beta: PyTorch raises; the formula computes something.

Run: .venv/bin/python audit/smooth_l1_loss.py (the MegEngine half runs in
.venv-megengine/bin/python); `... smooth_l1_loss.py torch|megengine` runs one half.
"""

import numpy as np
from _sides import run_sides

rng = np.random.default_rng(0)
X = rng.standard_normal((4, 5)).astype("float32")
Y = rng.standard_normal((4, 5)).astype("float32")
XK = np.array([-2.0, -1.0, -0.3, 0.0, 0.5, 1.0, 3.0], "float32")


def r(v):
    return f"{float(v):.4f}"


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a).ravel())


def torch_side():
    import torch

    F = torch.nn.functional
    x, y = torch.tensor(X), torch.tensor(Y)
    print("2 mean", r(F.smooth_l1_loss(x, y)), "sum beta=0.5", r(F.smooth_l1_loss(x, y, beta=0.5, reduction="sum")))
    xk = torch.tensor(XK, requires_grad=True)
    yk = torch.zeros(7, requires_grad=True)
    F.smooth_l1_loss(xk, yk, reduction="sum").backward()
    print("3 grad x", fmt(xk.grad), "grad y", fmt(yk.grad))
    xk.grad = None
    loss = F.smooth_l1_loss(xk, torch.zeros(7), beta=0.0, reduction="sum")
    loss.backward()
    print("4 beta=0", r(loss), "grad", fmt(xk.grad))
    try:
        F.smooth_l1_loss(x, y, beta=-1.0)
        print("6 beta=-1 accepted")
    except Exception as e:
        print("6 beta=-1:", type(e).__name__, str(e)[:60])


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 F.nn has smooth_l1_loss:", hasattr(F.nn, "smooth_l1_loss"), "F:", hasattr(F, "smooth_l1_loss"))

    def smooth_l1(x, y, beta=1.0):
        d = abs(x - y)
        return F.where(d < beta, 0.5 * d ** 2 / beta, d - 0.5 * beta)

    def guarded(x, y, beta=1.0):
        d = abs(x - y)
        if beta == 0:
            return d
        return F.where(d < beta, 0.5 * d ** 2 / beta, d - 0.5 * beta)

    x, y = megengine.Tensor(X), megengine.Tensor(Y)
    print("2 mean", r(smooth_l1(x, y).mean()), "sum beta=0.5", r(smooth_l1(x, y, 0.5).sum()))
    for name, fn, beta in (("3", smooth_l1, 1.0), ("4 beta=0", smooth_l1, 0.0), ("5 beta=0 guarded", guarded, 0.0)):
        xk, yk = megengine.Tensor(XK), megengine.Tensor(np.zeros(7, "float32"))
        gm = GradManager().attach([xk, yk])
        with gm:
            loss = fn(xk, yk, beta).sum()
            gm.backward(loss)
        print(name, r(loss), "grad x", fmt(xk.grad.numpy()), "grad y", fmt(yk.grad.numpy()))
    print("6 beta=-1", r(smooth_l1(x, y, -1.0).mean()))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
