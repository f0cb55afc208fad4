"""kl_div: claims of docs/pairs/kl_div.yaml, re-run in both frameworks.

1. MegEngine 1.13 has no kl_div (exists: megengine.functional.nn.kl_div / functional.kl_div).
2. the term is target * (log(target) - input), 0 where target is 0 (none, zero_target).
3. log_target=True: exp(target) * (target - input) (log_target).
4. "sum", "batchmean" (sum / N) and the default "mean" (sum / elements) (sum, batchmean, mean).
5. PyTorch warns about the default "mean" only ("batchmean" in a future release) (warns_mean).
6. 0 * log(0) is NaN in MegEngine; F.where(t > 0, ..., 0) gives PyTorch's 0 (zero_target, zero_masked).
   Beyond: gradients with respect to the logits under the mask, with zeros in the target
   (grad_masked); log-probability targets of -inf with log_target=True (log_target_inf).
"""
import sys

import numpy as np

T0 = np.array([[0.5, 0.5, 0.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.25, 0.25, 0.25, 0.25]], dtype="float32")


def data(rng):
    return rng.randn(3, 4).astype("float32"), rng.randn(3, 4).astype("float32")


def torch_side(rng):
    import warnings
    import torch
    import torch.nn.functional as F
    z, u = [torch.tensor(a) for a in data(rng)]
    logp, t = torch.log_softmax(z, 1), torch.softmax(u, 1)
    out = {"exists": "yes"}
    out["none"] = F.kl_div(logp, t, reduction="none").numpy()
    out["sum"] = F.kl_div(logp, t, reduction="sum").item()
    out["batchmean"] = F.kl_div(logp, t, reduction="batchmean").item()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        out["mean"] = F.kl_div(logp, t).item()
        F.kl_div(logp, t, reduction="batchmean")
    out["warns_mean"] = ["batchmean" in str(w.message) for w in caught]
    out["log_target"] = F.kl_div(logp, torch.log_softmax(u, 1), reduction="batchmean", log_target=True).item()
    t0 = torch.tensor(T0)
    out["zero_target"] = F.kl_div(logp, t0, reduction="none").numpy()
    out["zero_masked"] = out["zero_target"]
    zz = z.clone().requires_grad_()
    F.kl_div(torch.log_softmax(zz, 1), t0, reduction="batchmean").backward()
    out["grad_masked"] = zz.grad.numpy()
    out["log_target_inf"] = F.kl_div(logp, torch.log(t0), reduction="none", log_target=True).numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    z, u = [megengine.Tensor(a) for a in data(rng)]
    logp, t = F.logsoftmax(z, axis=1), F.softmax(u, axis=1)
    out = {"exists": "yes" if hasattr(F.nn, "kl_div") or hasattr(F, "kl_div") else "no"}
    each = t * (F.log(t) - logp)
    out["none"] = each.numpy()
    out["sum"] = each.sum().item()
    out["batchmean"] = (each.sum() / each.shape[0]).item()
    out["mean"] = each.mean().item()
    logt = F.logsoftmax(u, axis=1)
    out["log_target"] = ((F.exp(logt) * (logt - logp)).sum() / 3).item()
    t0 = megengine.Tensor(T0)
    out["zero_target"] = (t0 * (F.log(t0) - logp)).numpy()
    out["zero_masked"] = F.where(t0 > 0, t0 * (F.log(t0) - logp), F.zeros_like(t0)).numpy()
    zz = megengine.Parameter(z.numpy())
    gm = GradManager().attach([zz])
    with gm:
        lp = F.logsoftmax(zz, axis=1)
        gm.backward(F.where(t0 > 0, t0 * (F.log(t0) - lp), F.zeros_like(t0)).sum() / 3)
    out["grad_masked"] = zz.grad.numpy()
    lt = F.log(t0)
    out["log_target_inf"] = (F.exp(lt) * (lt - logp)).numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
