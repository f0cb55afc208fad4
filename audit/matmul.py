"""Audit of docs/pairs/matmul.yaml (torch.matmul vs megengine.functional.matmul).

Claims checked (page as found, before this audit):
 1. Vector, matrix and batched products follow the same rules (1-D promoted, then removed).
 2. (7, 2, 3, 4) @ (2, 4, 5) and (2, 3, 4) @ (4, 5) work in both.
 3. (2, 3, 4) @ (1, 4, 5): (2, 3, 5) in PyTorch, an error in MegEngine; broadcast_to fixes it.
 4. transpose_b=True is b.transpose(-1, -2).
 5. compute_mode="float32" accumulates a float16 product in float32.
 6. Gradients agree, a broadcast operand's summed over the batch.
 7. float16 results equal within float16 rounding; int32 fails in MegEngine; int8 gives int32 in
    MegEngine, int8 (wrapping) in PyTorch; no bfloat16 tensor in MegEngine.
Beyond the page:
 8. 1-D @ 1-D (a dot product) and (3,) @ (2, 3, 4).
 9. Two 4-D operands whose batch axes are (2, 1) and (1, 3).

Run: .venv/bin/python audit/matmul.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

rng = np.random.default_rng(0)
CASES = {
    "1 (4,) @ (4,)": ((4,), (4,)), "1 (3, 4) @ (4,)": ((3, 4), (4,)), "8 (3,) @ (2, 3, 4)": ((3,), (2, 3, 4)),
    "2 (7, 2, 3, 4) @ (2, 4, 5)": ((7, 2, 3, 4), (2, 4, 5)), "2 (2, 3, 4) @ (4, 5)": ((2, 3, 4), (4, 5)),
    "3 (2, 3, 4) @ (1, 4, 5)": ((2, 3, 4), (1, 4, 5)), "9 (2, 1, 3, 4) @ (1, 3, 4, 5)": ((2, 1, 3, 4), (1, 3, 4, 5)),
}
ARRS = {k: (rng.standard_normal(a).astype("float32"), rng.standard_normal(b).astype("float32")) for k, (a, b) in CASES.items()}
F16 = (rng.standard_normal((16, 256)).astype("float16"), rng.standard_normal((256, 16)).astype("float16"))


def torch_side():
    import torch

    for k, (a, b) in ARRS.items():
        y = torch.matmul(torch.from_numpy(a), torch.from_numpy(b))
        print(k, tuple(y.shape), f"{float(y.sum()):.4f}")
    a, b = (torch.from_numpy(v) for v in F16)
    exact = (a.double() @ b.double())
    print("5/7 float16: largest error against the exact product", f"{float((a @ b).double().sub(exact).abs().max()):.3f}")
    i8 = torch.full((2, 40), 3, dtype=torch.int8)
    print("7 int8", (i8 @ i8.T).dtype, (i8 @ i8.T)[0, 0].item())
    print("7 int32", (torch.ones(2, 2, dtype=torch.int32) @ torch.ones(2, 2, dtype=torch.int32)).dtype)


def megengine_side():
    import megengine
    import megengine.functional as F

    for k, (a, b) in ARRS.items():
        try:
            y = F.matmul(megengine.Tensor(a), megengine.Tensor(b))
            print(k, tuple(y.shape), f"{float(y.sum()):.4f}")
        except Exception as e:
            print(k, type(e).__name__)
    a, b = ARRS["3 (2, 3, 4) @ (1, 4, 5)"]
    y = F.matmul(megengine.Tensor(a), F.broadcast_to(megengine.Tensor(b), (2, 4, 5)))
    print("3 broadcast_to:", tuple(y.shape), f"{float(y.sum()):.4f}")
    a, b = (megengine.Tensor(v) for v in F16)
    exact = F16[0].astype("float64") @ F16[1].astype("float64")
    for mode in ("default", "float32"):
        y = F.matmul(a, b, compute_mode=mode)
        print(f"5/7 float16, compute_mode={mode}: largest error", f"{np.abs(y.numpy().astype('float64') - exact).max():.3f}", y.dtype)
    i8 = megengine.Tensor(np.full((2, 40), 3, "int8"))
    y = F.matmul(i8, i8.T)
    print("7 int8", y.dtype, y.numpy()[0, 0])
    try:
        F.matmul(megengine.Tensor(np.ones((2, 2), "int32")), megengine.Tensor(np.ones((2, 2), "int32"))).numpy()
    except Exception as e:
        print("7 int32", type(e).__name__)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
