"""conv2d: claims of docs/pairs/conv2d.yaml, re-run in both frameworks.

1. in_channels ... bias mean the same, same order and defaults (defaults).
2. a positional "reflect" (9th) lands in MegEngine's conv_mode (positional_reflect: what the user sees).
3. padding_mode "zeros", "reflect", "replicate" agree (pad_zeros, pad_reflect, pad_replicate);
   "circular" fails in MegEngine (pad_circular).
4. bias (1, C_out, 1, 1) in MegEngine; grouped weight (groups, C_out // groups, C_in // groups, kH, kW)
   (shapes); same weights give the same values (same, grouped).
5. padding="same"/"valid" are PyTorch only (pad_same_str); for odd k and stride 1, "same" is
   (k - 1) // 2 * dilation (pad_same_int, with dilation 2).
6. conv_mode's default is PyTorch's cross-correlation (covered by same); compute_mode="float32" on
   float16 input (half).
7. gradients agree, MegEngine's have its parameter shapes (grad_x, grad_w, grad_b_shape).
   Beyond: load_state_dict of PyTorch-shaped (C_out,) bias and 4-D grouped weight (load_torch_shapes);
   default initialisation: the bias (init_bias), the weight's std * sqrt(fan_in) (init_weight_std:
   PyTorch uniform +-1/sqrt(fan_in) gives 1/sqrt(3), MegEngine normal(0, 1/sqrt(fan_in)) gives 1).
FOUND: the initialisations differ (MegEngine: normal weight, zero bias); load_state_dict refuses
PyTorch's (C_out,) bias (ValueError), consistent with the page's "reshape".
FIXED: usage (Initialisation), example 9 (with the uniform_ recipe).
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(2, 3, 8, 8).astype("float32"), rng.uniform(-0.5, 0.5, (4, 3, 3, 3)).astype("float32"),
            rng.randn(4).astype("float32"), rng.randn(2, 4, 6, 6).astype("float32"),
            rng.uniform(-0.5, 0.5, (6, 2, 3, 3)).astype("float32"), rng.randn(2, 4, 4, 4).astype("float32"))


def torch_side(rng):
    import inspect
    import torch
    x, w, b, xg, wg, dy = [torch.tensor(a) for a in data(rng)]
    C = torch.nn.Conv2d
    params = inspect.signature(C.__init__).parameters
    out = {"defaults": [(n, float(params[n].default)) for n in ("stride", "padding", "dilation", "groups", "bias")]}
    out["positional_reflect"] = C(2, 3, 3, 1, 1, 1, 1, True, "reflect").padding_mode
    conv = C(3, 4, 3, stride=2, padding=1)
    with torch.no_grad():
        conv.weight.copy_(w)
        conv.bias.copy_(b)
    out["same"] = conv(x).detach().numpy()
    for mode in ("zeros", "reflect", "replicate"):
        c = C(3, 4, 3, padding=1, padding_mode=mode, bias=False)
        with torch.no_grad():
            c.weight.copy_(w)
        out["pad_" + mode] = c(x).detach().numpy()
    out["pad_circular"] = list(C(3, 4, 3, padding=1, padding_mode="circular")(x).shape)
    g = C(4, 6, 3, groups=2, bias=False)
    with torch.no_grad():
        g.weight.copy_(wg)
    out["grouped"] = g(xg).detach().numpy()
    out["shapes"] = [list(C(4, 6, 3, groups=2).weight.shape), list(C(4, 6, 3, groups=2).bias.shape)]
    out["pad_same_str"] = list(C(3, 4, 3, padding="same")(x).shape)
    c = C(3, 4, 5, padding="same", dilation=2, bias=False)
    with torch.no_grad():
        c.weight.copy_(torch.tensor(np.resize(w.numpy(), (4, 3, 5, 5))))
    out["pad_same_int"] = c(x).detach().numpy()
    c = C(3, 4, 3, bias=False)
    with torch.no_grad():
        c.weight.copy_(w)
    out["half"] = str(c.half()(x.half()).dtype).replace("torch.", "")
    xx = x.clone().requires_grad_()
    (conv(xx) * dy).sum().backward()
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), conv.weight.grad.numpy()
    out["grad_b_shape"] = list(conv.bias.grad.shape)
    out["load_torch_shapes"] = "n/a"
    torch.manual_seed(0)
    fresh = C(3, 16, 3)
    out["init_bias"] = "nonzero" if fresh.bias.abs().max() > 0 else "zeros"
    out["init_weight_std"] = round(float(torch.nn.Conv2d(64, 32, 3).weight.std()) * 576 ** 0.5, 1)
    return out


def megengine_side(rng):
    import inspect
    import megengine
    x, w, b, xg, wg, dy = data(rng)
    x, xg, dy = megengine.Tensor(x), megengine.Tensor(xg), megengine.Tensor(dy)
    from megengine.autodiff import GradManager
    C = megengine.module.Conv2d
    params = inspect.signature(C.__init__).parameters
    out = {"defaults": [(n, float(params[n].default)) for n in ("stride", "padding", "dilation", "groups", "bias")]}
    try:
        c = C(2, 3, 3, 1, 1, 1, 1, True, "reflect")
        c(megengine.Tensor(np.ones((1, 2, 5, 5), "float32"))).numpy()
        out["positional_reflect"] = "padding_mode %s, conv_mode %s, forward runs" % (c.padding_mode, c.conv_mode)
    except Exception as exc:  # noqa: BLE001
        out["positional_reflect"] = "forward: " + type(exc).__name__
    conv = C(3, 4, 3, stride=2, padding=1)
    conv.weight = megengine.Parameter(w)
    conv.bias = megengine.Parameter(b.reshape(1, 4, 1, 1))
    out["same"] = conv(x).numpy()
    for mode in ("zeros", "reflect", "replicate"):
        c = C(3, 4, 3, padding=1, padding_mode=mode, bias=False)
        c.weight = megengine.Parameter(w)
        out["pad_" + mode] = c(x).numpy()
    try:
        out["pad_circular"] = list(C(3, 4, 3, padding=1, padding_mode="circular")(x).numpy().shape)
    except Exception as exc:  # noqa: BLE001
        out["pad_circular"] = type(exc).__name__
    g = C(4, 6, 3, groups=2, bias=False)
    g.weight = megengine.Parameter(wg.reshape(2, 3, 2, 3, 3))
    out["grouped"] = g(xg).numpy()
    out["shapes"] = [list(C(4, 6, 3, groups=2).weight.shape), list(C(4, 6, 3, groups=2).bias.shape)]
    try:
        out["pad_same_str"] = list(C(3, 4, 3, padding="same")(x).numpy().shape)
    except Exception as exc:  # noqa: BLE001
        out["pad_same_str"] = type(exc).__name__
    c = C(3, 4, 5, padding=(5 - 1) // 2 * 2, dilation=2, bias=False)
    c.weight = megengine.Parameter(np.resize(w, (4, 3, 5, 5)))
    out["pad_same_int"] = c(x).numpy()
    c = C(3, 4, 3, bias=False, compute_mode="float32")
    c.weight = megengine.Parameter(w.astype("float16"))
    try:
        out["half"] = str(c(x.astype("float16")).dtype)
    except Exception as exc:  # noqa: BLE001
        out["half"] = type(exc).__name__
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx] + list(conv.parameters()))
    with gm:
        gm.backward((conv(xx) * dy).sum())
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), conv.weight.grad.numpy()
    out["grad_b_shape"] = list(conv.bias.grad.shape)
    g = C(4, 6, 3, groups=2)
    try:
        g.load_state_dict({"weight": wg, "bias": np.arange(6, dtype="float32")})
        out["load_torch_shapes"] = "loads: weight %s, bias %s, forward equal %s" % (
            list(g.weight.shape), list(g.bias.shape),
            bool(np.allclose(g(xg).numpy() - np.arange(6).reshape(1, 6, 1, 1), out["grouped"], atol=1e-5)))
    except Exception as exc:  # noqa: BLE001
        out["load_torch_shapes"] = type(exc).__name__ + ": " + str(exc)[:60]
    megengine.random.seed(0)
    fresh = C(3, 16, 3)
    out["init_bias"] = "nonzero" if np.abs(fresh.bias.numpy()).max() > 0 else "zeros"
    out["init_weight_std"] = round(float(C(64, 32, 3).weight.numpy().std()) * 576 ** 0.5, 1)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
