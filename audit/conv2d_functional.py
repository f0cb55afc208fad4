"""conv2d_functional: claims of docs/pairs/conv2d_functional.yaml, re-run in both frameworks.

1. stride, padding, dilation, groups: same meaning and order (positional: all passed positionally).
2. a (1, C_out, 1, 1) bias gives PyTorch's values (bias_4d); a (C_out,) bias fails when the output
   width differs from C_out (bias_1d_other_width) and is added along the width when equal (bias_1d_same_width).
3. groups > 1: MegEngine wants (groups, C_out // groups, C_in // groups, kH, kW) (grouped);
   beyond: PyTorch's 4-D grouped weight passed as it is (grouped_4d).
4. padding "same"/"valid" are PyTorch only (pad_same_str).
   Beyond: gradients of input, weight and bias (grad_x, grad_w, grad_b).
FOUND: every claim holds; a 4-D grouped weight fails loudly (RuntimeError). Nothing to fix.
"""
import sys



def data(rng):
    return (rng.randn(2, 3, 7, 7).astype("float32"), rng.randn(4, 3, 3, 3).astype("float32"),
            rng.randn(4).astype("float32"), rng.randn(1, 3, 6, 6).astype("float32"),
            rng.randn(1, 4, 8, 8).astype("float32"), rng.randn(6, 2, 3, 3).astype("float32"),
            rng.randn(2, 4, 4, 4).astype("float32"))


def torch_side(rng):
    import torch
    import torch.nn.functional as F
    x, w, b, x6, xg, wg, dy = [torch.tensor(a) for a in data(rng)]
    out = {"positional": F.conv2d(x, w, b, 2, 1, 1, 1).numpy()}
    out["bias_4d"] = F.conv2d(x, w, b, stride=2, padding=1).numpy()
    out["bias_1d_other_width"] = "runs"
    out["bias_1d_same_width"] = F.conv2d(x6, w, b).numpy()
    out["grouped"] = F.conv2d(xg, wg, groups=2, dilation=2).numpy()
    out["grouped_4d"] = list(out["grouped"].shape)
    out["pad_same_str"] = list(F.conv2d(x, w, padding="same").shape)
    xx, ww, bb = x.clone().requires_grad_(), w.clone().requires_grad_(), b.clone().requires_grad_()
    (F.conv2d(xx, ww, bb, stride=2, padding=1) * dy).sum().backward()
    out["grad_x"], out["grad_w"], out["grad_b"] = xx.grad.numpy(), ww.grad.numpy(), bb.grad.numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, w, b, x6, xg, wg, dy = [megengine.Tensor(a) for a in data(rng)]
    conv = F.nn.conv2d

    def attempt(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__
    out = {"positional": conv(x, w, b.reshape(1, 4, 1, 1), 2, 1, 1, 1).numpy()}
    out["bias_4d"] = conv(x, w, b.reshape(1, 4, 1, 1), stride=2, padding=1).numpy()
    out["bias_1d_other_width"] = attempt(lambda: conv(x, w, b, padding=1).numpy() is not None and "runs")  # width 7
    out["bias_1d_same_width"] = conv(x6, w, b).numpy()
    out["grouped"] = conv(xg, wg.reshape(2, 3, 2, 3, 3), groups=2, dilation=2).numpy()
    out["grouped_4d"] = attempt(lambda: list(conv(xg, wg, groups=2, dilation=2).numpy().shape))
    out["pad_same_str"] = attempt(lambda: list(conv(x, w, padding="same").numpy().shape))
    xx, ww, bb = megengine.Parameter(x.numpy()), megengine.Parameter(w.numpy()), megengine.Parameter(b.numpy())
    gm = GradManager().attach([xx, ww, bb])
    with gm:
        gm.backward((conv(xx, ww, bb.reshape(1, 4, 1, 1), stride=2, padding=1) * dy).sum())
    out["grad_x"], out["grad_w"], out["grad_b"] = xx.grad.numpy(), ww.grad.numpy(), bb.grad.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
