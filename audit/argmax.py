"""argmax: claims of docs/pairs/argmax.yaml, re-run in both frameworks.

1. argmax(x, dim=1) == F.argmax(x, axis=1); keepdim == keepdims (axis1, keepdims).
2. without an axis: the index into the flattened tensor (flat); ties: the first index (ties).
3. MegEngine's axis accepts a sequence (axes, MegEngine side).
4. bool: rejected by PyTorch, accepted by MegEngine (bool).
   Beyond: NaN values (nan: PyTorch treats NaN as the maximum); the index dtype (dtype).
FOUND: with NaN, PyTorch returns the first NaN, MegEngine another one (the last, here).
FIXED: usage (NaN), example 4 (recipe: the first NaN by argmax of the mask); the dtype example
is the third, no longer the last.
"""
import sys

import numpy as np

TIES = np.array([[1, 3, 3, 0], [2, 2, 1, 2]], dtype="float32")
NAN = np.array([[1.0, np.nan, 3.0, np.nan], [0.5, 2.0, np.nan, 1.0]], dtype="float32")


def torch_side(rng):
    import torch
    x = torch.tensor(rng.randn(3, 4).astype("float32"))
    out = {"axis1": torch.argmax(x, dim=1).numpy(), "keepdims": list(torch.argmax(x, dim=1, keepdim=True).shape),
           "flat": torch.argmax(x).item(), "ties": torch.argmax(torch.tensor(TIES), dim=1).numpy(), "axes": "n/a"}
    try:
        torch.argmax(torch.tensor([True, False]))
        out["bool"] = "accepted"
    except RuntimeError:
        out["bool"] = "RuntimeError"
    out["nan"] = torch.argmax(torch.tensor(NAN), dim=1).numpy()
    out["dtype"] = str(torch.argmax(x).dtype).replace("torch.", "")
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    x = megengine.Tensor(rng.randn(3, 4).astype("float32"))
    out = {"axis1": F.argmax(x, axis=1).numpy(), "keepdims": list(F.argmax(x, axis=1, keepdims=True).shape),
           "flat": F.argmax(x).item(), "ties": F.argmax(megengine.Tensor(TIES), axis=1).numpy()}
    out["axes"] = list(F.argmax(megengine.Tensor(np.zeros((2, 3, 4), "float32")), axis=(1, 2)).shape)
    try:
        F.argmax(megengine.Tensor(np.array([True, False]))).numpy()
        out["bool"] = "accepted"
    except Exception as exc:  # noqa: BLE001
        out["bool"] = type(exc).__name__
    out["nan"] = F.argmax(megengine.Tensor(NAN), axis=1).numpy()
    out["dtype"] = str(F.argmax(x).dtype)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
