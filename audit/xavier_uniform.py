"""Audit of docs/pairs/xavier_uniform.yaml (torch.nn.init.xavier_uniform_ vs
megengine.module.init.xavier_uniform_).

Claims checked (page as found, before this audit):
 1. a = gain * sqrt(6 / (fan_in + fan_out)); 2-D and 4-D weights: the same fans.
 2. (16, 8, 3, 3, 3): PyTorch fans 216 and 432 (bound 0.0962), MegEngine 27 and 72 (bound 0.246).
 3. MegEngine's grouped Conv2d weight (G, O/G, I/G, K, K): fan_in agrees, fan_out is O/G * K * K.
 4. PyTorch returns the tensor, MegEngine None.
 5. PyTorch's generator has no counterpart.
Beyond the page:
 6. A 3-D (Conv1d) weight and a 1-D tensor.

Run: .venv/bin/python audit/xavier_uniform.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect
import math
from _sides import run_sides

SHAPES = [(256, 256), (4, 3, 3, 3), (16, 8, 3, 3, 3), (4, 3, 5), (7,)]


def torch_side():
    import torch

    f = torch.nn.init._calculate_fan_in_and_fan_out
    print("5 signature", inspect.signature(torch.nn.init.xavier_uniform_))
    for s in SHAPES:
        try:
            fi, fo = f(torch.empty(s))
            print("1/2/6", s, "fans", fi, fo, "bound", f"{math.sqrt(6 / (fi + fo)):.4f}")
        except Exception as e:
            print("6", s, type(e).__name__)
    w = torch.empty(4, 3)
    print("4 returns the tensor:", torch.nn.init.xavier_uniform_(w) is w)


def megengine_side():
    import numpy as np

    import megengine
    import megengine.module.init as init

    print("5 signature", inspect.signature(init.xavier_uniform_))
    for s in SHAPES:
        try:
            fi, fo = init.calculate_fan_in_and_fan_out(megengine.Tensor(np.zeros(s, "float32")))
            print("1/2/6", s, "fans", fi, fo, "bound", f"{math.sqrt(6 / (fi + fo)):.4f}")
        except Exception as e:
            print("6", s, type(e).__name__, str(e)[:60])
    conv = megengine.module.Conv2d(8, 16, 3, groups=4)
    print("3 grouped Conv2d(8, 16, 3, groups=4) weight", tuple(conv.weight.shape), "fans", init.calculate_fan_in_and_fan_out(conv.weight),
          "PyTorch's: 18 144")
    w = megengine.Tensor(np.zeros((4, 3), "float32"))
    print("4 returns", init.xavier_uniform_(w))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
