"""conv3d: claims of docs/pairs/conv3d.yaml, re-run in both frameworks.

1. in_channels ... bias: same order and defaults (defaults); same weights, same values (same).
2. bias (1, C_out, 1, 1, 1); grouped weight with a leading group axis (shapes); reshaped, it
   gives PyTorch's values (grouped).
3. no padding_mode: a TypeError (padding_mode); F.nn.pad(mode="reflect") then padding=0 matches
   padding_mode="reflect" (reflect), and mode="replicate" matches "replicate" (replicate).
4. padding="same" is PyTorch only (pad_same_str); unbatched input (unbatched); no compute_mode
   (compute_mode).
   Beyond: gradients of input, weight and bias (grad_x, grad_w, grad_b); initialisation
   (init_bias, init_weight_std).
FOUND: every claim holds ("replicate" needs F.nn.pad's mode="replicate", the page named only
"reflect"); gradients and the initialisations were not said.
FIXED: usage (the pad mode, Gradients, Initialisation), examples 5 (gradients) and 6 (initialisation).
"""
import sys



def data(rng):
    return (rng.randn(1, 2, 4, 5, 5).astype("float32"), rng.uniform(-0.5, 0.5, (3, 2, 3, 3, 3)).astype("float32"),
            rng.randn(3).astype("float32"), rng.randn(1, 4, 4, 5, 5).astype("float32"),
            rng.uniform(-0.5, 0.5, (6, 2, 3, 3, 3)).astype("float32"), rng.randn(1, 3, 4, 5, 5).astype("float32"))


def torch_side(rng):
    import inspect
    import torch
    x, w, b, xg, wg, dy = [torch.tensor(a) for a in data(rng)]
    C = torch.nn.Conv3d
    params = inspect.signature(C.__init__).parameters
    out = {"defaults": [(n, float(params[n].default)) for n in ("stride", "padding", "dilation", "groups", "bias")]}
    conv = C(2, 3, 3, padding=1)
    with torch.no_grad():
        conv.weight.copy_(w)
        conv.bias.copy_(b)
    out["same"] = conv(x).detach().numpy()
    out["shapes"] = [list(C(4, 6, 3, groups=2).weight.shape), list(C(4, 6, 3, groups=2).bias.shape)]
    g = C(4, 6, 3, groups=2, bias=False)
    with torch.no_grad():
        g.weight.copy_(wg)
    out["grouped"] = g(xg).detach().numpy()
    out["padding_mode"] = "accepted"
    for mode in ("reflect", "replicate"):
        c = C(2, 3, 3, padding=1, padding_mode=mode, bias=False)
        with torch.no_grad():
            c.weight.copy_(w)
        out[mode] = c(x).detach().numpy()
    out["pad_same_str"] = "runs"
    out["unbatched"] = list(conv(x[0]).shape)
    out["compute_mode"] = "no compute_mode"
    xx = x.clone().requires_grad_()
    (conv(xx) * dy).sum().backward()
    out["grad_x"], out["grad_w"], out["grad_b"] = xx.grad.numpy(), conv.weight.grad.numpy(), conv.bias.grad.numpy()
    big = C(16, 8, 3)
    out["init_bias"] = "zeros" if bool((big.bias == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.std()) * 432 ** 0.5, 1)
    return out


def megengine_side(rng):
    import inspect
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, w, b, xg, wg, dy = data(rng)
    x, xg, dy = megengine.Tensor(x), megengine.Tensor(xg), megengine.Tensor(dy)
    C = megengine.module.Conv3d
    params = inspect.signature(C.__init__).parameters
    out = {"defaults": [(n, float(params[n].default)) for n in ("stride", "padding", "dilation", "groups", "bias")]}

    def attempt(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__
    conv = C(2, 3, 3, padding=1)
    conv.weight = megengine.Parameter(w)
    conv.bias = megengine.Parameter(b.reshape(1, 3, 1, 1, 1))
    out["same"] = conv(x).numpy()
    out["shapes"] = [list(C(4, 6, 3, groups=2).weight.shape), list(C(4, 6, 3, groups=2).bias.shape)]
    g = C(4, 6, 3, groups=2, bias=False)
    g.weight = megengine.Parameter(wg.reshape(2, 3, 2, 3, 3, 3))
    out["grouped"] = g(xg).numpy()
    out["padding_mode"] = attempt(lambda: C(2, 3, 3, padding=1, padding_mode="reflect") and "accepted")
    for mode in ("reflect", "replicate"):
        c = C(2, 3, 3, padding=0, bias=False)
        c.weight = megengine.Parameter(w)
        out[mode] = c(F.nn.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1), (1, 1)), mode=mode)).numpy()
    out["pad_same_str"] = attempt(lambda: C(2, 3, 3, padding="same")(x).numpy() is not None and "runs")
    out["unbatched"] = attempt(lambda: list(conv(x[0]).numpy().shape))
    out["compute_mode"] = "no compute_mode" if "compute_mode" not in inspect.signature(C.__init__).parameters else "has it"
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx] + list(conv.parameters()))
    with gm:
        gm.backward((conv(xx) * dy).sum())
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), conv.weight.grad.numpy()
    out["grad_b"] = conv.bias.grad.numpy().reshape(-1)
    big = C(16, 8, 3)
    out["init_bias"] = "zeros" if bool((big.bias.numpy() == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.numpy().std()) * 432 ** 0.5, 1)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
