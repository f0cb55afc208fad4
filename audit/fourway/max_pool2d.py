"""Audit of docs/fourway/pairs/max_pool2d.yaml (torch.nn.functional.max_pool2d,
megengine.functional.max_pool2d, paddle.nn.functional.max_pool2d; JAX has none:
jax.lax.reduce_window with lax.max and -inf).

Claims checked:
 1. Signatures: which of stride (default), padding, dilation, ceil_mode, return_indices/
    return_mask, data_format each has.
 2. kernel 3, stride 2, padding 1 on all-negative inputs: padded positions never win in any of the
    four (JAX pads with reduce_window's init value, -inf).
 3. Gradients with distinct values agree.
 4. Ties: which tied element receives a window's gradient (torch: the first, MegEngine: all).
 5. A nan in a window: who propagates it, who skips it.
 6. ceil_mode over a grid of sizes, kernels, strides and paddings: Paddle equals torch; the
    -inf padding helper (from audit/max_pool2d.py) reproduces it in JAX.
 7. Result dtypes per input dtype (float32, float16, bfloat16, int32).
 9. JAX: the initial value -inf on an int32 input becomes the int32 minimum: padded pooling of
    negative integers equals torch's.
 10. padding above half the kernel (k3 s1 p2, and p3): torch refuses; MegEngine and Paddle
    pool (p3: windows wholly in the padding give -3.4e38, the lowest float32, not -inf); JAX
    pads with its initial value.
 8. MegEngine's float16 pooling returns wrong values (zeros or garbage) on the CPU; pooling in
    float32 and casting back is right.
"""
import inspect

import numpy as np

from _common import dev, main

