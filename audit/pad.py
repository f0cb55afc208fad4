"""Audit of docs/pairs/pad.yaml (torch.nn.functional.pad vs megengine.functional.nn.pad).

Claims checked (page as found, before this audit):
 1. PyTorch's flat tuple starts from the last axis; MegEngine's pairs from the first; with fewer
    pairs, trailing axes are left alone; pad_width_from_torch converts.
 2. PyTorch accepts negative widths (cropping); MegEngine needs slicing.
 3. "constant" and "reflect" on both sides; "replicate" (alias "edge") in MegEngine; no
    "circular".
 4. value (None means 0) is constant_value (default 0.0).
Beyond the page:
 5. reflect with a width equal to the axis size (PyTorch refuses width >= size).
 6. Gradients of reflect and replicate padding.
 7. Negative widths given to MegEngine: error or silent?

Run: .venv/bin/python audit/pad.py (the MegEngine half runs in
.venv-megengine/bin/python); each half writes an .npz, the driver compares.
"""
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
X = rng.standard_normal((2, 3, 4, 5)).astype("float32")
CASES = [((1, 2), "constant"), ((1, 2, 0, 1), "constant"), ((2, 1, 1, 2), "reflect"), ((2, 1, 1, 2), "replicate"),
         ((4, 0), "reflect"), ((1, 2, 3, 0, 1, 1), "constant")]


def pad_width_from_torch(pad, ndim):
    pairs = [(pad[i], pad[i + 1]) for i in range(0, len(pad), 2)]
    return ((0, 0),) * (ndim - len(pairs)) + tuple(reversed(pairs))


def torch_side(out):
    import torch

    r = {}
    for pad, mode in CASES:
        x = torch.from_numpy(X).requires_grad_()
        try:
            y = torch.nn.functional.pad(x, pad, mode=mode)
            (y * y).sum().backward()
            r[f"1/3/6 {mode} {pad}: value"] = y.detach().numpy()
            r[f"1/3/6 {mode} {pad}: grad"] = x.grad.numpy()
        except Exception as e:
            print(f"5 {mode} {pad}:", type(e).__name__, str(e)[:60])
    print("2 negative widths (-1, -1):", tuple(torch.nn.functional.pad(torch.from_numpy(X), (-1, -1)).shape))
    np.savez(out, **r)


def megengine_side(out):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    r = {}
    for pad, mode in CASES:
        x = megengine.Tensor(X)
        gm = GradManager().attach([x])
        try:
            with gm:
                y = F.nn.pad(x, pad_width_from_torch(pad, 4), mode=mode)
                gm.backward((y * y).sum())
            r[f"1/3/6 {mode} {pad}: value"] = y.numpy()
            r[f"1/3/6 {mode} {pad}: grad"] = x.grad.numpy()
        except Exception as e:
            print(f"5 {mode} {pad}:", type(e).__name__, str(e)[:60])
    print("1 fewer pairs ((1, 1),):", tuple(F.nn.pad(megengine.Tensor(X), ((1, 1),)).shape))
    for mode in ("edge", "circular"):
        try:
            print("3", mode, tuple(F.nn.pad(megengine.Tensor(X), ((0, 0), (0, 0), (0, 0), (1, 1)), mode=mode).shape))
        except Exception as e:
            print("3", mode, type(e).__name__)
    try:
        y = F.nn.pad(megengine.Tensor(X), ((0, 0), (0, 0), (0, 0), (-1, -1)))
        print("7 negative widths:", tuple(y.shape))
    except Exception as e:
        print("7 negative widths:", type(e).__name__, str(e)[:60])
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
        for name in sorted(set(t.files) | set(m.files)):
            if name not in t.files or name not in m.files:
                print(name, "only in", "torch" if name in t.files else "megengine")
                continue
            same = t[name].shape == m[name].shape and np.allclose(t[name], m[name], atol=1e-5)
            print(name, "match" if same else f"DIFFER shapes {t[name].shape} {m[name].shape}")


if __name__ == "__main__":
    main()
