"""Audit of docs/pairs/squeeze.yaml (torch.squeeze vs megengine.functional.squeeze).

Claims checked (page as found, before this audit):
 1. Without an axis both remove every axis of size 1.
 2. With an axis (an int or a tuple, in both) PyTorch leaves an axis whose size is not 1;
    MegEngine raises.
Beyond the page:
 3. A negative axis.

Run: .venv/bin/python audit/squeeze.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.zeros((1, 3, 1, 2), "float32")


def torch_side():
    import torch

    x = torch.from_numpy(X)
    print("1", tuple(torch.squeeze(x).shape), "| 2 dim=1", tuple(torch.squeeze(x, 1).shape), "| dim=(0, 2)",
          tuple(torch.squeeze(x, (0, 2)).shape), "| 3 dim=-2", tuple(torch.squeeze(x, -2).shape))


def megengine_side():
    import megengine
    import megengine.functional as F

    x = megengine.Tensor(X)
    out = [f"1 {tuple(F.squeeze(x).shape)}"]
    for ax in (1, (0, 2), -2):
        try:
            out.append(f"axis={ax} {tuple(F.squeeze(x, ax).shape)}")
        except Exception as e:
            out.append(f"axis={ax} {type(e).__name__}")
    print(" | ".join(out))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
