"""interpolate: claims of docs/pairs/interpolate.yaml, re-run in both frameworks.

1. default mode: nearest in PyTorch, bilinear in MegEngine (default_mode).
2. same mode, size and align_corners agree; align_corners None means False; integer scale factors
   agree (nearest_x2, nearest_size, bilinear_size, bilinear_corners, bilinear_none_is_false, bilinear_x3).
3. an int size is (6, 6) in PyTorch, (6, 1) in MegEngine, (6, 1, 1) for trilinear (int_size, int_size_3d).
4. non-integer scale factors: MegEngine == PyTorch's recompute_scale_factor=True; PyTorch's default
   differs (frac_default: largest deviation, frac_recompute).
5. modes: linear (3-D), bicubic, trilinear (5-D) agree (linear, linear_corners, bicubic, trilinear);
   align_corners with bicubic raises ValueError in MegEngine (bicubic_corners); nearest on 3-D and
   5-D input, area, nearest-exact have no counterpart (nearest_3d, nearest_5d, area).
   Beyond: downsampling by 2 and by 0.6, bilinear (down_half, down_06); tuple scale factors
   (tuple_scale); gradients, bilinear and nearest (grad_bilinear, grad_nearest); nearest with
   align_corners (nearest_corners).
FOUND: every claim holds, beyond the happy path too. Nothing to fix.
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(1, 2, 4, 4).astype("float32"), rng.randn(1, 1, 5, 5).astype("float32"),
            rng.randn(1, 2, 5).astype("float32"), rng.randn(1, 1, 3, 3, 3).astype("float32"),
            rng.randn(1, 2, 8, 8).astype("float32"), rng.randn(1, 2, 12, 12).astype("float32"))


def torch_side(rng):
    import torch
    import torch.nn.functional as F
    x, x5, x3, xv, xb, dy = [torch.tensor(a) for a in data(rng)]
    it = F.interpolate
    out = {}
    out["default_mode"] = it(x, scale_factor=2).numpy()
    out["nearest_x2"] = out["default_mode"]
    out["nearest_size"] = it(x, size=(7, 5), mode="nearest").numpy()
    out["bilinear_size"] = it(x, size=(7, 9), mode="bilinear").numpy()
    out["bilinear_corners"] = it(x, size=(7, 9), mode="bilinear", align_corners=True).numpy()
    out["bilinear_none_is_false"] = it(x, size=(7, 9), mode="bilinear", align_corners=False).numpy()
    out["bilinear_x3"] = it(x, scale_factor=3, mode="bilinear").numpy()
    out["int_size"] = list(it(x, size=6, mode="nearest").shape)
    out["int_size_3d"] = list(it(xv, size=6, mode="trilinear").shape)
    a = it(x5, scale_factor=1.5, mode="bilinear")
    b = it(x5, scale_factor=1.5, mode="bilinear", recompute_scale_factor=True)
    c = it(x5, scale_factor=1.7, mode="nearest")
    d = it(x5, scale_factor=1.7, mode="nearest", recompute_scale_factor=True)
    out["frac_default"] = [round(float((a - b).abs().max()), 2), round(float((c - d).abs().max()), 2)]
    out["frac_recompute"] = np.concatenate([b.numpy().ravel(), d.numpy().ravel()])
    out["linear"] = it(x3, size=9, mode="linear").numpy()
    out["linear_corners"] = it(x3, size=9, mode="linear", align_corners=True).numpy()
    out["bicubic"] = it(x, size=(7, 9), mode="bicubic").numpy()
    out["bicubic_corners"] = "runs"
    out["trilinear"] = it(xv, size=(5, 4, 6), mode="trilinear").numpy()
    out["nearest_3d"] = list(it(x3, size=9, mode="nearest").shape)
    out["nearest_5d"] = list(it(xv, size=(5, 4, 6), mode="nearest").shape)
    out["area"] = "runs"
    out["down_half"] = it(xb, scale_factor=0.5, mode="bilinear").numpy()
    out["down_06"] = it(xb, size=(5, 5), mode="bilinear").numpy()
    out["tuple_scale"] = it(x, scale_factor=(2, 3), mode="bilinear").numpy()
    for mode in ("bilinear", "nearest"):
        xx = xb.clone().requires_grad_()
        (it(xx, size=(12, 12), mode=mode) * dy).sum().backward()
        out["grad_" + mode] = xx.grad.numpy()
    try:
        it(x, size=(7, 9), mode="nearest", align_corners=True)
        out["nearest_corners"] = "runs"
    except ValueError:
        out["nearest_corners"] = "ValueError"
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, x5, x3, xv, xb, dy = [megengine.Tensor(a) for a in data(rng)]
    it = F.nn.interpolate
    out = {}

    def attempt(key, call):
        try:
            out[key] = call()
        except Exception as exc:  # noqa: BLE001
            out[key] = type(exc).__name__
    out["default_mode"] = it(x, scale_factor=2).numpy()
    out["nearest_x2"] = it(x, scale_factor=2, mode="nearest").numpy()
    out["nearest_size"] = it(x, size=(7, 5), mode="nearest").numpy()
    out["bilinear_size"] = it(x, size=(7, 9), mode="bilinear").numpy()
    out["bilinear_corners"] = it(x, size=(7, 9), mode="bilinear", align_corners=True).numpy()
    out["bilinear_none_is_false"] = it(x, size=(7, 9), mode="bilinear", align_corners=None).numpy()
    out["bilinear_x3"] = it(x, scale_factor=3, mode="bilinear").numpy()
    out["int_size"] = list(it(x, size=6, mode="nearest").shape)
    out["int_size_3d"] = list(it(xv, size=6, mode="trilinear").shape)
    out["frac_default"] = "n/a"
    b = it(x5, scale_factor=1.5, mode="bilinear")
    d = it(x5, scale_factor=1.7, mode="nearest")
    out["frac_recompute"] = np.concatenate([b.numpy().ravel(), d.numpy().ravel()])
    attempt("linear", lambda: it(x3, size=9, mode="linear").numpy())
    attempt("linear_corners", lambda: it(x3, size=9, mode="linear", align_corners=True).numpy())
    attempt("bicubic", lambda: it(x, size=(7, 9), mode="bicubic").numpy())
    attempt("bicubic_corners", lambda: it(x, size=(7, 9), mode="bicubic", align_corners=True).numpy())
    attempt("trilinear", lambda: it(xv, size=(5, 4, 6), mode="trilinear").numpy())
    attempt("nearest_3d", lambda: list(it(x3, size=9, mode="nearest").numpy().shape))
    attempt("nearest_5d", lambda: list(it(xv, size=(5, 4, 6), mode="nearest").numpy().shape))
    attempt("area", lambda: it(x, size=(2, 2), mode="area").numpy())
    attempt("down_half", lambda: it(xb, scale_factor=0.5, mode="bilinear").numpy())
    attempt("down_06", lambda: it(xb, size=(5, 5), mode="bilinear").numpy())
    attempt("tuple_scale", lambda: it(x, scale_factor=(2, 3), mode="bilinear").numpy())
    for mode in ("bilinear", "nearest"):
        xx = megengine.Parameter(xb.numpy())
        gm = GradManager().attach([xx])
        with gm:
            gm.backward((it(xx, size=(12, 12), mode=mode) * dy).sum())
        out["grad_" + mode] = xx.grad.numpy()
    attempt("nearest_corners", lambda: it(x, size=(7, 9), mode="nearest", align_corners=True).numpy() is not None and "runs")
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
