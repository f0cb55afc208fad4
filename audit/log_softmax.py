"""log_softmax: claims of docs/pairs/log_softmax.yaml, re-run in both frameworks.

1. log_softmax(x, dim=d) == F.nn.logsoftmax(x, axis=d) == F.logsoftmax (values, alias).
2. MegEngine requires the axis (no_axis); PyTorch picks one with a deprecation warning (no_axis).
3. both are stable for large logits, unlike log(softmax(x)) by hand (large, by_hand).
4. the gradients agree (grad).
   Beyond: -inf logits (masked attention: neg_inf); a row of only -inf (all_neg_inf); float16 (half).
FOUND: every claim holds; float16 results differ by float16 rounding only. Nothing to fix.
"""
import sys

import numpy as np

LARGE = np.array([[1000.0, 0.0, -1000.0]], dtype="float32")
NEG_INF = np.array([[0.5, -np.inf, 1.0], [-np.inf, -np.inf, -np.inf]], dtype="float32")


def torch_side(rng):
    import warnings
    import torch
    import torch.nn.functional as F
    x, dy = torch.tensor(rng.randn(3, 4).astype("float32")), torch.tensor(rng.randn(3, 4).astype("float32"))
    out = {"values": F.log_softmax(x, dim=1).numpy(), "alias": F.log_softmax(x, dim=0).numpy()}
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        F.log_softmax(x)
    out["no_axis"] = "picks one, warns: %s" % any("dim" in str(w.message) for w in caught)
    out["large"] = F.log_softmax(torch.tensor(LARGE), dim=1).numpy()
    out["by_hand"] = torch.log(torch.softmax(torch.tensor(LARGE), dim=1)).numpy()
    xx = x.clone().requires_grad_()
    (F.log_softmax(xx, dim=1) * dy).sum().backward()
    out["grad"] = xx.grad.numpy()
    r = F.log_softmax(torch.tensor(NEG_INF), dim=1).numpy()
    out["neg_inf"], out["all_neg_inf"] = r[0], r[1]
    out["half"] = F.log_softmax(x.half(), dim=1).float().numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    xn, dyn = rng.randn(3, 4).astype("float32"), rng.randn(3, 4).astype("float32")
    x = megengine.Tensor(xn)
    out = {"values": F.nn.logsoftmax(x, axis=1).numpy(), "alias": F.logsoftmax(x, axis=0).numpy()}
    try:
        F.nn.logsoftmax(x)
        out["no_axis"] = "runs"
    except TypeError:
        out["no_axis"] = "TypeError"
    out["large"] = F.nn.logsoftmax(megengine.Tensor(LARGE), axis=1).numpy()
    out["by_hand"] = F.log(F.softmax(megengine.Tensor(LARGE), axis=1)).numpy()
    xx = megengine.Parameter(xn)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward((F.nn.logsoftmax(xx, axis=1) * megengine.Tensor(dyn)).sum())
    out["grad"] = xx.grad.numpy()
    r = F.nn.logsoftmax(megengine.Tensor(NEG_INF), axis=1).numpy()
    out["neg_inf"], out["all_neg_inf"] = r[0], r[1]
    out["half"] = F.nn.logsoftmax(x.astype("float16"), axis=1).astype("float32").numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
