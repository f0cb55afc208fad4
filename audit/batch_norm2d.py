"""batch_norm2d: claims of docs/pairs/batch_norm2d.yaml, re-run in both frameworks.

1. default momenta (0.1 / 0.9) are the same update of running_mean and running_var (default_*);
   both update running_var with the unbiased batch variance (default_var, checked against numpy).
2. the same momentum number (0.01) gives other running statistics; 1 - m gives PyTorch's (same_number, converted).
3. momentum=None: a cumulative average in PyTorch; MegEngine accepts it in the constructor and
   fails with a TypeError at the first training forward (momentum_none); in eval mode it runs (momentum_none_eval).
4. MegEngine stores weight, bias, running_mean, running_var as (1, C, 1, 1), PyTorch as (C,) (shapes).
   Beyond: loading (C,) arrays into MegEngine's state dict (load_flat); PyTorch's num_batches_tracked
   key in a strict MegEngine load (load_extra_key).
5. freeze=True uses the running statistics in training mode and leaves them unchanged (freeze_y, freeze_running).
6. bias=False drops the shift in PyTorch only (bias_param).
7. training-mode gradients agree (grad_x, grad_w); with freeze=True weight/bias get no gradient (freeze_grad_w).
   Beyond: eps default 1e-5 both (eps); track_running_stats=False in eval mode uses batch statistics
   (no_track_eval); affine=False (affine_false); one value per channel in training mode (one_value);
   what eval() returns, which PyTorch code chains (eval_returns).
FOUND: MegEngine loads (C,) arrays itself but refuses num_batches_tracked (strict KeyError);
one value per channel gives nan running_var in MegEngine; eval() returns None.
FIXED: usage (Shapes, One value per channel), examples 8, 9 and 10.
"""
import sys

import numpy as np


def data(rng):
    return rng.randn(4, 3, 5, 5).astype("float32"), rng.randn(4, 3, 5, 5).astype("float32")


