"""clip_grad_value: claims of docs/pairs/clip_grad_value.yaml, re-run in both frameworks.

1. clip_grad_value_(params, c) == clip_grad_value(params, -c, c), in place, returns None (symmetric, returns).
2. a single value to MegEngine raises TypeError (one_value); asymmetric bounds: p.grad.clamp_ in
   PyTorch (asymmetric).
3. one tensor or an iterable, None gradients skipped, the gradient tensors themselves modified
   (single, skipped, aliased).
   Beyond: a NaN gradient element (nan_grad).
FOUND: MegEngine turns a NaN gradient element into upper (PyTorch keeps NaN).
FIXED: usage (NaN gradients), example 4 (recipe: restore NaN where there was one).
"""
import sys

import numpy as np

G = np.array([-3.0, -0.5, 0.2, 1.5, np.nan], dtype="float32")


def torch_side(rng):
    import torch
    clip = torch.nn.utils.clip_grad_value_

    def param(g=G):
        p = torch.zeros(5, requires_grad=True)
        p.grad = torch.tensor(g)
        return p
    out = {}
    p = param()
    out["returns"] = str(clip([p], 1.0))
    out["symmetric"] = p.grad.numpy()[:4]
    out["one_value"] = "accepted"
    p = param()
    p.grad.clamp_(-0.4, 1.0)
    out["asymmetric"] = p.grad.numpy()[:4]
    p = param()
    clip(p, 1.0)
    out["single"] = p.grad.numpy()[:4]
    clip([param(), torch.zeros(2, requires_grad=True)], 1.0)
    out["skipped"] = "runs"
    g = torch.tensor(G)
    p = param()
    p.grad = g
    clip(p, 1.0)
    out["aliased"] = g.numpy()[:4]
    out["nan_grad"] = str(param().grad.clamp(-1.0, 1.0)[4].item())
    p = param()
    clip(p, 1.0)
    out["nan_grad"] = str(p.grad[4].item())
    return out


def megengine_side(rng):
    import megengine
    clip = megengine.optimizer.clip_grad_value

    def param(g=G):
        p = megengine.Parameter(np.zeros(5, "float32"))
        p.grad = megengine.Tensor(g)
        return p
    out = {}
    p = param()
    out["returns"] = str(clip([p], -1.0, 1.0))
    out["symmetric"] = p.grad.numpy()[:4]
    try:
        clip([param()], 1.0)
        out["one_value"] = "accepted"
    except TypeError:
        out["one_value"] = "TypeError"
    p = param()
    clip(p, -0.4, 1.0)
    out["asymmetric"] = p.grad.numpy()[:4]
    p = param()
    clip(p, -1.0, 1.0)
    out["single"] = p.grad.numpy()[:4]
    clip([param(), megengine.Parameter(np.zeros(2, "float32"))], -1.0, 1.0)
    out["skipped"] = "runs"
    g = megengine.Tensor(G)
    p = param()
    p.grad = g
    clip(p, -1.0, 1.0)
    out["aliased"] = g.numpy()[:4]
    p = param()
    clip(p, -1.0, 1.0)
    out["nan_grad"] = str(p.grad.numpy()[4])
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
