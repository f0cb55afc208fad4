"""layer_norm: claims of docs/pairs/layer_norm.yaml, re-run in both frameworks.

1. both normalise over the last len(normalized_shape) axes with the biased variance (two_axes,
   checked against numpy's ddof=0 in numpy_biased), int normalized_shape too (int_shape).
2. weight and bias have shape normalized_shape, ones and zeros (init).
3. elementwise_affine=False == affine=False (no_affine).
4. same weights: same gradients of input, weight, bias (grad_x, grad_w).
   Beyond: eps default (eps); a bias=False state dict in MegEngine's strict load (no_bias_load);
   a normalized_shape that does not match the trailing axes (mismatch); float16 input (half).
FOUND: a bias=False state dict lacks "bias", which MegEngine's strict load refuses.
FIXED: usage, bias row, example 4 (zero bias added before loading).
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(2, 3, 4, 5).astype("float32"), rng.randn(2, 3, 4, 5).astype("float32"),
            rng.randn(4, 5).astype("float32"), rng.randn(4, 5).astype("float32"))


def torch_side(rng):
    import torch
    x, dy, g, b = [torch.tensor(a) for a in data(rng)]
    nn = torch.nn
    out = {}
    out["two_axes"] = nn.LayerNorm((4, 5), elementwise_affine=False)(x).numpy()
    xn = x.numpy()
    mean = xn.mean(axis=(2, 3), keepdims=True)
    out["numpy_biased"] = (xn - mean) / np.sqrt(xn.var(axis=(2, 3), keepdims=True) + 1e-5)
    out["int_shape"] = nn.LayerNorm(5, elementwise_affine=False)(x).numpy()
    m = nn.LayerNorm((4, 5))
    out["init"] = [list(m.weight.shape), float(m.weight.sum()), float(m.bias.sum())]
    out["no_affine"] = len(list(nn.LayerNorm(5, elementwise_affine=False).parameters()))
    with torch.no_grad():
        m.weight.copy_(g)
        m.bias.copy_(b)
    xx = x.clone().requires_grad_()
    (m(xx) * dy).sum().backward()
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = m.weight.grad.numpy()
    out["eps"] = m.eps
    out["no_bias_load"] = sorted(nn.LayerNorm(5, bias=False).state_dict())
    try:
        nn.LayerNorm(4)(x)
        out["mismatch"] = "runs"
    except RuntimeError:
        out["mismatch"] = "RuntimeError"
    out["half"] = nn.LayerNorm(5).half()(x.half()).dtype.__repr__()
    return out


def megengine_side(rng):
    import megengine
    from megengine.autodiff import GradManager
    M = megengine.module
    x, dy, g, b = [megengine.Tensor(a) for a in data(rng)]
    out = {}
    out["two_axes"] = M.LayerNorm((4, 5), affine=False)(x).numpy()
    out["int_shape"] = M.LayerNorm(5, affine=False)(x).numpy()
    m = M.LayerNorm((4, 5))
    out["init"] = [list(m.weight.shape), float(m.weight.sum().item()), float(m.bias.sum().item())]
    out["no_affine"] = len(list(M.LayerNorm(5, affine=False).parameters()))
    m.weight = megengine.Parameter(g.numpy())
    m.bias = megengine.Parameter(b.numpy())
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx] + list(m.parameters()))
    with gm:
        gm.backward((m(xx) * dy).sum())
    out["grad_x"] = xx.grad.numpy()
    out["grad_w"] = m.weight.grad.numpy()
    out["eps"] = m.eps
    try:
        M.LayerNorm(5).load_state_dict({"weight": np.ones(5, "float32")})
        out["no_bias_load"] = "loads"
    except Exception as exc:  # noqa: BLE001
        out["no_bias_load"] = type(exc).__name__ + ": " + str(exc)[:50]
    try:
        M.LayerNorm(4)(x).numpy()
        out["mismatch"] = "runs"
    except Exception as exc:  # noqa: BLE001
        out["mismatch"] = type(exc).__name__
    try:
        m = M.LayerNorm(5)
        m.weight = megengine.Parameter(m.weight.numpy().astype("float16"))
        m.bias = megengine.Parameter(m.bias.numpy().astype("float16"))
        out["half"] = "megengine " + str(m(x.astype("float16")).dtype)
    except Exception as exc:  # noqa: BLE001
        out["half"] = type(exc).__name__
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
