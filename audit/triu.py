"""Audit of docs/pairs/triu.yaml (torch.triu; MegEngine 1.13 has none: where() with a mask from
two aranges); audit/tril.py runs the same checks for docs/pairs/tril.yaml.

Claims checked (page as found, before this audit):
 1. megengine.functional.triu (tril) does not exist.
 2. The mask j - i >= k (tril: <= k) gives the same values, diagonal offsets -1, 0, 2.
Beyond the page:
 3. A batched (2, 3, 4) input, an int32 input, and inf/nan in the removed part (zeros in both).
 4. Gradients.
 5. Repeats (issue 21): the page's mask (two F.arange, expand_dims, a comparison) is built wrong in
    some fresh MegEngine processes (a race in MegEngine's asynchronous execution): the page's
    single-run match is luck. A mask built with NumPy (the shape is known on the host) was
    right in every run. (The counts printed vary from run to run: that is the finding.)

Run: .venv/bin/python audit/triu.py (the MegEngine half runs in
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
FUNC = os.environ.get("AUDIT_FUNC", "triu")
X = np.random.default_rng(0).standard_normal((2, 3, 4)).astype("float32")
X[0, 2, 0] = np.inf
X[1, 0, 3] = np.nan


def digest(a):
    a = np.asarray(a, dtype="float64")
    return f"sum {np.nansum(np.where(np.isinf(a), 0, a)):.4f} nan {int(np.isnan(a).sum())} inf {int(np.isinf(a).sum())}"


def torch_side():
    import torch

    f = getattr(torch, FUNC)
    for k in (-1, 0, 2):
        x = torch.from_numpy(X).requires_grad_()
        y = f(x, diagonal=k)
        (y * torch.arange(24.0).reshape(2, 3, 4)).nansum().backward()
        print(f"2/3/4 k={k}", digest(y.detach()), "| grad", digest(x.grad))
    print("3 int32", f(torch.ones(3, 3, dtype=torch.int32)).dtype)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 exists:", hasattr(F, FUNC))

    def mask_fn(x, k=0):
        if os.environ.get("AUDIT_MASK") == "numpy":
            d = np.arange(x.shape[-1])[None, :] - np.arange(x.shape[-2])[:, None]
            keep = F.broadcast_to(megengine.Tensor((d >= k) if FUNC == "triu" else (d <= k)), x.shape)
            return F.where(keep, x, F.zeros_like(x))
        i = F.expand_dims(F.arange(x.shape[-2], dtype="int32"), 1)
        j = F.expand_dims(F.arange(x.shape[-1], dtype="int32"), 0)
        keep = F.broadcast_to((j - i >= k) if FUNC == "triu" else (j - i <= k), x.shape)
        return F.where(keep, x, F.zeros_like(x))

    for k in (-1, 0, 2):
        x = megengine.Tensor(X)
        gm = GradManager().attach([x])
        with gm:
            y = mask_fn(x, k)
            z = y * megengine.Tensor(np.arange(24.0, dtype="float32").reshape(2, 3, 4))
            z = F.where(F.isnan(z), F.zeros_like(z), z)
            gm.backward(z.sum())
        print(f"2/3/4 k={k}", digest(y.numpy()), "| grad", digest(x.grad.numpy()))
    print("3 int32", mask_fn(megengine.Tensor(np.ones((3, 3), "int32"))).dtype)


def main():
    if len(sys.argv) > 1:
        {"torch": torch_side, "megengine": megengine_side}[sys.argv[1]]()
        return
    here = os.path.abspath(__file__)
    for side, python in (("torch", sys.executable), ("megengine", MGE_PYTHON)):
        out = subprocess.run([python, here, side], capture_output=True, text=True, check=False,
                             env={**os.environ, "AUDIT_FUNC": FUNC})
        print(f"== {side} ({FUNC})")
        print(out.stdout.rstrip())
        if out.returncode:
            print(out.stderr[-600:])
        if side == "torch":
            ref = [ln for ln in out.stdout.splitlines() if ln.startswith("2/3/4")]
    for mask in ("arange", "numpy"):
        wrong = 0
        for _ in range(10):
            out = subprocess.run([MGE_PYTHON, here, "megengine"], capture_output=True, text=True, check=False,
                                 env={**os.environ, "AUDIT_FUNC": FUNC, "AUDIT_MASK": mask})
            got = [ln for ln in out.stdout.splitlines() if ln.startswith("2/3/4")]
            wrong += got != ref
        print(f"5 mask built with {mask}: {'wrong in some' if wrong else 'right in all'} of 10 fresh processes")


if __name__ == "__main__":
    main()
