"""linspace: claims of docs/pairs/linspace.yaml, re-run in both frameworks.

1. linspace(0, 1, steps=5) == linspace(0, 1, num=5), positional calls alike (values, positional).
2. float32 by default, both end points included (dtype, ends).
   Beyond: num=1 (one); integer end points (ints); many points, the step's float32 rounding
   (many: largest deviation from float64, rounded); descending (descending).
FOUND: every claim holds. Nothing to fix.
"""
import sys

import numpy as np


def torch_side(rng):
    import torch
    out = {"values": torch.linspace(0, 1, steps=5).numpy(), "positional": torch.linspace(-2, 3, 7).numpy()}
    out["dtype"] = str(torch.linspace(0, 1, 5).dtype).replace("torch.", "")
    v = torch.linspace(0, 1, 11)
    out["ends"] = [float(v[0]), float(v[-1])]
    out["one"] = torch.linspace(2, 5, 1).numpy()
    out["ints"] = torch.linspace(0, 10, 6).numpy()
    many = torch.linspace(0, 1000, 100001).numpy()
    out["many"] = round(float(np.abs(many - np.linspace(0, 1000, 100001)).max()), 4)
    out["descending"] = torch.linspace(1, 0, 4).numpy()
    return out


def megengine_side(rng):
    import megengine.functional as F
    out = {"values": F.linspace(0, 1, num=5).numpy(), "positional": F.linspace(-2, 3, 7).numpy()}
    out["dtype"] = str(F.linspace(0, 1, 5).dtype)
    v = F.linspace(0, 1, 11).numpy()
    out["ends"] = [float(v[0]), float(v[-1])]
    out["one"] = F.linspace(2, 5, 1).numpy()
    out["ints"] = F.linspace(0, 10, 6).numpy()
    many = F.linspace(0, 1000, 100001).numpy()
    out["many"] = round(float(np.abs(many - np.linspace(0, 1000, 100001)).max()), 4)
    out["descending"] = F.linspace(1, 0, 4).numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
