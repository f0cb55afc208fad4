"""argsort: claims of docs/pairs/argsort.yaml, re-run in both frameworks.

1. argsort's indices are sort's (same_as_sort); int64 vs int32 (dtype).
2. last axis only, 1-D or 2-D: a 3-D input fails (three_d); transposing sorts another axis (axis0).
3. ascending keeps equal elements in input order, like stable=True (ascending_ties, also on
   100000 values with 10 distinct ones: ascending_ties_large); descending is the reverse of
   ascending (descending_ties); argsort(-x) gives descending=True, stable=True for signed and float
   dtypes (neg_float, neg_int).
   Beyond: argsort(-x) with the int32 minimum (neg_int_min); NaN values (nan_ascending, nan_descending).
FOUND: a NaN breaks MegEngine's order (the other values are misordered too); argsort(-x) fails
for the int32 minimum.
FIXED: usage (NaN bullet, the int32 minimum), examples 5 (recipe: NaN replaced by inf) and 6
(recipe none, with the reason).
"""
import sys

import numpy as np

TIES = np.array([3, 1, 3, 2, 1, 3, 2, 1], dtype="float32")
BIG = np.random.RandomState(5).randint(0, 10, 100000).astype("float32")
NAN = np.array([2.0, np.nan, 1.0, 3.0], dtype="float32")
IMIN = np.array([5, -2147483648, 0, 7], dtype="int32")


def torch_side(rng):
    import torch
    x = torch.tensor(rng.randn(3, 5).astype("float32"))
    t = torch.tensor(TIES)
    out = {"same_as_sort": True, "dtype": str(torch.argsort(x).dtype).replace("torch.", "")}
    out["three_d"] = "runs"
    out["axis0"] = torch.argsort(x, dim=0).numpy()
    out["ascending_ties"] = torch.argsort(t, stable=True).numpy()
    out["ascending_ties_large"] = bool(np.array_equal(torch.argsort(torch.tensor(BIG), stable=True).numpy(),
                                                      np.argsort(BIG, kind="stable")))
    out["descending_ties"] = torch.argsort(t, descending=True, stable=True).numpy()
    out["neg_float"] = out["descending_ties"]
    out["neg_int"] = torch.argsort(t.int(), descending=True, stable=True).numpy()
    out["neg_int_min"] = torch.argsort(torch.tensor(IMIN), descending=True, stable=True).numpy()
    out["nan_ascending"] = torch.argsort(torch.tensor(NAN)).numpy()
    out["nan_descending"] = torch.argsort(torch.tensor(NAN), descending=True).numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    xn = rng.randn(3, 5).astype("float32")
    x = megengine.Tensor(xn)
    t = megengine.Tensor(TIES)
    out = {"same_as_sort": bool(np.array_equal(F.argsort(x).numpy(), F.sort(x)[1].numpy())),
           "dtype": str(F.argsort(x).dtype)}
    try:
        F.argsort(megengine.Tensor(np.zeros((2, 2, 2), "float32"))).numpy()
        out["three_d"] = "runs"
    except Exception as exc:  # noqa: BLE001
        out["three_d"] = type(exc).__name__
    out["axis0"] = F.argsort(x.transpose(1, 0)).transpose(1, 0).numpy()
    out["ascending_ties"] = F.argsort(t).numpy()
    out["ascending_ties_large"] = bool(np.array_equal(F.argsort(megengine.Tensor(BIG)).numpy(), np.argsort(BIG, kind="stable")))
    desc = F.argsort(t, descending=True).numpy()
    out["descending_ties"] = desc
    out["descending_is_reverse"] = bool(np.array_equal(desc, F.argsort(t).numpy()[::-1]))
    out["neg_float"] = F.argsort(-t).numpy()
    out["neg_int"] = F.argsort(-t.astype("int32")).numpy()
    out["neg_int_min"] = F.argsort(-megengine.Tensor(IMIN)).numpy()
    out["nan_ascending"] = F.argsort(megengine.Tensor(NAN)).numpy()
    out["nan_descending"] = F.argsort(megengine.Tensor(NAN), descending=True).numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
