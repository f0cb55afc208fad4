"""Audit of docs/pairs/reshape.yaml (torch.reshape vs megengine.functional.reshape).

Claims checked (page as found, before this audit):
 1. Only the parameter names differ; -1 infers an axis.
 2. The tensor method accepts the shape as separate integers on both sides: x.reshape(2, -1).
Beyond the page:
 3. A wrong size: both raise.
 4. Gradients.

Run: .venv/bin/python audit/reshape.py (the MegEngine half runs in
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
X = np.arange(12, dtype="float32").reshape(3, 4)


def torch_side():
    import torch

    x = torch.from_numpy(X).requires_grad_()
    y = torch.reshape(x, (2, -1))
    (y * torch.arange(12.0).reshape(2, 6)).sum().backward()
    print("1/2/4", tuple(y.shape), tuple(x.reshape(2, -1).shape), "grad", x.grad.ravel().tolist())
    try:
        torch.reshape(torch.from_numpy(X), (5, -1))
    except Exception as e:
        print("3 (5, -1):", type(e).__name__)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        y = F.reshape(x, (2, -1))
        gm.backward((y * megengine.Tensor(np.arange(12.0, dtype="float32").reshape(2, 6))).sum())
    print("1/2/4", tuple(y.shape), tuple(x.reshape(2, -1).shape), "grad", x.grad.numpy().ravel().tolist())
    try:
        F.reshape(megengine.Tensor(X), (5, -1)).numpy()
    except Exception as e:
        print("3 (5, -1):", type(e).__name__)


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