def torch_side(rng):
    import torch
    x, dy = [torch.tensor(a) for a in data(rng)]
    nn = torch.nn
    out = {}
    bn = nn.BatchNorm2d(3)
    bn(x)
    out["default_mean"] = bn.running_mean.numpy()
    out["default_var"] = bn.running_var.numpy()
    xn = x.numpy().transpose(1, 0, 2, 3).reshape(3, -1)
    out["numpy_unbiased"] = 0.9 + 0.1 * xn.var(axis=1, ddof=1)
    bn = nn.BatchNorm2d(3, momentum=0.01)
    bn(x)
    out["same_number"] = bn.running_mean.numpy()
    out["converted"] = bn.running_mean.numpy()
    bn = nn.BatchNorm2d(3, momentum=None)
    bn(x)
    out["momentum_none"] = "runs"
    out["momentum_none_eval"] = "runs"
    bn = nn.BatchNorm2d(3)
    out["shapes"] = [list(bn.weight.shape), list(bn.bias.shape), list(bn.running_mean.shape), list(bn.running_var.shape)]
    out["load_flat"] = "n/a"
    out["state_keys"] = sorted(bn.state_dict())
    bn = nn.BatchNorm2d(3).eval().requires_grad_(False)
    with torch.no_grad():
        bn.running_mean.fill_(0.5)
        bn.running_var.fill_(2.0)
    out["freeze_y"] = bn(x).numpy()[0, :, 0, 0]
    out["freeze_running"] = bn.running_mean.numpy()
    out["bias_param"] = str(nn.BatchNorm2d(3, bias=False).bias)
    bn = nn.BatchNorm2d(3)
    with torch.no_grad():
        bn.weight.copy_(torch.tensor([0.5, 1.0, 2.0]))
    xx = x.clone().requires_grad_()
    (bn(xx) * dy).sum().backward()
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = bn.weight.grad.numpy()
    out["freeze_grad_w"] = "None"
    out["eps"] = nn.BatchNorm2d(3).eps
    out["eval_returns"] = type(nn.BatchNorm2d(3).eval()).__name__
    bn = nn.BatchNorm2d(3, track_running_stats=False).eval()
    out["no_track_eval"] = bn(x).detach().numpy()[0, :, 0, 0]
    out["affine_false"] = nn.BatchNorm2d(3, affine=False)(x).numpy()[0, :, 0, 0]
    try:
        nn.BatchNorm2d(3)(torch.ones(1, 3, 1, 1))
        out["one_value"] = "runs"
    except ValueError as exc:
        out["one_value"] = "ValueError: " + str(exc)[:45]
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    M = megengine.module
    x, dy = [megengine.Tensor(a) for a in data(rng)]
    out = {}
    bn = M.BatchNorm2d(3)
    bn(x)
    out["default_mean"] = bn.running_mean.numpy().reshape(-1)
    out["default_var"] = bn.running_var.numpy().reshape(-1)
    bn = M.BatchNorm2d(3, momentum=0.01)
    bn(x)
    out["same_number"] = bn.running_mean.numpy().reshape(-1)
    bn = M.BatchNorm2d(3, momentum=0.99)
    bn(x)
    out["converted"] = bn.running_mean.numpy().reshape(-1)
    bn = M.BatchNorm2d(3, momentum=None)
    try:
        bn(x)
        out["momentum_none"] = "runs"
    except Exception as exc:  # noqa: BLE001
        out["momentum_none"] = type(exc).__name__
    bn.eval()
    bn(x)
    out["momentum_none_eval"] = "runs"
    bn = M.BatchNorm2d(3)
    out["shapes"] = [list(bn.weight.shape), list(bn.bias.shape), list(bn.running_mean.shape), list(bn.running_var.shape)]
    flat = {k: np.full(3, 0.5, dtype="float32") for k in ("weight", "bias", "running_mean", "running_var")}
    try:
        bn.load_state_dict(flat)
        out["load_flat"] = "loads, weight now %s" % (list(bn.weight.shape),)
        try:
            y = bn(x)
            out["load_flat"] += ", forward gives %s" % (list(y.shape),)
        except Exception as exc:  # noqa: BLE001
            out["load_flat"] += ", forward: " + type(exc).__name__
    except Exception as exc:  # noqa: BLE001
        out["load_flat"] = type(exc).__name__ + ": " + str(exc)[:60]
    bn = M.BatchNorm2d(3)
    extra = dict(bn.state_dict())
    out["state_keys"] = sorted(extra)
    extra["num_batches_tracked"] = np.array(1)
    try:
        bn.load_state_dict(extra)
        out["load_extra_key"] = "loads"
    except Exception as exc:  # noqa: BLE001
        out["load_extra_key"] = type(exc).__name__ + ": " + str(exc)[:50]
    bn = M.BatchNorm2d(3, freeze=True)
    bn.running_mean = F.full((1, 3, 1, 1), 0.5)
    bn.running_var = F.full((1, 3, 1, 1), 2.0)
    bn.train()
    out["freeze_y"] = bn(x).numpy()[0, :, 0, 0]
    out["freeze_running"] = bn.running_mean.numpy().reshape(-1)
    out["bias_param"] = "no bias parameter"
    bn = M.BatchNorm2d(3)
    bn.weight = megengine.Parameter(np.array([0.5, 1.0, 2.0], dtype="float32").reshape(1, 3, 1, 1))
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx] + list(bn.parameters()))
    with gm:
        gm.backward((bn(xx) * dy).sum())
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = bn.weight.grad.numpy().reshape(-1)
    bn = M.BatchNorm2d(3, freeze=True)
    gm = GradManager().attach(list(bn.parameters()))
    with gm:
        gm.backward((bn(x) * dy).sum())
    out["freeze_grad_w"] = str(bn.weight.grad)
    out["eps"] = M.BatchNorm2d(3).eps
    out["eval_returns"] = type(M.BatchNorm2d(3).eval()).__name__
    bn = M.BatchNorm2d(3, track_running_stats=False)
    bn.eval()
    out["no_track_eval"] = bn(x).detach().numpy()[0, :, 0, 0]
    out["affine_false"] = M.BatchNorm2d(3, affine=False)(x).numpy()[0, :, 0, 0]
    try:
        bn = M.BatchNorm2d(3)
        y = bn(megengine.Tensor(np.ones((1, 3, 1, 1), dtype="float32")))
        out["one_value"] = "runs: y %s, running_var %s" % (np.round(y.numpy().reshape(-1), 3).tolist(), np.round(bn.running_var.numpy().reshape(-1), 3).tolist())
    except Exception as exc:  # noqa: BLE001
        out["one_value"] = type(exc).__name__
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
