"""group_norm: claims of docs/pairs/group_norm.yaml, re-run in both frameworks.

1. eps default and weight/bias shapes and initial values are the same (eps, init).
2. num_channels not divisible by num_groups: ValueError in PyTorch, AssertionError in MegEngine (indivisible).
3. 4-D input with the same weights gives the same values (four_d).
4. a 3-D input fails in MegEngine only when the result is read, with "Only supports input of dim 4"
   (three_d: at the call or at .numpy()); with async_level = 0 (three_d_sync).
5. a trailing axis of size 1 gives PyTorch's values, gradients too (trailing, trailing_grad).
6. bias=False has no counterpart; keep MegEngine's bias at zero (no_bias). Beyond: a PyTorch
   bias=False state dict in MegEngine's strict load (no_bias_load).
7. 4-D gradients agree (grad_x, grad_w).
   Beyond: 2-D (N, C) input (two_d); a constant group (eps handling) (constant).
FOUND: a PyTorch bias=False state dict lacks "bias", which MegEngine's strict load refuses.
FIXED: usage (bias paragraph), example 5 (add a zero bias, then load).
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(2, 6, 4, 4).astype("float32"), rng.randn(2, 6, 4, 4).astype("float32"),
            rng.randn(6).astype("float32"), rng.randn(6).astype("float32"), rng.randn(2, 4, 7).astype("float32"))


THREE_D = """
import sys, numpy as np, megengine
if sys.argv[1] == "0":
    megengine.config.async_level = 0
x = megengine.Tensor(np.ones((2, 4, 7), "float32"))
try:
    y = megengine.module.GroupNorm(2, 4)(x)
except Exception as exc:
    print("at the call:", type(exc).__name__, "dim 4" in str(exc.__cause__)); raise SystemExit
try:
    y.numpy()
    print("no error")
except Exception as exc:
    print("at .numpy():", type(exc).__name__, "dim 4" in str(exc.__cause__))
"""


def torch_side(rng):
    import torch
    x, dy, g, b, x3 = [torch.tensor(a) for a in data(rng)]
    nn = torch.nn
    out = {}
    gn = nn.GroupNorm(3, 6)
    out["eps"] = gn.eps
    out["init"] = [gn.weight.detach().numpy().tolist(), gn.bias.detach().numpy().tolist()]
    try:
        nn.GroupNorm(4, 6)
    except ValueError:
        out["indivisible"] = "ValueError"
    with torch.no_grad():
        gn.weight.copy_(g)
        gn.bias.copy_(b)
    xx = x.clone().requires_grad_()
    y = gn(xx)
    out["four_d"] = y.detach().numpy()
    (y * dy).sum().backward()
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = gn.weight.grad.numpy()
    out["three_d"] = "runs"
    out["three_d_sync"] = "runs"
    xx3 = x3.clone().requires_grad_()
    y3 = nn.GroupNorm(2, 4, affine=False)(xx3)
    out["trailing"] = y3.detach().numpy()
    (y3 * x3.flip(-1)).sum().backward()
    out["trailing_grad"] = xx3.grad.numpy()
    out["no_bias"] = nn.GroupNorm(3, 6, bias=False)(x).detach().numpy()
    out["no_bias_load"] = sorted(nn.GroupNorm(3, 6, bias=False).state_dict())
    out["two_d"] = nn.GroupNorm(2, 4, affine=False)(x3[:, :, 0]).numpy()
    out["constant"] = nn.GroupNorm(3, 6, affine=False)(torch.full((1, 6, 2, 2), 3.0)).numpy()
    return out


def megengine_side(rng):
    import subprocess
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    M = megengine.module
    x, dy, g, b, x3 = [megengine.Tensor(a) for a in data(rng)]
    out = {}
    gn = M.GroupNorm(3, 6)
    out["eps"] = gn.eps
    out["init"] = [gn.weight.numpy().tolist(), gn.bias.numpy().tolist()]
    try:
        M.GroupNorm(4, 6)
        out["indivisible"] = "accepted"
    except AssertionError:
        out["indivisible"] = "AssertionError"
    gn.weight = megengine.Parameter(g.numpy())
    gn.bias = megengine.Parameter(b.numpy())
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx] + list(gn.parameters()))
    with gm:
        y = gn(xx)
        gm.backward((y * dy).sum())
    out["four_d"] = y.numpy()
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = gn.weight.grad.numpy()
    for key, level in (("three_d", "2"), ("three_d_sync", "0")):
        done = subprocess.run([sys.executable, "-c", THREE_D, level], capture_output=True, text=True)
        out[key] = done.stdout.strip() or "crash rc=%d" % done.returncode
    xx3 = megengine.Parameter(x3.numpy())
    gm = GradManager().attach([xx3])
    with gm:
        y3 = F.squeeze(M.GroupNorm(2, 4, affine=False)(F.expand_dims(xx3, -1)), -1)
        gm.backward((y3 * x3[:, :, ::-1]).sum())
    out["trailing"] = y3.numpy()
    out["trailing_grad"] = xx3.grad.numpy()
    gn = M.GroupNorm(3, 6)
    out["no_bias"] = gn(x).numpy()
    state = {"weight": np.ones(6, "float32")}
    try:
        M.GroupNorm(3, 6).load_state_dict(state)
        out["no_bias_load"] = "loads"
    except Exception as exc:  # noqa: BLE001
        out["no_bias_load"] = type(exc).__name__ + ": " + str(exc)[:50]
    try:
        out["two_d"] = F.squeeze(M.GroupNorm(2, 4, affine=False)(x3[:, :, 0].reshape(2, 4, 1, 1)), (2, 3)).numpy()
        M.GroupNorm(2, 4, affine=False)(x3[:, :, 0]).numpy()
    except Exception as exc:  # noqa: BLE001
        out["two_d_direct"] = type(exc).__name__
    out["constant"] = M.GroupNorm(3, 6, affine=False)(F.full((1, 6, 2, 2), 3.0)).numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
