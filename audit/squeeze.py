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
import os
import subprocess
import sys

import numpy as np
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository: its .venv and .venv-megengine

MGE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or os.path.join(
    _REPO, ".venv-megengine", "bin", "python"
)
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


def main():
    if len(sys.argv) > 1:
        {"torch": torch_side, "megengine": megengine_side}[sys.argv[1]]()
        return
    here = os.path.abspath(__file__)
    for side, python in (("torch", sys.executable), ("megengine", MGE_PYTHON)):
        out = subprocess.run([python, here, side], capture_output=True, text=True, check=False)
        print(f"== {side}")
        print(out.stdout.rstrip())
        if out.returncode:
            print(out.stderr[-600:])


if __name__ == "__main__":
    main()
