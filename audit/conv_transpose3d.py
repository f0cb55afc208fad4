"""conv_transpose3d: claims of docs/pairs/conv_transpose3d.yaml, re-run in both frameworks.

1. after output_padding: groups, bias, dilation vs dilation, groups, bias (positional).
2. weight (C_in, C_out, kD, kH, kW) both, bias (1, C_out, 1, 1, 1) (shapes); same values (same).
3. groups > 1: the constructor accepts, the forward fails with "bad filter ndim for dense
   convolution" (grouped); one layer per group, outputs concatenated, matches (grouped_split).
4. no conv_mode, no compute_mode (extra_args); padding_mode only "zeros" in PyTorch (padding_mode).
   Beyond: asymmetric output_padding, each axis alone (op_100, op_010, op_001: output shapes);
   gradients (grad_x, grad_w); initialisation (init_bias, init_weight_std: std * sqrt(PyTorch's
   fan_in C_out * k^3); MegEngine's fan_in is C_in * k^3, hence 2 = sqrt(32 / 8) here).
FOUND: every claim holds; the split port was not executed; gradients, single-axis
output_padding and the initialisations (MegEngine's fan_in counts the input channels) were not said.
FIXED: usage; examples 2 (the split port), 3 (gradients), 4 (initialisation, uniform_ recipe).
"""
import sys



def data(rng):
    return (rng.randn(1, 2, 3, 4, 4).astype("float32"), rng.uniform(-0.5, 0.5, (2, 3, 2, 3, 3)).astype("float32"),
            rng.randn(3).astype("float32"), rng.randn(1, 4, 3, 4, 4).astype("float32"),
            rng.uniform(-0.5, 0.5, (4, 3, 2, 3, 3)).astype("float32"), rng.randn(1, 3, 6, 7, 7).astype("float32"))


def torch_side(rng):
    import inspect
    import torch
    x, w, b, xg, wg, dy = [torch.tensor(a) for a in data(rng)]
    T = torch.nn.ConvTranspose3d
    out = {}
    m = T(4, 8, 3, 1, 0, 0, 2)
    out["positional"] = "groups=%d dilation=%d" % (m.groups, m.dilation[0])
    out["shapes"] = [list(T(2, 3, 3).weight.shape), list(T(2, 3, 3).bias.shape)]
    d = T(2, 3, (2, 3, 3), stride=2, padding=(0, 1, 1))
    with torch.no_grad():
        d.weight.copy_(w)
        d.bias.copy_(b)
    out["same"] = d(x).detach().numpy()
    g = T(4, 6, (2, 3, 3), groups=2, bias=False)
    with torch.no_grad():
        g.weight.copy_(wg)
    out["grouped"] = "runs"
    out["grouped_split"] = g(xg).detach().numpy()
    out["extra_args"] = sorted(set(inspect.signature(T.__init__).parameters) & {"conv_mode", "compute_mode"})
    try:
        T(2, 3, 3, padding_mode="reflect")
        out["padding_mode"] = "accepted"
    except ValueError:
        out["padding_mode"] = "ValueError"
    for key, op in (("op_100", (1, 0, 0)), ("op_010", (0, 1, 0)), ("op_001", (0, 0, 1))):
        out[key] = list(T(2, 3, 3, stride=2, output_padding=op)(x).shape)
    xx = x.clone().requires_grad_()
    (d(xx) * dy).sum().backward()
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), d.weight.grad.numpy()
    big = T(8, 32, 3)
    out["init_bias"] = "zeros" if bool((big.bias == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.std()) * (32 * 27) ** 0.5, 1)
    return out


def megengine_side(rng):
    import inspect
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, w, b, xg, wg, dy = data(rng)
    x, xg, dy = megengine.Tensor(x), megengine.Tensor(xg), megengine.Tensor(dy)
    T = megengine.module.ConvTranspose3d
    out = {}
    m = T(4, 8, 3, 1, 0, 0, 2)
    dil = m.dilation if isinstance(m.dilation, int) else m.dilation[0]
    out["positional"] = "groups=%d dilation=%d" % (m.groups, dil)
    out["shapes"] = [list(T(2, 3, 3).weight.shape), list(T(2, 3, 3).bias.shape)]
    d = T(2, 3, (2, 3, 3), stride=2, padding=(0, 1, 1))
    d.weight = megengine.Parameter(w)
    d.bias = megengine.Parameter(b.reshape(1, 3, 1, 1, 1))
    out["same"] = d(x).numpy()
    try:
        T(4, 6, (2, 3, 3), groups=2)(xg).numpy()
        out["grouped"] = "runs"
    except Exception as exc:  # noqa: BLE001
        text = str(exc) + str(exc.__cause__)
        out["grouped"] = type(exc).__name__ + (": bad filter ndim for dense convolution" if "bad filter ndim" in text else "")
    parts = []
    for k in range(2):
        layer = T(2, 3, (2, 3, 3), bias=False)
        layer.weight = megengine.Parameter(wg[2 * k:2 * k + 2])
        parts.append(layer(xg[:, 2 * k:2 * k + 2]))
    out["grouped_split"] = F.concat(parts, axis=1).numpy()
    out["extra_args"] = sorted(set(inspect.signature(T.__init__).parameters) & {"conv_mode", "compute_mode"})
    out["padding_mode"] = "no padding_mode"
    for key, op in (("op_100", (1, 0, 0)), ("op_010", (0, 1, 0)), ("op_001", (0, 0, 1))):
        out[key] = list(T(2, 3, 3, stride=2, output_padding=op)(x).shape)
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx, d.weight])
    with gm:
        gm.backward((d(xx) * dy).sum())
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), d.weight.grad.numpy()
    big = T(8, 32, 3)
    out["init_bias"] = "zeros" if bool((big.bias.numpy() == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.numpy().std()) * (32 * 27) ** 0.5, 1)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
