"""Audit of docs/fourway/pairs/var.yaml (torch.var, megengine.functional.var, paddle.var,
jax.numpy.var).

Claims checked:
 1. Signatures: the estimator's argument and default (torch correction=1, Paddle unbiased=True,
    JAX ddof=0, MegEngine none), the keepdim names.
 2. Default estimator on a (3, 5) input along axis 1: deviation from numpy's ddof=0 and ddof=1.
 3. keepdim/keepdims over a tuple of axes: the result shapes.
 4. One element along the axis (N = 1): the unbiased estimators give nan (a warning?), the biased 0.
 5. Result dtypes per input dtype (float32, float16, bfloat16, int32, bool).
 6. float16 accuracy: 1000 values of mean 100, against float64.
 8. Paddle's integer var stays integer: it truncates the mean and the result ([1, 0, 1, 1, 3]:
    1 under both estimators, 0.96 exactly biased, 1.2 unbiased).
 9. Values around 1e4, 1e5, 1e6 with variance about 1 (4 rows of 1000): the largest deviation
    from float64; shifting by the first element first (the recipe) brings it back.
 7. Gradients of sum(w * var(x, axis=1)) under each default: 2 (x - mean) / (N - ddof) * w.
"""
import inspect

import numpy as np

from _common import dev, main

rng = np.random.default_rng(0)
X = rng.standard_normal((3, 5)).astype("float32")
W = rng.standard_normal(3).astype("float32")
H = (rng.standard_normal(1000) + 100).astype("float16")
EXACT16 = np.var(H.astype("float64"))
B0 = np.var(X.astype("float64"), axis=1)
B1 = np.var(X.astype("float64"), axis=1, ddof=1)
VALS = np.array([[1, 0, 1, 1, 3]])
DTYPES = ["float32", "float16", "bfloat16", "int32", "bool"]


BIG = [(rng.standard_normal((4, 1000)) + m).astype("float32") for m in (1e4, 1e5, 1e6)]


def shifted(name, var, rows):
    for m, x in zip((1e4, 1e5, 1e6), BIG):
        ex = np.var(x.astype("float64"), axis=1)
        print("9 %s mean %g: dev %s, shifted %s" % (name, m, dev(rows(var, x), ex), dev(rows(var, x - x[:, :1]), ex)))


def grad(ddof):
    c = X - X.mean(1, keepdims=True)
    return 2 * c / (X.shape[1] - ddof) * W[:, None]


def report(tag, fn):
    try:
        print(tag, fn())
    except Exception as e:  # noqa: BLE001 - the failure is the finding
        print(tag, "ERROR", type(e).__name__, (str(e).strip().splitlines() or [""])[0][:100])


def estimator(y):
    y = np.asarray(y, dtype="float64")
    return "ddof=0 dev %s, ddof=1 dev %s" % (dev(y, B0), dev(y, B1))


def torch_side():
    import warnings

    import torch

    print("1 signature", torch.var.__doc__.strip().splitlines()[0])
    report("2 default", lambda: estimator(torch.var(torch.tensor(X), 1).numpy()))
    report("3 keepdim", lambda: tuple(torch.var(torch.tensor(X), (0, 1), keepdim=True).shape))
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        report("4 N=1", lambda: torch.var(torch.ones(2, 1), 1).tolist())
        print("4 warnings", [str(x.message)[:60] for x in w])
    for d in DTYPES:
        report("5 " + d, lambda d=d: torch.var(torch.tensor(VALS).to(getattr(torch, d)), 1).dtype)
    report("6 float16 dev", lambda: dev(torch.var(torch.tensor(H)).item(), EXACT16))
    x = torch.tensor(X, requires_grad=True)
    (torch.tensor(W) * torch.var(x, 1)).sum().backward()
    report("7 grad dev from ddof=1", lambda: dev(x.grad.numpy(), grad(1)))
    shifted("torch", None, lambda _, v: torch.var(torch.tensor(v), 1, correction=0).numpy())


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 signature", inspect.signature(F.var))
    report("2 default", lambda: estimator(F.var(megengine.Tensor(X), 1).numpy()))
    report("3 keepdims", lambda: tuple(F.var(megengine.Tensor(X), (0, 1), keepdims=True).shape))
    report("4 N=1", lambda: F.var(megengine.Tensor(np.ones((2, 1), "float32")), 1).numpy().tolist())
    for d in DTYPES:
        def one(d=d):
            if d == "bfloat16":
                raise TypeError("MegEngine has no bfloat16 tensor dtype")
            r = F.var(megengine.Tensor(VALS.astype(d), dtype=d), 1)
            return r.dtype, r.numpy().tolist()
        report("5 " + d, one)
    report("6 float16 dev", lambda: dev(F.var(megengine.Tensor(H, dtype="float16")).numpy(), EXACT16))
    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        gm.backward((megengine.Tensor(W) * F.var(x, 1)).sum())
    report("7 grad dev from ddof=0", lambda: dev(x.grad.numpy(), grad(0)))
    shifted("megengine", None, lambda _, v: F.var(megengine.Tensor(v), 1).numpy())


