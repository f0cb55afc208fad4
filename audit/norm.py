"""Audit of docs/pairs/norm.yaml (torch.linalg.norm vs megengine.functional.norm).

Claims checked (page as found, before this audit):
 1. Along an axis, ord None (2), 1, 3 give the same values, keepdim included.
 2. torch.norm(x, p, dim) equals torch.linalg.norm(x, ord=p, dim=dim).
 3. No axis: PyTorch reduces the whole tensor; MegEngine raises TypeError unless the input is
    1-D; x.flatten() ports it.
 4. Two axes: PyTorch's matrix norms; MegEngine computes the vector norm of all the elements;
    F.svd(x)[1].max() is the spectral norm.
 5. ord=inf and -inf ignore axis and keepdims in MegEngine; abs(x).max(axis) ports it.
 6. ord=0 counts non-zero elements: int32 in MegEngine, float32 in PyTorch.
 7. Gradient of the 2-norm of a zero vector: nan in MegEngine, 0 in PyTorch; the where() recipe
    gives 0.
 8. ord=1 with a zero element: gradient -1 in MegEngine, 0 in PyTorch.
 9. ord=inf with ties: 1 each in MegEngine, a share in PyTorch.
Beyond the page:
10. Negative and fractional orders (ord=-1, -2, 0.5) along an axis.
11. The recipe of 7 for ord other than 2 (it is written for the 2-norm only).
12. ord="fro" / "nuc" in MegEngine.
13. float16 input.

Run: .venv/bin/python audit/norm.py (the MegEngine half runs in
.venv-megengine/bin/python); each half writes an .npz, the driver compares.
"""
import math
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
X = rng.standard_normal((3, 4)).astype("float32")
X3 = rng.standard_normal((2, 3, 4)).astype("float32")
Z = np.array([[0.0, 0.0, 0.0], [3.0, 0.0, 4.0]], "float32")
TIES = np.array([[2.0, -2.0, 1.0]], "float32")


def err(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0][:60] if str(e) else ''}"


def torch_side(out):
    import torch

    x, x3 = torch.from_numpy(X), torch.from_numpy(X3)
    L = torch.linalg.norm
    r = {}
    for o in (None, 1, 3, -1, -2, 0.5):
        r[f"1/10 ord={o} dim=1 keepdim"] = L(x, ord=o, dim=1, keepdim=True).numpy()
    print("2 torch.norm == linalg.norm:", all(torch.allclose(torch.norm(x, p, 1), L(x, ord=p, dim=1)) for p in (1, 2, 3)))
    r["3 no axis (matrix): Frobenius"] = L(x).numpy()
    r["4 ord=2 two axes (spectral)"] = L(x, ord=2, dim=(0, 1)).numpy()
    r["4 ord=2 two axes vs MegEngine's svd recipe"] = L(x, ord=2, dim=(0, 1)).numpy()
    r["5 ord=inf dim=1"] = L(x, ord=math.inf, dim=1).numpy()
    r["5 ord=-inf dim=1"] = L(x, ord=-math.inf, dim=1).numpy()
    r["5 ord=inf dim=2 of 3-D, keepdim"] = L(x3, ord=math.inf, dim=2, keepdim=True).numpy()
    n0 = L(x.masked_fill(x > 0.5, 0), ord=0, dim=1)
    print("6 ord=0 dtype", n0.dtype)
    r["6 ord=0"] = n0.numpy()
    for name, arr, o in (("7 grad ord=2 zero vector", Z, None), ("8 grad ord=1 zero element", Z, 1),
                         ("9 grad ord=inf ties", TIES, math.inf), ("11 grad ord=3 zero vector", Z, 3)):
        t = torch.from_numpy(arr.copy()).requires_grad_()
        L(t, ord=o, dim=1).sum().backward()
        r[name] = t.grad.numpy()
    r["13 float16 ord=2 dim=1"] = L(x.half(), dim=1).float().numpy()
    np.savez(out, **r)


def megengine_side(out):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    x, x3 = megengine.Tensor(X), megengine.Tensor(X3)
    r = {}
    for o in (None, 1, 3, -1, -2, 0.5):
        kw = {} if o is None else {"ord": o}
        r[f"1/10 ord={o} dim=1 keepdim"] = F.norm(x, axis=1, keepdims=True, **kw).numpy()
    try:
        F.norm(x)
    except Exception as e:
        print("3 no axis on a matrix:", err(e))
    r["3 no axis (matrix): Frobenius"] = F.norm(x.flatten()).numpy()
    try:
        r["4 ord=2 two axes (spectral)"] = F.norm(x, ord=2, axis=(0, 1)).numpy()
    except Exception as e:
        print("4 two axes:", err(e))
    r["4 ord=2 two axes vs MegEngine's svd recipe"] = F.svd(x)[1].max().numpy()
    r["5 ord=inf dim=1"] = F.norm(x, ord=math.inf, axis=1).numpy()
    r["5 ord=-inf dim=1"] = F.norm(x, ord=-math.inf, axis=1).numpy()
    r["5 ord=inf dim=2 of 3-D, keepdim"] = F.norm(x3, ord=math.inf, axis=2, keepdims=True).numpy()
    print("5 recipe abs(x).max(axis=1) == PyTorch computed in the driver")
    r["5 recipe abs(x).max(axis=1)"] = abs(x).max(axis=1).numpy()
    n0 = F.norm(megengine.Tensor(np.where(X > 0.5, 0, X).astype("float32")), ord=0, axis=1)
    print("6 ord=0 dtype", n0.dtype)
    r["6 ord=0"] = n0.numpy()
    for name, arr, o in (("7 grad ord=2 zero vector", Z, 2), ("8 grad ord=1 zero element", Z, 1),
                         ("9 grad ord=inf ties", TIES, math.inf), ("11 grad ord=3 zero vector", Z, 3)):
        t = megengine.Tensor(arr)
        gm = GradManager().attach([t])
        with gm:
            gm.backward(F.norm(t, ord=o, axis=1).sum())
        r[name] = t.grad.numpy()
    t = megengine.Tensor(Z)
    gm = GradManager().attach([t])
    with gm:
        s = (t ** 2).sum(axis=1)
        nz = s > 0
        n = F.where(nz, F.sqrt(F.where(nz, s, F.ones_like(s))), F.zeros_like(s))
        gm.backward(n.sum())
    r["7 recipe grad (ord=2)"] = t.grad.numpy()
    for o in ("fro", "nuc"):
        try:
            F.norm(x, ord=o, axis=1)
            print("12", o, "accepted")
        except Exception as e:
            print("12", o, err(e))
    try:
        r["13 float16 ord=2 dim=1"] = F.norm(megengine.Tensor(X.astype("float16")), axis=1).numpy().astype("float32")
    except Exception as e:
        print("13 float16:", err(e))
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
        extra = {"5 recipe abs(x).max(axis=1)": "5 ord=inf dim=1", "7 recipe grad (ord=2)": "7 grad ord=2 zero vector"}
        for name in sorted(m.files):
            ref, got = t[extra.get(name, name)], m[name]
            if ref.shape != got.shape:
                print(name, f"shapes differ: torch {ref.shape}, megengine {got.shape}")
                continue
            same = np.allclose(ref, got, atol=1e-3, rtol=1e-3, equal_nan=True)
            print(name, "match" if same else f"DIFFER torch {np.round(ref, 3).tolist()} megengine {np.round(got, 3).tolist()}")


if __name__ == "__main__":
    main()
