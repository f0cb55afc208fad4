"""Audit of docs/fourway/pairs/interpolate.yaml (torch.nn.functional.interpolate,
megengine.functional.vision.interpolate, paddle.nn.functional.interpolate, jax.image.resize).

Each side saves its results to /tmp/fourway_interp_<framework>.npz; the JAX side, run last,
compares every case with PyTorch's (the "== jax" part ends with the table).
Claims checked (case names in the table):
 1. Signatures and default modes (torch and Paddle nearest, MegEngine bilinear, JAX required).
 2. down_bilinear: 8x8 -> 3x3 bilinear: JAX's default anti-aliases (~0.9 off); antialias=False,
    torch antialias=True vs JAX's default.
 3. up_bilinear: 4x4 -> 7x7 bilinear (half-pixel): all four agree.
 4. align_corners=True (4 -> 7 and 8 -> 3): torch, MegEngine, Paddle; JAX via
    jax.image.scale_and_translate with scale (out-1)/(in-1), translation 0.5 - 0.5 * scale.
 5. nearest, 4 -> 6 and 6 -> 4 and 5 -> 3: which source pixel each framework takes (torch's
    floor vs JAX's half-pixel rounding; torch "nearest-exact").
 6. bicubic 4 -> 7: JAX's cubic uses Keys a = -0.5, torch -0.75; JAX's "bicubic-pytorch" with
    antialias=False is torch's kernel (case bicubic_pytorch_kernel).
 7. Paddle's align_mode=1 (asymmetric bilinear).
 8. Non-integer scale_factor 1.5 (5x5 bilinear): torch by the factor, MegEngine and Paddle?
 9. Gradients of bilinear 4 -> 7 (upstream dy) agree; of 8 -> 3 JAX's default differs.
10. Result dtypes per input dtype (float16, bfloat16, int32, uint8).
11. An integer size=6: torch (6, 6), MegEngine (6, 1), Paddle?
13. area 8 -> 3 and 8 -> 4: torch and Paddle "area" agree, MegEngine's adaptive_avg_pool2d
    too; JAX's "area" only at the integer factor; adaptive average pooling by hand in JAX.
14. align_corners=True with bicubic: torch and Paddle agree, MegEngine raises.
12. uint8 inputs (values 0..9, 4 -> 7 bilinear): each uint8 result against the float32 result
    rounded and truncated.
"""
import inspect

import numpy as np

rng = np.random.default_rng(0)
X8 = rng.standard_normal((1, 1, 8, 8)).astype("float32")
X4 = rng.standard_normal((1, 1, 4, 4)).astype("float32")
X6 = rng.standard_normal((1, 1, 6, 6)).astype("float32")
X5 = rng.standard_normal((1, 1, 5, 5)).astype("float32")
DY7 = rng.standard_normal((1, 1, 7, 7)).astype("float32")
DY3 = rng.standard_normal((1, 1, 3, 3)).astype("float32")
DTYPES = ["float16", "bfloat16", "int32", "uint8"]
U8 = rng.integers(0, 10, (1, 2, 4, 4)).astype("uint8")
R = {}


def keep(name, fn):
    try:
        R[name] = np.asarray(fn(), dtype="float32")
    except Exception as e:  # noqa: BLE001 - the failure is the finding
        print(name, "ERROR", type(e).__name__, (str(e).strip().splitlines() or [""])[0][:100])


def dtypes(fn):
    for d in DTYPES:
        try:
            print("10", d, fn(d))
        except Exception as e:  # noqa: BLE001
            print("10", d, "ERROR", type(e).__name__, (str(e).strip().splitlines() or [""])[0][:90])


