"""linear: claims of docs/pairs/linear.yaml, re-run in both frameworks.

1. weight (out, in), bias (out,) on both sides (shapes); a PyTorch state dict loads as it is
   (state_dict: MegEngine's load_state_dict of PyTorch's arrays, then the same output).
2. initialisations: PyTorch uniform +-1/sqrt(in) for weight and bias, MegEngine normal with std
   1/sqrt(in) and zero bias (init_weight_std: std * sqrt(in), init_bias).
3. compute_mode="float32" on float16 (half).
4. higher-rank input (rank3); gradients (grad_x, grad_w, grad_b).
   Beyond: a 1-D input (one_d).
FOUND: every claim holds; a 1-D input works in both. Nothing to fix.
"""
import sys



def data(rng):
    return (rng.randn(4, 6).astype("float32"), rng.randn(3, 6).astype("float32"), rng.randn(3).astype("float32"),
            rng.randn(2, 3, 6).astype("float32"), rng.randn(4, 3).astype("float32"))


def torch_side(rng):
    import torch
    x, w, b, x3, dy = [torch.tensor(a) for a in data(rng)]
    fc = torch.nn.Linear(6, 3)
    out = {"shapes": [list(fc.weight.shape), list(fc.bias.shape)]}
    fc.load_state_dict({"weight": w, "bias": b})
    out["state_dict"] = fc(x).detach().numpy()
    big = torch.nn.Linear(400, 300)
    out["init_weight_std"] = round(float(big.weight.std()) * 20, 1)
    out["init_bias"] = "zeros" if bool((big.bias == 0).all()) else "nonzero"
    out["half"] = str(torch.nn.Linear(6, 3).half()(x.half()).dtype).replace("torch.", "")

    out["rank3"] = fc(x3).detach().numpy()
    xx = x.clone().requires_grad_()
    (fc(xx) * dy).sum().backward()
    out["grad_x"], out["grad_w"], out["grad_b"] = xx.grad.numpy(), fc.weight.grad.numpy(), fc.bias.grad.numpy()
    out["one_d"] = fc(x[0]).detach().numpy()
    return out


def megengine_side(rng):
    import megengine
    from megengine.autodiff import GradManager
    xn, w, b, x3, dy = data(rng)
    x = megengine.Tensor(xn)
    fc = megengine.module.Linear(6, 3)
    out = {"shapes": [list(fc.weight.shape), list(fc.bias.shape)]}
    fc.load_state_dict({"weight": w, "bias": b})
    out["state_dict"] = fc(x).numpy()
    big = megengine.module.Linear(400, 300)
    out["init_weight_std"] = round(float(big.weight.numpy().std()) * 20, 1)
    out["init_bias"] = "zeros" if bool((big.bias.numpy() == 0).all()) else "nonzero"
    h = megengine.module.Linear(6, 3, compute_mode="float32")
    h.load_state_dict({"weight": w.astype("float16"), "bias": b.astype("float16")})
    try:
        out["half"] = str(h(x.astype("float16")).dtype)
    except Exception as exc:  # noqa: BLE001
        out["half"] = type(exc).__name__
    out["rank3"] = fc(megengine.Tensor(x3)).numpy()
    xx = megengine.Parameter(xn)
    gm = GradManager().attach([xx] + list(fc.parameters()))
    with gm:
        gm.backward((fc(xx) * megengine.Tensor(dy)).sum())
    out["grad_x"], out["grad_w"], out["grad_b"] = xx.grad.numpy(), fc.weight.grad.numpy(), fc.bias.grad.numpy()
    try:
        out["one_d"] = fc(x[0]).numpy()
    except Exception as exc:  # noqa: BLE001
        out["one_d"] = type(exc).__name__
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
