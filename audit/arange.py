"""arange: claims of docs/pairs/arange.yaml, re-run in both frameworks.

1. arange(n), arange(a, b, s); end excluded on both sides (n, a_b_s).
2. PyTorch infers int64 for integers and float32 for floats; MegEngine returns float32 unless told
   (dtype_int, dtype_float); dtype="int32" for indices (int32).
   Beyond: a float step, arange(0, 1, 0.1) (float_step: length and last value); a negative step
   (negative_step); beyond 2**24 in float32 (large: is 2**24 + 1 representable?), and with
   dtype="int32" (large_int32).
FOUND: MegEngine computes the range in float32 even with dtype="int32": past 2**24 values
collapse and the length is off by one.
FIXED: usage (Large ranges), example 4 (recipe: np.arange).
"""
import sys



def torch_side(rng):
    import torch
    out = {"n": torch.arange(5).numpy(), "a_b_s": torch.arange(2, 11, 3).numpy()}
    out["dtype_int"] = str(torch.arange(5).dtype).replace("torch.", "")
    out["dtype_float"] = str(torch.arange(0.0, 2.0).dtype).replace("torch.", "")
    out["int32"] = str(torch.arange(5, dtype=torch.int32).dtype).replace("torch.", "")
    f = torch.arange(0, 1, 0.1)
    out["float_step"] = [len(f), round(float(f[-1]), 4)]
    out["negative_step"] = torch.arange(5, 0, -2).numpy()
    big = torch.arange(2 ** 24 - 2, 2 ** 24 + 3)
    out["large"] = big.numpy()
    return out


def megengine_side(rng):
    import megengine.functional as F
    out = {"n": F.arange(5).numpy(), "a_b_s": F.arange(2, 11, 3).numpy()}
    out["dtype_int"] = str(F.arange(5).dtype)
    out["dtype_float"] = str(F.arange(0.0, 2.0).dtype)
    out["int32"] = str(F.arange(5, dtype="int32").dtype)
    f = F.arange(0, 1, 0.1).numpy()
    out["float_step"] = [len(f), round(float(f[-1]), 4)]
    out["negative_step"] = F.arange(5, 0, -2).numpy()
    out["large"] = F.arange(2 ** 24 - 2, 2 ** 24 + 3).numpy()
    out["large_int32"] = F.arange(2 ** 24 - 2, 2 ** 24 + 3, dtype="int32").numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