def torch_side():
    import torch
    import torch.nn.functional as F

    print("1 signature", inspect.signature(F.interpolate))
    t = torch.tensor
    keep("down_bilinear", lambda: F.interpolate(t(X8), size=(3, 3), mode="bilinear"))
    keep("down_bilinear_antialias", lambda: F.interpolate(t(X8), size=(3, 3), mode="bilinear", antialias=True))
    keep("up_bilinear", lambda: F.interpolate(t(X4), size=(7, 7), mode="bilinear"))
    keep("up_corners", lambda: F.interpolate(t(X4), size=(7, 7), mode="bilinear", align_corners=True))
    keep("down_corners", lambda: F.interpolate(t(X8), size=(3, 3), mode="bilinear", align_corners=True))
    for a, b, x in ((4, 6, X4), (6, 4, X6), (5, 3, X5)):
        keep("nearest_%d_%d" % (a, b), lambda: F.interpolate(t(x), size=(b, b), mode="nearest"))
        keep("nearest_exact_%d_%d" % (a, b), lambda: F.interpolate(t(x), size=(b, b), mode="nearest-exact"))
    keep("bicubic", lambda: F.interpolate(t(X4), size=(7, 7), mode="bicubic"))
    keep("scale_1.5", lambda: F.interpolate(t(X5), scale_factor=1.5, mode="bilinear"))
    keep("scale_1.5_recompute", lambda: F.interpolate(t(X5), scale_factor=1.5, mode="bilinear", recompute_scale_factor=True))
    keep("area_8_3", lambda: F.interpolate(t(X8), size=(3, 3), mode="area"))
    keep("area_8_4", lambda: F.interpolate(t(X8), size=(4, 4), mode="area"))
    keep("bicubic_corners", lambda: F.interpolate(t(X4), size=(7, 7), mode="bicubic", align_corners=True))
    for name, x, size, dy in (("grad_up", X4, 7, DY7), ("grad_down", X8, 3, DY3)):
        xx = torch.tensor(x, requires_grad=True)
        F.interpolate(xx, size=(size, size), mode="bilinear").backward(torch.tensor(dy))
        R[name] = xx.grad.numpy()
    dtypes(lambda d: F.interpolate(t(X4).to(getattr(torch, d)), size=(7, 7), mode="bilinear").dtype)
    print("11 size=6", tuple(F.interpolate(t(X4), size=6).shape))
    R["uint8"] = F.interpolate(t(U8), size=(7, 7), mode="bilinear").numpy()
    R["uint8_as_float"] = F.interpolate(t(U8).float(), size=(7, 7), mode="bilinear").numpy()
    np.savez("/tmp/fourway_interp_torch.npz", **R)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 signature", inspect.signature(F.vision.interpolate))
    t = megengine.Tensor
    f = F.vision.interpolate
    keep("down_bilinear", lambda: f(t(X8), size=(3, 3), mode="bilinear").numpy())
    keep("up_bilinear", lambda: f(t(X4), size=(7, 7), mode="bilinear").numpy())
    keep("up_corners", lambda: f(t(X4), size=(7, 7), mode="bilinear", align_corners=True).numpy())
    keep("down_corners", lambda: f(t(X8), size=(3, 3), mode="bilinear", align_corners=True).numpy())
    for a, b, x in ((4, 6, X4), (6, 4, X6), (5, 3, X5)):
        keep("nearest_%d_%d" % (a, b), lambda: f(t(x), size=(b, b), mode="nearest").numpy())
    keep("bicubic", lambda: f(t(X4), size=(7, 7), mode="bicubic").numpy())
    keep("scale_1.5", lambda: f(t(X5), scale_factor=1.5, mode="bilinear").numpy())
    keep("area_8_3", lambda: F.adaptive_avg_pool2d(t(X8), (3, 3)).numpy())
    keep("bicubic_corners", lambda: f(t(X4), size=(7, 7), mode="bicubic", align_corners=True).numpy())
    keep("area_8_4", lambda: F.adaptive_avg_pool2d(t(X8), (4, 4)).numpy())
    for name, x, size, dy in (("grad_up", X4, 7, DY7), ("grad_down", X8, 3, DY3)):
        xx = t(x)
        gm = GradManager().attach([xx])
        with gm:
            gm.backward(f(xx, size=(size, size), mode="bilinear"), t(dy))
        R[name] = xx.grad.numpy()

    def one(d):
        if d == "bfloat16":
            raise TypeError("MegEngine has no bfloat16 tensor dtype")
        r = f(t(X4.astype(d), dtype=d), size=(7, 7), mode="bilinear")
        r.numpy()
        return r.dtype
    dtypes(one)
    print("11 size=6", tuple(f(t(X4), size=6).shape))
    R["uint8"] = f(t(U8, dtype="uint8"), size=(7, 7), mode="bilinear").numpy()
    np.savez("/tmp/fourway_interp_megengine.npz", **R)


