"""clip_grad_norm: claims of docs/pairs/clip_grad_norm.yaml, re-run in both frameworks.

1. one norm over all gradients, every gradient times min(max_norm / (total + 1e-6), 1); returned
   total norm before clipping, 0-d float32 (clipped, total, total_dtype); below max_norm unchanged (below).
2. one tensor or a list; parameters without a gradient are skipped (single, skipped).
3. the gradient tensors themselves are modified, also one assigned with p.grad = g (aliased).
4. ord == norm_type, default 2.0; 1, 3, inf agree (ord_1, ord_3, ord_inf).
5. a NaN gradient: NaN total in both; PyTorch's gradients all NaN, MegEngine's unchanged (nan_total, nan_grads).
   Beyond: an inf gradient (inf_total, inf_grads); no gradient at all (none_total).
FOUND: every claim holds; an inf gradient behaves alike (total inf, gradients zeroed). Nothing to fix.
"""
import sys

import numpy as np


def data(rng):
    return rng.randn(3, 4).astype("float32"), rng.randn(5).astype("float32")


def torch_side(rng):
    import torch
    clip = torch.nn.utils.clip_grad_norm_
    g1, g2 = data(rng)

    def params(a=g1, b=g2):
        ps = [torch.zeros(3, 4, requires_grad=True), torch.zeros(5, requires_grad=True)]
        ps[0].grad, ps[1].grad = torch.tensor(a), torch.tensor(b)
        return ps
    out = {}
    ps = params()
    total = clip(ps, 1.0)
    out["clipped"] = np.concatenate([ps[0].grad.numpy().ravel(), ps[1].grad.numpy()])
    out["total"], out["total_dtype"] = total.item(), "%s %d-d" % (str(total.dtype).replace("torch.", ""), total.ndim)
    ps = params()
    clip(ps, 100.0)
    out["below"] = ps[1].grad.numpy()
    ps = params()
    clip(ps[1], 1.0)
    out["single"] = ps[1].grad.numpy()
    ps = params() + [torch.zeros(2, requires_grad=True)]
    out["skipped"] = clip(ps, 1.0).item()
    g = torch.tensor(g2)
    ps = params()
    ps[1].grad = g
    clip(ps, 1.0)
    out["aliased"] = g.numpy()
    for key, o in (("ord_1", 1.0), ("ord_3", 3.0), ("ord_inf", float("inf"))):
        ps = params()
        t = clip(ps, 1.0, norm_type=o)
        out[key] = np.concatenate([[t.item()], ps[1].grad.numpy()])
    bad = g2.copy()
    bad[0] = np.nan
    ps = params(b=bad)
    out["nan_total"] = str(clip(ps, 1.0).item())
    out["nan_grads"] = ps[0].grad.numpy()
    bad[0] = np.inf
    ps = params(b=bad)
    out["inf_total"] = str(clip(ps, 1.0).item())
    out["inf_grads"] = np.concatenate([ps[0].grad.numpy().ravel(), ps[1].grad.numpy()])
    out["none_total"] = clip([torch.zeros(2, requires_grad=True)], 1.0).item()
    return out


def megengine_side(rng):
    import megengine
    clip = megengine.optimizer.clip_grad_norm
    g1, g2 = data(rng)

    def params(a=g1, b=g2):
        ps = [megengine.Parameter(np.zeros((3, 4), "float32")), megengine.Parameter(np.zeros(5, "float32"))]
        ps[0].grad, ps[1].grad = megengine.Tensor(a), megengine.Tensor(b)
        return ps
    out = {}
    ps = params()
    total = clip(ps, 1.0)
    out["clipped"] = np.concatenate([ps[0].grad.numpy().ravel(), ps[1].grad.numpy()])
    out["total"], out["total_dtype"] = total.item(), "%s %d-d" % (total.dtype, total.ndim)
    ps = params()
    clip(ps, 100.0)
    out["below"] = ps[1].grad.numpy()
    ps = params()
    clip(ps[1], 1.0)
    out["single"] = ps[1].grad.numpy()
    ps = params() + [megengine.Parameter(np.zeros(2, "float32"))]
    out["skipped"] = clip(ps, 1.0).item()
    g = megengine.Tensor(g2)
    ps = params()
    ps[1].grad = g
    clip(ps, 1.0)
    out["aliased"] = g.numpy()
    for key, o in (("ord_1", 1.0), ("ord_3", 3.0), ("ord_inf", float("inf"))):
        ps = params()
        t = clip(ps, 1.0, ord=o)
        out[key] = np.concatenate([[t.item()], ps[1].grad.numpy()])
    bad = g2.copy()
    bad[0] = np.nan
    ps = params(b=bad)
    out["nan_total"] = str(clip(ps, 1.0).item())
    out["nan_grads"] = ps[0].grad.numpy()
    bad[0] = np.inf
    ps = params(b=bad)
    out["inf_total"] = str(clip(ps, 1.0).item())
    out["inf_grads"] = np.concatenate([ps[0].grad.numpy().ravel(), ps[1].grad.numpy()])
    try:
        out["none_total"] = clip([megengine.Parameter(np.zeros(2, "float32"))], 1.0).item()
    except Exception as exc:  # noqa: BLE001
        out["none_total"] = type(exc).__name__
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
