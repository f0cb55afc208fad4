"""Audit of docs/pairs/sgd.yaml (torch.optim.SGD vs megengine.optimizer.SGD).

Claims checked (page as found, before this audit):
 1. The same weights after one step and after three (plain SGD).
 2. weight_decay * p is added to the gradient; the momentum buffer is v = momentum * v + grad,
    the first step storing the gradient; nesterov uses grad + momentum * v; p - lr * update.
 3. lr is required in MegEngine (TypeError); PyTorch defaults it to 0.001.
 4. step() reads p.grad and skips parameters whose gradient is None, in both.
 5. MegEngine has no dampening and behaves as dampening=0.
 6. maximize=True: negating the gradients gives the same weights (also with weight decay and
    Nesterov, beyond the page's example).
 7. foreach, differentiable and fused can be dropped (same result).
 8. momentum and weight_decay default to zero in both.
Beyond the page:
 9. Invalid values: negative lr, nesterov without momentum: PyTorch ValueError, MegEngine
    AssertionError.
10. nesterov is a per-group option in PyTorch (in param_groups); in MegEngine an attribute of the
    optimizer: a group's "nesterov" is ignored (MISSING on the page), and the constructor's
    nesterov=True needs the constructor's momentum.
11. Per-group options (a list of dicts with their own lr) work in both.
12. The optimizer state: PyTorch's group keys (dampening, nesterov, maximize, foreach,
    differentiable, fused) are not MegEngine's: loading PyTorch's dict is a ValueError (measured
    for Adam in audit/state_dict.py); the state key momentum_buffer is the same name.
13. Gradients are not cleared by step() in either (three steps with one gradient).

Run: .venv/bin/python audit/sgd.py (the MegEngine half runs in
.venv-megengine/bin/python); `... sgd.py torch|megengine` runs one half.
"""
import inspect

import numpy as np
from _sides import run_sides

rng = np.random.default_rng(0)
W = rng.standard_normal((2, 3)).astype("float32")
G = rng.standard_normal((2, 3)).astype("float32")
W2 = rng.standard_normal(3).astype("float32")
CASES = [
    {},
    {"momentum": 0.9},
    {"momentum": 0.9, "nesterov": True},
    {"momentum": 0.9, "weight_decay": 0.01},
    {"momentum": 0.9, "nesterov": True, "weight_decay": 0.1},
]


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a).ravel())


def err(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0][:80]}"


def torch_side():
    import torch

    print("3/8 signature", inspect.signature(torch.optim.SGD.__init__))

    def run(grad, steps=3, **kw):
        p = torch.nn.Parameter(torch.from_numpy(W.copy()))
        p.grad = torch.from_numpy(grad.copy())
        opt = torch.optim.SGD([p], **kw)
        for _ in range(steps):
            opt.step()
        return p.detach().numpy()

    for kw in CASES:
        print("1/2", kw, fmt(run(G, lr=0.1, **kw)))
    for kw in CASES[1:]:
        print("6 maximize", kw, fmt(run(G, lr=0.1, maximize=True, **kw)))
    print("7 foreach/differentiable/fused", fmt(run(G, lr=0.1, momentum=0.9, foreach=True)),
          fmt(run(G, lr=0.1, momentum=0.9, fused=True)))
    print("3 default lr, one step", fmt(run(G, steps=1)))
    # None gradient
    p = torch.nn.Parameter(torch.from_numpy(W.copy()))
    q = torch.nn.Parameter(torch.from_numpy(W2.copy()))
    p.grad = torch.from_numpy(G.copy())
    opt = torch.optim.SGD([p, q], lr=0.1, momentum=0.9)
    opt.step()
    print("4 no grad: q unchanged", bool((q.detach().numpy() == W2).all()), "grad still set", p.grad is not None)
    for kw in ({"lr": -0.1}, {"lr": 0.1, "nesterov": True}, {"lr": 0.1, "momentum": -1}):
        try:
            torch.optim.SGD([p], **kw)
            print("9", kw, "accepted")
        except Exception as e:
            print("9", kw, err(e))
    opt = torch.optim.SGD([{"params": [p], "lr": 0.01, "nesterov": True, "momentum": 0.9}, {"params": [q]}], lr=0.1)
    print("10/11 groups", [{k: v for k, v in g.items() if k in ("lr", "nesterov", "momentum")} for g in opt.param_groups])
    opt.step()
    sd = opt.state_dict()
    print("12 group keys", sorted(k for k in sd["param_groups"][0] if k != "params"))
    print("12 state", {k: sorted(v) for k, v in sd["state"].items()})
    opt = torch.optim.SGD([p], lr=0.1)
    opt.step()
    print("12 state without momentum", opt.state_dict()["state"])


def megengine_side():
    import megengine

    print("3/8 signature", inspect.signature(megengine.optimizer.SGD.__init__))

    def run(grad, steps=3, **kw):
        p = megengine.Parameter(W.copy())
        p.grad = megengine.Tensor(grad.copy())
        opt = megengine.optimizer.SGD([p], **kw)
        for _ in range(steps):
            opt.step()
        return p.numpy()

    for kw in CASES:
        print("1/2", kw, fmt(run(G, lr=0.1, **kw)))
    for kw in CASES[1:]:
        print("6 maximize", kw, fmt(run(-G, lr=0.1, **kw)))
    try:
        run(G, steps=1)
    except Exception as e:
        print("3 no lr:", err(e))
    p = megengine.Parameter(W.copy())
    q = megengine.Parameter(W2.copy())
    p.grad = megengine.Tensor(G.copy())
    opt = megengine.optimizer.SGD([p, q], lr=0.1, momentum=0.9)
    opt.step()
    print("4 no grad: q unchanged", bool((q.numpy() == W2).all()), "grad still set", p.grad is not None)
    for kw in ({"lr": -0.1}, {"lr": 0.1, "nesterov": True}, {"lr": 0.1, "momentum": -1}):
        try:
            megengine.optimizer.SGD([p], **kw)
            print("9", kw, "accepted")
        except Exception as e:
            print("9", kw, err(e))
    try:
        opt = megengine.optimizer.SGD([{"params": [p], "lr": 0.01, "nesterov": True, "momentum": 0.9}, {"params": [q]}], lr=0.1)
        print("10/11 groups", [{k: v for k, v in g.items() if k in ("lr", "nesterov", "momentum")} for g in opt.param_groups],
              "optimizer.nesterov", opt.nesterov)
        p2 = megengine.Parameter(W.copy())
        p2.grad = megengine.Tensor(G.copy())
        o2 = megengine.optimizer.SGD([{"params": [p2], "nesterov": True, "momentum": 0.9}], lr=0.1)
        for _ in range(3):
            o2.step()
        print("10 group nesterov=True, three steps", fmt(p2.numpy()), "(compare 1/2 heavy ball and nesterov)")
    except Exception as e:
        print("10/11 groups:", err(e))
    try:
        megengine.optimizer.SGD([{"params": [p], "momentum": 0.9}], lr=0.1, nesterov=True)
    except Exception as e:
        print("10 nesterov=True in the constructor, momentum only in the group:", err(e))
    sd = opt.state_dict()
    print("12 group keys", sorted(k for k in sd["param_groups"][0] if k != "params"))
    print("12 state", {k: sorted(v) for k, v in sd["state"].items()})
    o = megengine.optimizer.SGD([p], lr=0.1)
    print("12 state without momentum", o.state_dict()["state"])


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
