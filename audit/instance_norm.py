"""instance_norm: claims of docs/pairs/instance_norm.yaml, re-run in both frameworks.

1. MegEngine's InstanceNorm runs on 4-D input only; a 3-D input fails when the result is used (three_d).
2. (N, C, L) reshaped to (N, C, L, 1) gives InstanceNorm1d's values (one_d).
3. affine defaults differ (n_params); MegEngine's weight/bias are (C,), ones and zeros, so the
   first forward pass gives the same numbers (init_shapes, first_forward).
4. MegEngine keeps no running statistics: PyTorch's default track_running_stats=False is the
   same (no_running); with True, PyTorch's eval() uses running statistics (tracked_eval differs).
5. affine=True with the same weights: same values and gradients (affine, grad_x, grad_w).
   Beyond: eps defaults (eps); a single spatial position in training mode (one_position);
   a bias=False PyTorch state dict in MegEngine's strict load (no_bias_load).
FOUND: one spatial position: PyTorch's ValueError, MegEngine's zeros; a bias=False state dict
lacks "bias", which MegEngine's strict load refuses.
FIXED: usage, bias row, examples 6 (one position) and 7 (zero bias added before loading).
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(2, 3, 5, 5).astype("float32"), rng.randn(2, 3, 5, 5).astype("float32"),
            rng.randn(3).astype("float32"), rng.randn(3).astype("float32"), rng.randn(2, 3, 7).astype("float32"))


def torch_side(rng):
    import torch
    x, dy, g, b, x3 = [torch.tensor(a) for a in data(rng)]
    nn = torch.nn
    out = {"three_d": "runs"}
    out["one_d"] = nn.InstanceNorm1d(3)(x3).numpy()
    out["n_params"] = len(list(nn.InstanceNorm2d(3).parameters()))
    m = nn.InstanceNorm2d(3, affine=True)
    out["init_shapes"] = [list(m.weight.shape), m.weight.detach().numpy().tolist(), m.bias.detach().numpy().tolist()]
    out["first_forward"] = nn.InstanceNorm2d(3)(x).numpy()
    out["no_running"] = nn.InstanceNorm2d(3).eval()(x).numpy()
    m = nn.InstanceNorm2d(3, track_running_stats=True)
    m(x)
    out["tracked_eval"] = m.eval()(x).numpy()
    m = nn.InstanceNorm2d(3, affine=True)
    with torch.no_grad():
        m.weight.copy_(g)
        m.bias.copy_(b)
    xx = x.clone().requires_grad_()
    y = m(xx)
    (y * dy).sum().backward()
    out["affine"] = y.detach().numpy()
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = m.weight.grad.numpy()
    out["eps"] = nn.InstanceNorm2d(3).eps
    try:
        nn.InstanceNorm2d(3)(torch.ones(2, 3, 1, 1))
        out["one_position"] = "runs"
    except ValueError as exc:
        out["one_position"] = "ValueError: " + str(exc)[:40]
    out["no_bias_load"] = sorted(nn.InstanceNorm2d(3, affine=True, bias=False).state_dict())
    return out


def megengine_side(rng):
    import megengine
    from megengine.autodiff import GradManager
    M = megengine.module
    x, dy, g, b, x3 = [megengine.Tensor(a) for a in data(rng)]
    out = {}
    try:
        y = M.InstanceNorm(3, affine=False)(x3)
        y.numpy()
        out["three_d"] = "runs"
    except Exception as exc:  # noqa: BLE001
        out["three_d"] = type(exc).__name__ + " (call returned: %s)" % ("y" in dir())
    out["one_d"] = M.InstanceNorm(3, affine=False)(x3.reshape(2, 3, 7, 1)).reshape(2, 3, 7).numpy()
    out["n_params"] = len(list(M.InstanceNorm(3).parameters()))
    m = M.InstanceNorm(3)
    out["init_shapes"] = [list(m.weight.shape), m.weight.numpy().tolist(), m.bias.numpy().tolist()]
    out["first_forward"] = M.InstanceNorm(3)(x).numpy()
    m = M.InstanceNorm(3)
    m.eval()
    out["no_running"] = m(x).numpy()
    out["tracked_eval"] = out["no_running"]
    m = M.InstanceNorm(3)
    m.weight = megengine.Parameter(g.numpy())
    m.bias = megengine.Parameter(b.numpy())
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx] + list(m.parameters()))
    with gm:
        y = m(xx)
        gm.backward((y * dy).sum())
    out["affine"] = y.numpy()
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = m.weight.grad.numpy()
    out["eps"] = M.InstanceNorm(3).eps
    y = M.InstanceNorm(3)(megengine.Tensor(np.ones((2, 3, 1, 1), "float32")))
    out["one_position"] = "runs: %s" % np.round(y.numpy().reshape(-1), 3).tolist()
    try:
        M.InstanceNorm(3).load_state_dict({"weight": np.ones(3, "float32")})
        out["no_bias_load"] = "loads"
    except Exception as exc:  # noqa: BLE001
        out["no_bias_load"] = type(exc).__name__ + ": " + str(exc)[:50]
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
