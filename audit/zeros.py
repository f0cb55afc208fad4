"""Audit of docs/pairs/zeros.yaml (torch.zeros vs megengine.functional.zeros).

Claims checked (page as found, before this audit):
 1. zeros(2, 3) fails in MegEngine; zeros((2, 3)) and zeros(5) work on both sides; ones alike.
 2. The default dtype is float32 on both sides.
Beyond the page:
 3. An int64 dtype request (MegEngine has no int64).

Run: .venv/bin/python audit/zeros.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
from _sides import run_sides



def torch_side():
    import torch

    print("1", tuple(torch.zeros(2, 3).shape), tuple(torch.zeros((2, 3)).shape), tuple(torch.zeros(5).shape),
          "| 2", torch.zeros(2).dtype, "| 3", torch.zeros(2, dtype=torch.int64).dtype)


def megengine_side():
    import megengine.functional as F

    out = []
    for name in ("zeros", "ones"):
        try:
            getattr(F, name)(2, 3)
            out.append(f"{name}(2, 3) ok")
        except Exception as e:
            out.append(f"{name}(2, 3) {type(e).__name__}")
    print("1", *out, tuple(F.zeros((2, 3)).shape), tuple(F.zeros(5).shape), "| 2", F.zeros(2).dtype, end=" ")
    try:
        print("| 3", F.zeros(2, dtype="int64").dtype)
    except Exception as e:
        print("| 3 int64:", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