def paddle_side():
    import paddle
    import paddle.nn.functional as F

    print("1 signature", inspect.signature(F.interpolate))
    t = paddle.to_tensor
    keep("down_bilinear", lambda: F.interpolate(t(X8), size=(3, 3), mode="bilinear").numpy())
    keep("down_bilinear_antialias", lambda: F.interpolate(t(X8), size=(3, 3), mode="bilinear", antialias=True).numpy())
    keep("up_bilinear", lambda: F.interpolate(t(X4), size=(7, 7), mode="bilinear").numpy())
    keep("up_corners", lambda: F.interpolate(t(X4), size=(7, 7), mode="bilinear", align_corners=True).numpy())
    keep("down_corners", lambda: F.interpolate(t(X8), size=(3, 3), mode="bilinear", align_corners=True).numpy())
    keep("up_align_mode_1", lambda: F.interpolate(t(X4), size=(7, 7), mode="bilinear", align_mode=1).numpy())
    for a, b, x in ((4, 6, X4), (6, 4, X6), (5, 3, X5)):
        keep("nearest_%d_%d" % (a, b), lambda: F.interpolate(t(x), size=(b, b), mode="nearest").numpy())
    keep("bicubic", lambda: F.interpolate(t(X4), size=(7, 7), mode="bicubic").numpy())
    keep("scale_1.5", lambda: F.interpolate(t(X5), scale_factor=1.5, mode="bilinear").numpy())
    keep("scale_1.5_recompute", lambda: F.interpolate(t(X5), scale_factor=1.5, mode="bilinear", recompute_scale_factor=True).numpy())
    keep("area_8_3", lambda: F.interpolate(t(X8), size=(3, 3), mode="area").numpy())
    keep("bicubic_corners", lambda: F.interpolate(t(X4), size=(7, 7), mode="bicubic", align_corners=True).numpy())
    keep("area_8_4", lambda: F.interpolate(t(X8), size=(4, 4), mode="area").numpy())
    for name, x, size, dy in (("grad_up", X4, 7, DY7), ("grad_down", X8, 3, DY3)):
        xx = paddle.to_tensor(x, stop_gradient=False)
        F.interpolate(xx, size=(size, size), mode="bilinear").backward(t(dy))
        R[name] = xx.grad.numpy()
    dtypes(lambda d: F.interpolate(t(X4).astype(d), size=(7, 7), mode="bilinear").dtype)
    try:
        print("11 size=6", tuple(F.interpolate(t(X4), size=6).shape))
    except Exception as e:  # noqa: BLE001
        print("11 size=6 ERROR", type(e).__name__, str(e).strip().splitlines()[0][:100])
    R["uint8"] = F.interpolate(t(U8), size=(7, 7), mode="bilinear").numpy()
    np.savez("/tmp/fourway_interp_paddle.npz", **R)


