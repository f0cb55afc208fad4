"""Audit of docs/pairs/one_hot.yaml (torch.nn.functional.one_hot vs
megengine.functional.nn.one_hot).

Claims checked (page as found, before this audit):
 1. Both add a new last axis; MegEngine requires num_classes; int32 result (int64 in PyTorch).
 2. PyTorch infers num_classes = max + 1 with -1; int(labels.max()) + 1 by hand in MegEngine.
 3. PyTorch only accepts int64 labels; MegEngine works with int32.
Beyond the page:
 4. A label out of range (>= num_classes, or negative): PyTorch raises; MegEngine's outcome varies
    between fresh processes (rows of zeros, for valid labels too at times; an assertion; an
    abort): MISSING on the page. The printed outcomes vary from run to run: that is the finding.
 5. float labels.

Run: .venv/bin/python audit/one_hot.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import os
import subprocess
import sys

import numpy as np
from _sides import run_sides

L = np.array([[0, 2, 4], [1, 1, 3]])


def torch_side():
    import torch

    F = torch.nn.functional
    y = F.one_hot(torch.from_numpy(L), 5)
    print("1", tuple(y.shape), y.dtype, "| inferred:", tuple(F.one_hot(torch.from_numpy(L)).shape))
    try:
        F.one_hot(torch.from_numpy(L.astype("int32")), 5)
    except Exception as e:
        print("3 int32 labels:", type(e).__name__)
    for bad in (5, -1):
        try:
            F.one_hot(torch.tensor([0, bad]), 5)
        except Exception as e:
            print(f"4 label {bad}:", type(e).__name__, str(e)[:40])


def megengine_side():
    import megengine
    import megengine.functional as F

    y = F.nn.one_hot(megengine.Tensor(L.astype("int32")), 5)
    print("1", tuple(y.shape), y.dtype, "| by hand:", int(megengine.Tensor(L).max()) + 1)
    here = os.path.abspath(__file__)
    for labels in ("0,5", "5,0", "0,3,5,1", "0,-1"):
        seen = set()
        for _ in range(4):
            out = subprocess.run([sys.executable, here, "megengine-bad", labels], capture_output=True, text=True, check=False)
            seen.add(out.stdout.strip() if out.returncode == 0 and out.stdout.strip() else f"process ended with status {out.returncode}")
        print(f"4 labels [{labels}], 4 fresh processes:", " / ".join(sorted(seen)))
    try:
        print("5 float labels:", F.nn.one_hot(megengine.Tensor(np.array([0.0, 2.0], "float32")), 3).numpy().tolist())
    except Exception as e:
        print("5 float labels:", type(e).__name__)


def megengine_bad(labels):
    import megengine
    import megengine.functional as F

    v = np.array([int(a) for a in labels.split(",")], "int32")
    try:
        print("rows", F.nn.one_hot(megengine.Tensor(v), 5).numpy().tolist())
    except Exception as e:
        print(type(e).__name__, str(e).splitlines()[0][:30])


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "megengine-bad":
        megengine_bad(sys.argv[2])
        return
    run_sides(torch_side, megengine_side, __file__, tail=600)


if __name__ == "__main__":
    main()
