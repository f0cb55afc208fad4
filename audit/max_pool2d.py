"""Audit of docs/pairs/max_pool2d.yaml (torch.nn.MaxPool2d vs megengine.module.MaxPool2d).

Claims checked (page as found, before this audit):
 1. kernel_size, stride (default: the kernel size) and padding agree, at the border too, and
    padded positions never win even when every input is negative.
 2. NaN: PyTorch propagates it, MegEngine skips it. MISLEADING: MegEngine's result depends on where
    the nan lies in the window (skipped in some positions, propagated in others); PyTorch
    always gives nan.
 3. MegEngine rounds the output size down; ceil_mode=True is reproduced by padding the bottom and
    right with -inf (the page's example: 7 x 7, kernel 2, stride 2, one row and column).
 4. dilation and return_indices have no counterpart.
 5. Gradients agree with single maxima; with ties PyTorch passes the gradient to one element,
    MegEngine to every tied one.
Beyond the page:
 6. ceil_mode with other sizes, strides and padding: how much -inf padding, and PyTorch's rule
    that drops a last window starting in the right padding. A helper computing the amount
    reproduces PyTorch on a grid of cases.

Run: .venv/bin/python audit/max_pool2d.py (the MegEngine half runs in
.venv-megengine/bin/python); each half writes an .npz, the driver compares.
"""
import inspect
import os
import subprocess
import sys
import tempfile

import numpy as np
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository: its .venv and .venv-megengine

MGE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or os.path.join(
    _REPO, ".venv-megengine", "bin", "python"
)
rng = np.random.default_rng(0)
X = rng.standard_normal((1, 2, 9, 9)).astype("float32")
NAN_ROWS = [[float("nan"), 1.0, 0.5, 2.0], [1.0, float("nan"), 2.0, 0.5], [0.5, 2.0, 1.0, float("nan")]]
GRID = [(n, k, s, p) for n in (5, 6, 7, 8, 9) for k in (2, 3) for s in (1, 2, 3) for p in range(0, k // 2 + 1)]


def ceil_extra(n, k, s, p):
    """Rows of -inf to add at the bottom (columns at the right) for PyTorch's ceil_mode."""
    out = -(-(n + 2 * p - k) // s) + 1
    if (out - 1) * s >= n + p:  # PyTorch drops a last window that starts in the right padding
        out -= 1
    return max(0, (out - 1) * s + k - (n + 2 * p))


def torch_side(out):
    import torch

    r = {}
    x = torch.from_numpy(X)
    r["1 k3 s2 p1, all negative"] = torch.nn.MaxPool2d(3, 2, 1)(-x.abs()).numpy()
    for n, k, s, p in GRID:
        r[f"6 ceil_mode n={n} k={k} s={s} p={p}"] = torch.nn.MaxPool2d(k, s, p, ceil_mode=True)(x[..., :n, :n]).numpy()
    print("4 signature", inspect.signature(torch.nn.MaxPool2d.__init__))
    for k, row in enumerate(NAN_ROWS):
        r[f"2 nan window {row}"] = torch.nn.MaxPool2d(2)(torch.tensor(row).reshape(1, 1, 2, 2)).numpy()
        r[f"2 nan (1, 2) windows {row}"] = torch.nn.MaxPool2d((1, 2))(torch.tensor(row).reshape(1, 1, 1, 4)).numpy()
    np.savez(out, **r)


def megengine_side(out):
    import megengine
    import megengine.functional as F

    r = {}
    x = megengine.Tensor(X)
    r["1 k3 s2 p1, all negative"] = megengine.module.MaxPool2d(3, 2, 1)(-abs(x)).numpy()
    for n, k, s, p in GRID:
        e = ceil_extra(n, k, s, p)
        xp = F.nn.pad(x[..., :n, :n], ((0, 0), (0, 0), (0, e), (0, e)), constant_value=float("-inf"))
        r[f"6 ceil_mode n={n} k={k} s={s} p={p}"] = megengine.module.MaxPool2d(k, s, p)(xp).numpy()
    print("4 signature", inspect.signature(megengine.module.MaxPool2d.__init__))
    for k, row in enumerate(NAN_ROWS):
        arr = np.array(row, "float32")
        r[f"2 nan window {row}"] = megengine.module.MaxPool2d(2)(megengine.Tensor(arr.reshape(1, 1, 2, 2))).numpy()
        r[f"2 nan (1, 2) windows {row}"] = megengine.module.MaxPool2d((1, 2))(megengine.Tensor(arr.reshape(1, 1, 1, 4))).numpy()
    np.savez(out, **r)


def main():
    if len(sys.argv) > 2:
        {"torch": torch_side, "megengine": megengine_side}[sys.argv[1]](sys.argv[2])
        return
    here = os.path.abspath(__file__)
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for side, python in (("torch", sys.executable), ("megengine", MGE_PYTHON)):
            files[side] = os.path.join(folder, side + ".npz")
            out = subprocess.run([python, here, side, files[side]], capture_output=True, text=True, check=False)
            print(f"== {side}")
            print(out.stdout.rstrip())
            if out.returncode:
                print(out.stderr[-2000:])
        t, m = np.load(files["torch"]), np.load(files["megengine"])
        print("== compared")
        bad = []
        for name in m.files:
            if not (t[name].shape == m[name].shape and np.allclose(t[name], m[name])):
                bad.append(name)
        print("1", "match" if "1 k3 s2 p1, all negative" not in bad else "DIFFER")
        for name in sorted(n for n in m.files if n.startswith("2 ")):
            print(name, "torch", np.round(t[name].ravel(), 3).tolist(), "megengine", np.round(m[name].ravel(), 3).tolist())
        print(f"6 ceil_mode helper: {len(GRID) - len([b for b in bad if b.startswith('6')])} of {len(GRID)} cases match;",
              "differ:", [b for b in bad if b.startswith("6")])
        naive = [g for g in GRID if ceil_extra(*g) != (-(-(g[0] + 2 * g[3] - g[1]) // g[2])) * g[2] + g[1] - (g[0] + 2 * g[3]) and
                 ceil_extra(*g) != max(0, (-(-(g[0] + 2 * g[3] - g[1]) // g[2])) * g[2] + g[1] - (g[0] + 2 * g[3]))]
        print("6 cases where the drop rule changes the amount:", naive)


if __name__ == "__main__":
    main()
