"""conv1d: claims of docs/pairs/conv1d.yaml, re-run in both frameworks.

1. in_channels ... bias: same order and defaults (defaults); a positional "reflect" lands in
   conv_mode and the forward pass fails (positional_reflect).
2. padding_mode reflect/replicate agree (pad_reflect, pad_replicate); circular fails when called (pad_circular).
3. weight (C_out, C_in, k) on both sides; bias (1, C_out, 1) in MegEngine (shapes); same values (same).
4. groups > 1: constructor accepts, forward fails with "the weight dimension of conv1d should be 3"
   (grouped), a 3-D weight too (grouped_3d_weight); the Conv2d port matches (grouped_port).
5. unbatched input fails with "the input dimension of conv1d should be 3" (unbatched); padding="same"
   fails (pad_same_str); (k - 1) // 2 * dilation is "same" (pad_same_int).
6. gradients agree, bias gradient (1, C_out, 1) (grad_x, grad_w, grad_b_shape).
   Beyond: gradients through the grouped Conv2d port (grouped_port_grad_x, grouped_port_grad_w);
   initialisation: zero bias, weight std * sqrt(fan_in) (init_bias, init_weight_std).
FOUND: every claim holds; the Conv2d port is the fourth example, not the last (a wrong
reference); the initialisations differ (not said).
FIXED: the reference; usage (Initialisation), example 6.
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(2, 3, 9).astype("float32"), rng.uniform(-0.5, 0.5, (4, 3, 3)).astype("float32"),
            rng.randn(4).astype("float32"), rng.randn(2, 4, 7).astype("float32"),
            rng.uniform(-0.5, 0.5, (6, 2, 3)).astype("float32"), rng.randn(2, 4, 4).astype("float32"),
            rng.randn(2, 6, 7).astype("float32"))


def torch_side(rng):
    import inspect
    import torch
    x, w, b, xg, wg, dy, dyg = [torch.tensor(a) for a in data(rng)]
    C = torch.nn.Conv1d
    params = inspect.signature(C.__init__).parameters
    out = {"defaults": [(n, float(params[n].default)) for n in ("stride", "padding", "dilation", "groups", "bias")]}
    out["positional_reflect"] = "padding_mode " + C(2, 3, 3, 1, 1, 1, 1, True, "reflect").padding_mode
    for mode in ("reflect", "replicate"):
        c = C(3, 4, 3, padding=1, padding_mode=mode, bias=False)
        with torch.no_grad():
            c.weight.copy_(w)
        out["pad_" + mode] = c(x).detach().numpy()
    out["pad_circular"] = "runs"
    out["shapes"] = [list(C(3, 4, 3).weight.shape), list(C(3, 4, 3).bias.shape)]
    conv = C(3, 4, 3, stride=2, padding=1, dilation=2)
    with torch.no_grad():
        conv.weight.copy_(w)
        conv.bias.copy_(b)
    out["same"] = conv(x).detach().numpy()
    out["grouped"] = out["grouped_3d_weight"] = "runs"
    g = C(4, 6, 3, padding=1, groups=2, bias=False)
    with torch.no_grad():
        g.weight.copy_(wg)
    xx = xg.clone().requires_grad_()
    y = g(xx)
    out["grouped_port"] = y.detach().numpy()
    (y * dyg).sum().backward()
    out["grouped_port_grad_x"], out["grouped_port_grad_w"] = xx.grad.numpy(), g.weight.grad.numpy()
    out["unbatched"] = list(conv(x[0]).shape)
    out["pad_same_str"] = "runs"
    c = C(3, 4, 5, padding="same", dilation=2, bias=False)
    with torch.no_grad():
        c.weight.copy_(torch.tensor(np.resize(w.numpy(), (4, 3, 5))))
    out["pad_same_int"] = c(x).detach().numpy()
    xx = x.clone().requires_grad_()
    (conv(xx) * dy).sum().backward()
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), conv.weight.grad.numpy()
    out["grad_b_shape"] = list(conv.bias.grad.shape)
    big = C(64, 32, 9)
    out["init_bias"] = "zeros" if bool((big.bias == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.std()) * 576 ** 0.5, 1)
    return out


def megengine_side(rng):
    import inspect
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, w, b, xg, wg, dy, dyg = data(rng)
    x, xg, dy, dyg = [megengine.Tensor(a) for a in (x, xg, dy, dyg)]
    C = megengine.module.Conv1d
    params = inspect.signature(C.__init__).parameters
    out = {"defaults": [(n, float(params[n].default)) for n in ("stride", "padding", "dilation", "groups", "bias")]}

    def attempt(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001
            text = " ".join(str(exc).split())
            for wanted in ("the weight dimension of conv1d should be 3", "the input dimension of conv1d should be 3"):
                if wanted in text or (exc.__cause__ and wanted in str(exc.__cause__)):
                    return "%s: %s" % (type(exc).__name__, wanted)
            return type(exc).__name__
    c = C(2, 3, 3, 1, 1, 1, 1, True, "reflect")
    out["positional_reflect"] = "padding_mode %s; forward %s" % (
        c.padding_mode, attempt(lambda: c(megengine.Tensor(np.ones((1, 2, 5), "float32"))).numpy() is not None and "runs"))
    for mode in ("reflect", "replicate"):
        c = C(3, 4, 3, padding=1, padding_mode=mode, bias=False)
        c.weight = megengine.Parameter(w)
        out["pad_" + mode] = c(x).numpy()
    out["pad_circular"] = attempt(lambda: C(3, 4, 3, padding=1, padding_mode="circular")(x).numpy() is not None and "runs")
    out["shapes"] = [list(C(3, 4, 3).weight.shape), list(C(3, 4, 3).bias.shape)]
    conv = C(3, 4, 3, stride=2, padding=1, dilation=2)
    conv.weight = megengine.Parameter(w)
    conv.bias = megengine.Parameter(b.reshape(1, 4, 1))
    out["same"] = conv(x).numpy()
    out["grouped"] = attempt(lambda: C(4, 6, 3, groups=2)(xg).numpy() is not None and "runs")

    def grouped_3d():
        g = C(4, 6, 3, groups=2, bias=False)
        g.weight = megengine.Parameter(wg)
        return g(xg).numpy() is not None and "runs"
    out["grouped_3d_weight"] = attempt(grouped_3d)
    g2 = megengine.module.Conv2d(4, 6, kernel_size=(3, 1), padding=(1, 0), groups=2, bias=False)
    g2.weight = megengine.Parameter(wg.reshape(2, 3, 2, 3, 1))
    xx = megengine.Parameter(xg.numpy())
    gm = GradManager().attach([xx, g2.weight])
    with gm:
        y = F.squeeze(g2(F.expand_dims(xx, -1)), -1)
        gm.backward((y * dyg).sum())
    out["grouped_port"] = y.numpy()
    out["grouped_port_grad_x"] = xx.grad.numpy()
    out["grouped_port_grad_w"] = g2.weight.grad.numpy().reshape(6, 2, 3)
    out["unbatched"] = attempt(lambda: list(conv(x[0]).numpy().shape))
    out["pad_same_str"] = attempt(lambda: C(3, 4, 3, padding="same")(x).numpy() is not None and "runs")
    c = C(3, 4, 5, padding=(5 - 1) // 2 * 2, dilation=2, bias=False)
    c.weight = megengine.Parameter(np.resize(w, (4, 3, 5)))
    out["pad_same_int"] = c(x).numpy()
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx] + list(conv.parameters()))
    with gm:
        gm.backward((conv(xx) * dy).sum())
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), conv.weight.grad.numpy()
    out["grad_b_shape"] = list(conv.bias.grad.shape)
    big = C(64, 32, 9)
    out["init_bias"] = "zeros" if bool((big.bias.numpy() == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.numpy().std()) * 576 ** 0.5, 1)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
