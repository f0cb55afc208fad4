"""Audit of docs/pairs/meshgrid.yaml (torch.meshgrid vs megengine.functional.meshgrid).

Claims checked (page as found, before this audit):
 1. Default indexing: "ij" in PyTorch (with a warning), "xy" in MegEngine: (m, n) vs (n, m).
 2. The same explicit indexing gives the same grids, also for three inputs.
 3. A single list: PyTorch accepts it, MegEngine raises TypeError.
 4. Both return a tuple; both reject inputs of different dtypes.
Beyond the page:
 5. "xy" with three inputs (NumPy swaps only the first two axes).

Run: .venv/bin/python audit/meshgrid.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import warnings

import numpy as np
from _sides import run_sides

A, B, C = (np.arange(n, dtype="float32") for n in (2, 3, 4))


def torch_side():
    import torch

    a, b, c = (torch.from_numpy(v) for v in (A, B, C))
    with warnings.catch_warnings(record=True) as ws:
        warnings.simplefilter("always")
        g = torch.meshgrid(a, b)
    print("1 default", [tuple(t.shape) for t in g], "warned:", bool(ws), type(g).__name__)
    for ix in ("ij", "xy"):
        g = torch.meshgrid(a, b, c, indexing=ix)
        print(f"2/5 {ix} three inputs", [tuple(t.shape) for t in g], float(g[2][-1, -1, -1]))
    print("3 a list", [tuple(t.shape) for t in torch.meshgrid([a, b], indexing="ij")])
    try:
        torch.meshgrid(a, b.int(), indexing="ij")
    except Exception as e:
        print("4 mixed dtypes:", type(e).__name__)


def megengine_side():
    import megengine
    import megengine.functional as F

    a, b, c = (megengine.Tensor(v) for v in (A, B, C))
    g = F.meshgrid(a, b)
    print("1 default", [tuple(t.shape) for t in g], type(g).__name__)
    for ix in ("ij", "xy"):
        g = F.meshgrid(a, b, c, indexing=ix)
        print(f"2/5 {ix} three inputs", [tuple(t.shape) for t in g], float(g[2][-1, -1, -1]))
    try:
        F.meshgrid([a, b], indexing="ij")
    except Exception as e:
        print("3 a list:", type(e).__name__)
    try:
        F.meshgrid(a, megengine.Tensor(B.astype("int32")), indexing="ij")
    except Exception as e:
        print("4 mixed dtypes:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