def paddle_side():
    import paddle

    print("1 signature", inspect.signature(paddle.var))
    report("2 default", lambda: estimator(paddle.var(paddle.to_tensor(X), 1).numpy()))
    report("3 keepdim", lambda: tuple(paddle.var(paddle.to_tensor(X), (0, 1), keepdim=True).shape))
    report("4 N=1", lambda: paddle.var(paddle.ones((2, 1)), 1).tolist())
    report("1 correction=0 vs unbiased=False", lambda: dev(paddle.var(paddle.to_tensor(X), 1, correction=0).numpy(),
                                                            paddle.var(paddle.to_tensor(X), 1, unbiased=False).numpy()))
    for d in DTYPES:
        report("5 " + d, lambda d=d: paddle.var(paddle.to_tensor(VALS).astype(d), 1).dtype)
    v = paddle.to_tensor(VALS).astype("int32")
    report("8 int32 [1, 0, 1, 1, 3]: unbiased, biased, float32 biased",
           lambda: (paddle.var(v, 1).tolist(), paddle.var(v, 1, unbiased=False).tolist(),
                    paddle.var(v.astype("float32"), 1, unbiased=False).tolist()))
    report("6 float16 dev", lambda: dev(paddle.var(paddle.to_tensor(H)).item(), EXACT16))
    x = paddle.to_tensor(X, stop_gradient=False)
    (paddle.to_tensor(W) * paddle.var(x, 1)).sum().backward()
    report("7 grad dev from ddof=1", lambda: dev(x.grad.numpy(), grad(1)))
    shifted("paddle", None, lambda _, v: paddle.var(paddle.to_tensor(v), 1, unbiased=False).numpy())


def jax_side():
    import jax
    import jax.numpy as jnp

    print("1 signature", inspect.signature(jnp.var))
    report("2 default", lambda: estimator(jnp.var(jnp.asarray(X), 1)))
    report("3 keepdims", lambda: jnp.var(jnp.asarray(X), (0, 1), keepdims=True).shape)
    report("4 N=1 ddof=1", lambda: jnp.var(jnp.ones((2, 1)), 1, ddof=1).tolist())
    report("4 N=1 default", lambda: jnp.var(jnp.ones((2, 1)), 1).tolist())
    for d in DTYPES:
        report("5 " + d, lambda d=d: jnp.var(jnp.asarray(VALS).astype(d), 1).dtype)
    report("6 float16 dev", lambda: dev(float(jnp.var(jnp.asarray(H))), EXACT16))
    g = jax.grad(lambda x: (jnp.asarray(W) * jnp.var(x, 1)).sum())(jnp.asarray(X))
    report("7 grad dev from ddof=0", lambda: dev(np.asarray(g), grad(0)))
    shifted("jax", None, lambda _, v: np.asarray(jnp.var(jnp.asarray(v), 1)))


if __name__ == "__main__":
    main(globals())
