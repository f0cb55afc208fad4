"""Audit of docs/pairs/unsqueeze.yaml (torch.unsqueeze vs megengine.functional.expand_dims).

Claims checked (page as found, before this audit):
 1. unsqueeze(x, d) is expand_dims(x, d); negative axes count in the output (-1 appends).
 2. A list of axes inserts several at once in MegEngine.
Beyond the page:
 3. Gradients pass through (shape only).

Run: .venv/bin/python audit/unsqueeze.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

X = np.zeros((2, 3), "float32")


def torch_side():
    import torch

    x = torch.from_numpy(X)
    print("1", [tuple(torch.unsqueeze(x, d).shape) for d in (0, 1, 2, -1, -3)], "| 2 x[None, :, None]", tuple(x[None, :, None].shape))


def megengine_side():
    import megengine
    import megengine.functional as F

    x = megengine.Tensor(X)
    print("1", [tuple(F.expand_dims(x, d).shape) for d in (0, 1, 2, -1, -3)], "| 2 [0, 2]", tuple(F.expand_dims(x, [0, 2]).shape))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
