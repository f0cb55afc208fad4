"""conv_transpose2d: claims of docs/pairs/conv_transpose2d.yaml, re-run in both frameworks.

1. after output_padding: groups, bias, dilation (PyTorch) vs dilation, groups, bias (MegEngine):
   ConvTranspose2d(4, 8, 3, 1, 0, 0, 2) is groups=2 in PyTorch, dilation=2 in MegEngine (positional).
2. weight (C_in, C_out // groups, kH, kW), MegEngine (groups, C_in // groups, C_out // groups, kH, kW)
   when grouped; bias (1, C_out, 1, 1) (shapes); same weights, same values (same, grouped).
3. PyTorch's padding_mode accepts only "zeros" here (padding_mode_reflect).
4. output_padding=(0, 1) is ignored by MegEngine (asym_01: output shapes); (1, 0) and (1, 1) work
   (asym_10, asym_11); the port (1, 1) then drop the last row matches (asym_port), also with stride 3
   and (0, 2) (asym_port_s3) and its gradients (asym_port_grad).
5. gradients agree (grad_x, grad_w).
   Beyond: initialisation (init_bias, init_weight_std: std * sqrt(C_out * k * k)).
FOUND: every claim holds; the port of output_padding=(0, 1) is the fifth example, not the last
(a wrong reference); the initialisations differ (not said).
FIXED: the reference; usage (Initialisation), example 8.
"""
import sys



def data(rng):
    return (rng.randn(2, 3, 5, 5).astype("float32"), rng.uniform(-0.5, 0.5, (3, 4, 3, 3)).astype("float32"),
            rng.randn(4).astype("float32"), rng.randn(2, 4, 5, 5).astype("float32"),
            rng.uniform(-0.5, 0.5, (4, 3, 3, 3)).astype("float32"), rng.randn(2, 4, 11, 11).astype("float32"),
            rng.randn(2, 4, 15, 17).astype("float32"))


def torch_side(rng):
    import torch
    x, w, b, xg, wg, dy, dy3 = [torch.tensor(a) for a in data(rng)]
    T = torch.nn.ConvTranspose2d
    out = {}
    m = T(4, 8, 3, 1, 0, 0, 2)
    out["positional"] = "groups=%d dilation=%d" % (m.groups, m.dilation[0])
    out["shapes"] = [list(T(4, 6, 3, groups=2).weight.shape), list(T(4, 6, 3, groups=2).bias.shape)]
    d = T(3, 4, 3, stride=2, padding=1, output_padding=1)
    with torch.no_grad():
        d.weight.copy_(w)
        d.bias.copy_(b)
    out["same"] = d(x).detach().numpy()
    g = T(4, 6, 3, groups=2, dilation=2, bias=False)
    with torch.no_grad():
        g.weight.copy_(wg)
    out["grouped"] = g(xg).detach().numpy()
    try:
        T(3, 4, 3, padding_mode="reflect")
        out["padding_mode_reflect"] = "accepted"
    except ValueError:
        out["padding_mode_reflect"] = "ValueError"

    def layer(op, stride=2):
        c = T(3, 4, 3, stride=stride, padding=1, output_padding=op, bias=False)
        with torch.no_grad():
            c.weight.copy_(w)
        return c
    for key, op in (("asym_01", (0, 1)), ("asym_10", (1, 0)), ("asym_11", (1, 1))):
        out[key] = list(layer(op)(x).shape)
    out["asym_port"] = layer((0, 1))(x).detach().numpy()
    xx = x.clone().requires_grad_()
    y3 = layer((0, 2), stride=3)(xx)
    out["asym_port_s3"] = y3.detach().numpy()
    (y3 * dy3[:, :, :y3.shape[2], :y3.shape[3]]).sum().backward()
    out["asym_port_grad"] = xx.grad.numpy()
    xx = x.clone().requires_grad_()
    (d(xx) * dy[:, :, :10, :10]).sum().backward()
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), d.weight.grad.numpy()
    big = T(8, 64, 3)
    out["init_bias"] = "zeros" if bool((big.bias == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.std()) * (64 * 9) ** 0.5, 1)
    return out


def megengine_side(rng):
    import megengine
    from megengine.autodiff import GradManager
    x, w, b, xg, wg, dy, dy3 = data(rng)
    x, xg, dy, dy3 = [megengine.Tensor(a) for a in (x, xg, dy, dy3)]
    T = megengine.module.ConvTranspose2d
    out = {}
    m = T(4, 8, 3, 1, 0, 0, 2)
    out["positional"] = "groups=%d dilation=%d" % (m.groups, (m.dilation if isinstance(m.dilation, int) else m.dilation[0]))
    out["shapes"] = [list(T(4, 6, 3, groups=2).weight.shape), list(T(4, 6, 3, groups=2).bias.shape)]
    d = T(3, 4, 3, stride=2, padding=1, output_padding=1)
    d.weight = megengine.Parameter(w)
    d.bias = megengine.Parameter(b.reshape(1, 4, 1, 1))
    out["same"] = d(x).numpy()
    g = T(4, 6, 3, groups=2, dilation=2, bias=False)
    g.weight = megengine.Parameter(wg.reshape(2, 2, 3, 3, 3))
    out["grouped"] = g(xg).numpy()
    out["padding_mode_reflect"] = "no padding_mode"

    def layer(op, stride=2):
        c = T(3, 4, 3, stride=stride, padding=1, output_padding=op, bias=False)
        c.weight = megengine.Parameter(w)
        return c
    for key, op in (("asym_01", (0, 1)), ("asym_10", (1, 0)), ("asym_11", (1, 1))):
        out[key] = list(layer(op)(x).shape)
    out["asym_port"] = layer((1, 1))(x)[:, :, :-1].numpy()
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx])
    with gm:
        y3 = layer((1, 2), stride=3)(xx)[:, :, :-1]
        gm.backward((y3 * dy3[:, :, :y3.shape[2], :y3.shape[3]]).sum())
    out["asym_port_s3"] = y3.numpy()
    out["asym_port_grad"] = xx.grad.numpy()
    xx = megengine.Parameter(x.numpy())
    gm = GradManager().attach([xx, d.weight])
    with gm:
        gm.backward((d(xx) * dy[:, :, :10, :10]).sum())
    out["grad_x"], out["grad_w"] = xx.grad.numpy(), d.weight.grad.numpy()
    big = T(8, 64, 3)
    out["init_bias"] = "zeros" if bool((big.bias.numpy() == 0).all()) else "nonzero"
    out["init_weight_std"] = round(float(big.weight.numpy().std()) * (64 * 9) ** 0.5, 1)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