def jax_side():
    import jax
    import jax.numpy as jnp

    print("1 signature", inspect.signature(jax.image.resize))
    j = jnp.asarray

    def corners(x, n):
        s = (n - 1) / (x.shape[-1] - 1)
        return jax.image.scale_and_translate(x, (1, 1, n, n), (2, 3), jnp.array([s, s]),
                                             jnp.array([0.5 - 0.5 * s] * 2), "linear", antialias=False)
    keep("down_bilinear", lambda: jax.image.resize(j(X8), (1, 1, 3, 3), "bilinear"))
    keep("down_bilinear_no_antialias", lambda: jax.image.resize(j(X8), (1, 1, 3, 3), "bilinear", antialias=False))
    keep("up_bilinear", lambda: jax.image.resize(j(X4), (1, 1, 7, 7), "bilinear"))
    keep("up_corners", lambda: corners(j(X4), 7))
    keep("down_corners", lambda: corners(j(X8), 3))
    for a, b, x in ((4, 6, X4), (6, 4, X6), (5, 3, X5)):
        keep("nearest_%d_%d" % (a, b), lambda: jax.image.resize(j(x), (1, 1, b, b), "nearest"))
    keep("bicubic", lambda: jax.image.resize(j(X4), (1, 1, 7, 7), "bicubic"))
    keep("bicubic_pytorch_kernel", lambda: jax.image.resize(j(X4), (1, 1, 7, 7), "bicubic-pytorch", antialias=False))
    keep("area_8_3", lambda: jax.image.resize(j(X8), (1, 1, 3, 3), "area"))
    keep("area_8_4", lambda: jax.image.resize(j(X8), (1, 1, 4, 4), "area"))

    def adaptive(v, n):  # PyTorch's "area": adaptive average pooling, square inputs
        m = v.shape[-1]
        v = jnp.stack([v[..., (i * m) // n:-(-(i + 1) * m // n), :].mean(axis=-2) for i in range(n)], axis=-2)
        return jnp.stack([v[..., (i * m) // n:-(-(i + 1) * m // n)].mean(axis=-1) for i in range(n)], axis=-1)
    keep("area_8_3_by_hand", lambda: adaptive(j(X8), 3))
    for name, x, size, dy in (("grad_up", X4, 7, DY7), ("grad_down", X8, 3, DY3)):
        R[name] = jax.vjp(lambda v: jax.image.resize(v, (1, 1, size, size), "bilinear"), j(x))[1](j(dy))[0]
    R["grad_down_no_antialias"] = jax.vjp(lambda v: jax.image.resize(v, (1, 1, 3, 3), "bilinear", antialias=False), j(X8))[1](j(DY3))[0]
    dtypes(lambda d: jax.image.resize(j(X4).astype(d), (1, 1, 7, 7), "bilinear").dtype)
    mine = {k: np.asarray(v, dtype="float32") for k, v in R.items()}
    sides = {fw: dict(np.load("/tmp/fourway_interp_%s.npz" % fw)) for fw in ("torch", "megengine", "paddle")}
    sides["jax"] = mine
    ref = sides["torch"]
    print("== comparison with torch's result of the same name (max abs deviation)")
    names = sorted(set().union(*[set(s) for s in sides.values()]))
    for name in names:
        row = []
        base = ref.get(name, ref.get(name.replace("_no_antialias", "").replace("_align_mode_1", "")
                                     .replace("_pytorch_kernel", "").replace("_by_hand", "")))
        for fw, s in sides.items():
            if name in s:
                v = s[name]
                if base is None:
                    row.append("%s: (no torch case)" % fw)
                elif v.shape != base.shape:
                    row.append("%s: shape %s vs %s" % (fw, v.shape, base.shape))
                else:
                    row.append("%s: %.3g" % (fw, np.abs(v - base).max()))
        print(name, "|", ", ".join(row))
    print("2 torch antialias=True vs jax default: %.3g" % np.abs(ref["down_bilinear_antialias"] - mine["down_bilinear"]).max())
    print("5 nearest 5->3 rows picked: torch", ref["nearest_5_3"][0, 0, :, 0].tolist(), "jax", mine["nearest_5_3"][0, 0, :, 0].tolist(),
          "x[:, 0]", X5[0, 0, :, 0].tolist())
    for a, b in ((4, 6), (6, 4), (5, 3)):
        print("5 jax nearest %d->%d vs torch nearest-exact: %.3g" % (a, b, np.abs(mine["nearest_%d_%d" % (a, b)] - ref["nearest_exact_%d_%d" % (a, b)]).max()))
    exact = ref["uint8_as_float"]
    for fw in ("torch", "megengine", "paddle"):
        u = sides[fw]["uint8"].astype("float32")
        print("12 %s uint8: max dev from rounded %.3g, from truncated %.3g" % (
            fw, np.abs(u - np.round(exact)).max(), np.abs(u - np.floor(exact)).max()))
    print("8 torch scale 1.5 by factor vs recompute: %.3g" % np.abs(ref["scale_1.5"] - ref["scale_1.5_recompute"]).max())


if __name__ == "__main__":
    import sys

    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _common import main

    main(globals())
