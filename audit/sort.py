"""Audit of docs/pairs/sort.yaml (torch.sort vs megengine.functional.sort).

Claims checked (page as found, before this audit):
 1. MegEngine sorts only 1-D or 2-D input, along the last axis ("Input should be 1d or 2d").
 2. Moving the axis to the end and flattening to 2-D ports a 3-D sort.
 3. A plain tuple in MegEngine; int32 indices (int64 in PyTorch); values keep their dtype.
 4. MegEngine's ascending sort keeps equal elements in input order (as stable=True).
 5. Its descending sort is the reverse of the ascending one: equal elements come last first.
 6. Sorting the negated input ascending gives PyTorch's descending=True, stable=True indices.
Beyond the page:
 7. NaN: where each framework puts NaN, ascending and descending; and the negation recipe.
 8. The negation recipe on int32 with -2**31 (its negation overflows).

Run: .venv/bin/python audit/sort.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""

import numpy as np
from _sides import run_sides

TIES = np.random.default_rng(0).integers(0, 5, 2000).astype("float32")
NAN = np.array([3.0, np.nan, 1.0, 2.0], "float32")
IMIN = np.array([5, -2**31, 0, 7], "int32")


def torch_side():
    import torch

    t = torch.from_numpy(TIES)
    st = torch.sort(t, stable=True)
    sd = torch.sort(t, descending=True, stable=True)
    print("3 index dtype", st.indices.dtype, "values", st.values.dtype, type(st).__name__)
    np.save("/tmp/audit_sort_torch.npy", np.stack([st.indices.numpy(), sd.indices.numpy()]))
    for desc in (False, True):
        v, i = torch.sort(torch.from_numpy(NAN), descending=desc)
        print(f"7 NaN, descending={desc}:", v.tolist(), i.tolist())
    v, i = torch.sort(torch.from_numpy(IMIN), descending=True, stable=True)
    print("8 int32 descending:", v.tolist(), i.tolist())


def megengine_side():
    import megengine
    import megengine.functional as F

    ref = np.load("/tmp/audit_sort_torch.npy")
    v, i = F.sort(megengine.Tensor(TIES))
    print("3 index dtype", i.dtype, "values", v.dtype, type(F.sort(megengine.Tensor(TIES))).__name__)
    print("4 ascending == PyTorch stable=True:", bool((i.numpy() == ref[0]).all()))
    vd, idd = F.sort(megengine.Tensor(TIES), descending=True)
    print("5 descending == PyTorch descending stable:", bool((idd.numpy() == ref[1]).all()),
          "| == reversed ascending:", bool((idd.numpy() == i.numpy()[::-1]).all()))
    _, ineg = F.sort(-megengine.Tensor(TIES))
    print("6 negated ascending == PyTorch descending stable:", bool((ineg.numpy() == ref[1]).all()))
    try:
        F.sort(megengine.Tensor(np.zeros((2, 3, 4), "float32")))
    except Exception as e:
        print("1 3-D:", type(e).__name__, str(e).splitlines()[0][:40])
    x3 = np.random.default_rng(1).standard_normal((2, 3, 4)).astype("float32")
    v, _ = F.sort(megengine.Tensor(x3).transpose(0, 2, 1).reshape(-1, 3))
    print("2 3-D along axis 1 via transpose:", bool(np.allclose(v.numpy().reshape(2, 4, 3).transpose(0, 2, 1), np.sort(x3, axis=1))))
    for desc in (False, True):
        v, i = F.sort(megengine.Tensor(NAN), descending=desc)
        print(f"7 NaN, descending={desc}:", v.numpy().tolist(), i.numpy().tolist())
    v, i = F.sort(-megengine.Tensor(NAN))
    print("7 NaN, negated ascending:", (-v).numpy().tolist(), i.numpy().tolist())
    v, i = F.sort(-megengine.Tensor(IMIN))
    print("8 int32 negated ascending:", (-v).numpy().tolist(), i.numpy().tolist())


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
