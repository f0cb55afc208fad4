"""cat: claims of docs/pairs/cat.yaml, re-run in both frameworks.

1. torch.cat(tensors, dim) == F.concat(inps, axis); torch.concat and torch.concatenate are aliases
   (axis1, aliases); default axis 0 (default_axis); negative axes (negative).
2. out has no counterpart; MegEngine's device places the result (not checked: CPU only).
   Beyond: mixed dtypes, int32 with float32 (mixed); an empty tensor in the list (empty);
   gradients (grad).
FOUND: every claim holds. Nothing to fix.
"""
import sys

import numpy as np


def data(rng):
    return rng.randn(2, 3).astype("float32"), rng.randn(2, 2).astype("float32"), rng.randn(2, 5).astype("float32")


def torch_side(rng):
    import torch
    a, b, dy = [torch.tensor(v) for v in data(rng)]
    out = {"axis1": torch.cat([a, b], dim=1).numpy()}
    out["aliases"] = bool(torch.equal(torch.concat([a, b], 1), torch.concatenate([a, b], 1)))
    out["default_axis"] = torch.cat([a, a]).numpy()
    out["negative"] = torch.cat([a, b], dim=-1).numpy()
    m = torch.cat([a, torch.ones(2, 1, dtype=torch.int32)], dim=1)
    out["mixed"] = "%s %s" % (str(m.dtype).replace("torch.", ""), list(m.shape))
    out["empty"] = list(torch.cat([a, torch.zeros(0, 3)]).shape)
    aa = a.clone().requires_grad_()
    (torch.cat([aa, b], 1) * dy).sum().backward()
    out["grad"] = aa.grad.numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    an, bn, dyn = data(rng)
    a, b = megengine.Tensor(an), megengine.Tensor(bn)
    out = {"axis1": F.concat([a, b], axis=1).numpy(), "aliases": True}
    out["default_axis"] = F.concat([a, a]).numpy()
    out["negative"] = F.concat([a, b], axis=-1).numpy()
    try:
        m = F.concat([a, megengine.Tensor(np.ones((2, 1), "int32"))], axis=1)
        out["mixed"] = "%s %s" % (m.dtype, list(m.shape))
    except Exception as exc:  # noqa: BLE001
        out["mixed"] = type(exc).__name__
    try:
        out["empty"] = list(F.concat([a, megengine.Tensor(np.zeros((0, 3), "float32"))]).numpy().shape)
    except Exception as exc:  # noqa: BLE001
        out["empty"] = type(exc).__name__
    aa = megengine.Parameter(an)
    gm = GradManager().attach([aa])
    with gm:
        gm.backward((F.concat([aa, b], 1) * megengine.Tensor(dyn)).sum())
    out["grad"] = aa.grad.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