rng = np.random.default_rng(0)
X = rng.standard_normal((1, 2, 9, 9)).astype("float32")
DY = rng.standard_normal((1, 2, 5, 5)).astype("float32")
TIES = np.array([[[[1, 3, 2, 2], [3, 0, 2, 2], [0, 5, 4, 1], [5, 0, 0, 0]]]], "float32")
NANX = np.array([[[[np.nan, 1, 2, 3], [0, 0, 0, np.nan], [1, 1, 1, 1], [1, 1, 1, 1]]]], "float32")
GRID = [(n, k, s, p) for n in (5, 6, 7, 8, 9) for k in (2, 3) for s in (1, 2, 3) for p in range(0, k // 2 + 1)]
DTYPES = ["float32", "float16", "bfloat16", "int32"]


def ceil_extra(n, k, s, p):
    out = -(-(n + 2 * p - k) // s) + 1
    if (out - 1) * s >= n + p:  # a last window that starts in the right padding is dropped
        out -= 1
    return max(0, (out - 1) * s + k - (n + 2 * p))


def report(tag, fn):
    try:
        print(tag, fn())
    except Exception as e:  # noqa: BLE001 - the failure is the finding
        print(tag, "ERROR", type(e).__name__, (str(e).strip().splitlines() or [""])[0][:100])


def torch_side():
    import torch
    import torch.nn.functional as F

    print("1 signature", F.max_pool2d.__doc__.strip().splitlines()[0] if F.max_pool2d.__doc__ else "", inspect.signature(F.max_pool2d))
    report("2 negative", lambda: F.max_pool2d(-torch.tensor(X).abs(), 3, 2, 1).numpy().ravel()[:6].round(4).tolist())
    neg = -np.arange(1, 26, dtype="int32").reshape(1, 1, 5, 5)
    report("9 int32, padding 1", lambda: F.max_pool2d(torch.tensor(neg), 3, 2, 1).numpy().ravel().tolist())
    x5 = torch.tensor(X[..., :5, :5])
    report("10 k3 s1 p2", lambda: F.max_pool2d(x5, 3, 1, 2).shape)
    report("10 -inf padding then pool: first row", lambda: F.max_pool2d(
        F.pad(x5, (2, 2, 2, 2), value=float("-inf")), 3, 1).numpy()[0, 0, 0].round(4).tolist())
    x = torch.tensor(X, requires_grad=True)
    F.max_pool2d(x, 3, 2, 1).backward(torch.tensor(DY))
    np.save("/tmp/fourway_maxpool_grad_torch.npy", x.grad.numpy())
    t = torch.tensor(TIES, requires_grad=True)
    F.max_pool2d(t, 2).sum().backward()
    print("4 ties grad", t.grad.numpy()[0, 0].tolist())
    report("5 nan", lambda: F.max_pool2d(torch.tensor(NANX), 2).numpy()[0, 0].tolist())
    out = {}
    xt = torch.tensor(X)
    for n, k, s, p in GRID:
        out["%d %d %d %d" % (n, k, s, p)] = F.max_pool2d(xt[..., :n, :n], k, s, p, ceil_mode=True).numpy()
    np.savez("/tmp/fourway_maxpool_ceil_torch.npz", **out)
    for d in DTYPES:
        report("7 " + d, lambda d=d: F.max_pool2d(torch.tensor(X).to(getattr(torch, d)), 2).dtype)


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 signature", inspect.signature(F.max_pool2d))
    report("2 negative", lambda: F.max_pool2d(-abs(megengine.Tensor(X)), 3, 2, 1).numpy().ravel()[:6].round(4).tolist())
    for name, inp, up in (("3", X, DY), ("4", TIES, None)):
        x = megengine.Tensor(inp)
        gm = GradManager().attach([x])
        with gm:
            y = F.max_pool2d(x, 3, 2, 1) if up is not None else F.max_pool2d(x, 2)
            gm.backward(y, megengine.Tensor(up) if up is not None else F.ones_like(y))
        if name == "3":
            report("3 grad dev from torch", lambda: dev(x.grad.numpy(), np.load("/tmp/fourway_maxpool_grad_torch.npy")))
        else:
            print("4 ties grad", x.grad.numpy()[0, 0].tolist())
    report("5 nan", lambda: F.max_pool2d(megengine.Tensor(NANX), 2).numpy()[0, 0].tolist())
    x5 = megengine.Tensor(X[..., :5, :5].copy())
    report("10 k3 s1 p2: first row", lambda: F.max_pool2d(x5, 3, 1, 2).numpy()[0, 0, 0].round(4).tolist())
    report("10 k3 s1 p3: first value", lambda: F.max_pool2d(x5, 3, 1, 3).numpy()[0, 0, 0, 0].tolist())
    for d in DTYPES:
        def one(d=d):
            if d == "bfloat16":
                raise TypeError("MegEngine has no bfloat16 tensor dtype")
            r = F.max_pool2d(megengine.Tensor(X.astype(d), dtype=d), 2)
            r.numpy()
            return r.dtype
        report("7 " + d, one)
    h = X[..., :6, :6].astype("float16")
    ref = h.reshape(1, 2, 3, 2, 3, 2).max(axis=(3, 5))
    for i in range(3):
        report("8 float16 call %d: dev, first values" % i, lambda: (
            dev(F.max_pool2d(megengine.Tensor(h, dtype="float16"), 2).numpy(), ref),
            F.max_pool2d(megengine.Tensor(h, dtype="float16"), 2).numpy().ravel()[:3].tolist()))
    report("8 float32 then cast: dev", lambda: dev(
        F.max_pool2d(megengine.Tensor(h, dtype="float16").astype("float32"), 2).astype("float16").numpy(), ref))


def paddle_side():
    import paddle
    import paddle.nn.functional as F

    print("1 signature", inspect.signature(F.max_pool2d))
    report("2 negative", lambda: F.max_pool2d(-paddle.to_tensor(X).abs(), 3, 2, 1).numpy().ravel()[:6].round(4).tolist())
    x = paddle.to_tensor(X, stop_gradient=False)
    F.max_pool2d(x, 3, 2, 1).backward(paddle.to_tensor(DY))
    report("3 grad dev from torch", lambda: dev(x.grad.numpy(), np.load("/tmp/fourway_maxpool_grad_torch.npy")))
    t = paddle.to_tensor(TIES, stop_gradient=False)
    F.max_pool2d(t, 2).sum().backward()
    print("4 ties grad", t.grad.numpy()[0, 0].tolist())
    report("5 nan", lambda: F.max_pool2d(paddle.to_tensor(NANX), 2).numpy()[0, 0].tolist())
    x5 = paddle.to_tensor(X[..., :5, :5])
    report("10 k3 s1 p2: first row", lambda: F.max_pool2d(x5, 3, 1, 2).numpy()[0, 0, 0].round(4).tolist())
    report("10 k3 s1 p3: first value", lambda: F.max_pool2d(x5, 3, 1, 3).numpy()[0, 0, 0, 0].tolist())
    ref = np.load("/tmp/fourway_maxpool_ceil_torch.npz")
    bad = []
    for n, k, s, p in GRID:
        key = "%d %d %d %d" % (n, k, s, p)
        try:
            got = F.max_pool2d(paddle.to_tensor(X[..., :n, :n]), k, s, p, ceil_mode=True).numpy()
            if got.shape != ref[key].shape or not np.allclose(got, ref[key]):
                bad.append((key, got.shape, ref[key].shape))
        except Exception as e:  # noqa: BLE001
            bad.append((key, type(e).__name__))
    print("6 ceil_mode: %d of %d cases equal torch; differ: %s" % (len(GRID) - len(bad), len(GRID), bad))
    for d in DTYPES:
        report("7 " + d, lambda d=d: F.max_pool2d(paddle.to_tensor(X).astype(d), 2).dtype)


def jax_side():
    import jax
    import jax.numpy as jnp
    from jax import lax

    def pool(x, k, s, p=0, extra=0):
        return lax.reduce_window(x, -jnp.inf, lax.max, (1, 1, k, k), (1, 1, s, s),
                                 ((0, 0), (0, 0), (p, p + extra), (p, p + extra)))

    print("1 jax.nn has max_pool2d:", hasattr(jax.nn, "max_pool2d"))
    report("2 negative", lambda: np.asarray(pool(-jnp.abs(jnp.asarray(X)), 3, 2, 1)).ravel()[:6].round(4).tolist())
    g = jax.vjp(lambda x: pool(x, 3, 2, 1), jnp.asarray(X))[1](jnp.asarray(DY))[0]
    report("3 grad dev from torch", lambda: dev(np.asarray(g), np.load("/tmp/fourway_maxpool_grad_torch.npy")))
    g = jax.grad(lambda x: pool(x, 2, 2).sum())(jnp.asarray(TIES))
    print("4 ties grad", np.asarray(g)[0, 0].tolist())
    report("5 nan", lambda: np.asarray(pool(jnp.asarray(NANX), 2, 2))[0, 0].tolist())
    x5 = jnp.asarray(X[..., :5, :5])
    report("10 k3 s1 p2: first row", lambda: np.asarray(pool(x5, 3, 1, 2))[0, 0, 0].round(4).tolist())
    report("10 k3 s1 p3: first value", lambda: np.asarray(pool(x5, 3, 1, 3))[0, 0, 0, 0].tolist())
    ref = np.load("/tmp/fourway_maxpool_ceil_torch.npz")
    bad = []
    for n, k, s, p in GRID:
        key = "%d %d %d %d" % (n, k, s, p)
        got = np.asarray(pool(jnp.asarray(X[..., :n, :n]), k, s, p, ceil_extra(n, k, s, p)))
        if got.shape != ref[key].shape or not np.allclose(got, ref[key]):
            bad.append(key)
    print("6 ceil_mode by -inf padding: %d of %d cases equal torch; differ: %s" % (len(GRID) - len(bad), len(GRID), bad))
    for d in DTYPES:
        report("7 " + d, lambda d=d: pool(jnp.asarray(X).astype(d), 2, 2).dtype)
    neg = -np.arange(1, 26, dtype="int32").reshape(1, 1, 5, 5)
    report("9 int32, -inf init, padding 1", lambda: np.asarray(pool(jnp.asarray(neg), 3, 2, 1)).ravel().tolist())
    report("9 -inf as int32", lambda: int(jnp.array(-jnp.inf).astype("int32")))


if __name__ == "__main__":
    main(globals())
