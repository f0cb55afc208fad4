"""Audit of docs/fourway/pairs/cumsum.yaml (torch.cumsum, megengine.functional.cumsum,
paddle.cumsum, jax.numpy.cumsum).

Claims checked:
 1. uint8 [200, 100, 50]: torch and Paddle return int64 [200, 300, 350]; MegEngine and JAX keep
    uint8 and wrap around ([200, 44, 94]).
 2. Result dtypes per input dtype (float32, float16, bfloat16, int8, uint8, int16, int32, int64,
    bool): which framework promotes, which keeps, which fails.
 3. float32 over 1e5 standard-normal values: the largest deviation from the float64 sums
    (PyTorch's equals that of Paddle's float64 sums rounded to float32, claim 8).
 4. float16 over 1000 values: the same against float64.
 5. The gradient of sum(w * cumsum(x)) is the reversed cumulative sum of w in all four.
 6. Without an axis: torch refuses, Paddle and JAX flatten, MegEngine?
 7. A dtype argument (torch, Paddle, JAX) sums in that dtype; MegEngine has none.
 8. The recipe of claim 3: MegEngine summing 100 blocks of 1000 and adding the blocks' running
    totals gets within a few 1e-4 of the float64 sums; Paddle with dtype="float64" is exact in float32.
"""
import numpy as np

from _common import dev, main

rng = np.random.default_rng(0)
BIG = rng.standard_normal(100_000).astype("float32")
HALF = rng.standard_normal(1000).astype("float16")
X = rng.standard_normal((3, 4)).astype("float32")
W = rng.standard_normal((3, 4)).astype("float32")
U8 = np.array([200, 100, 50], dtype="uint8")
EXACT = np.cumsum(BIG.astype("float64"))
EXACT16 = np.cumsum(HALF.astype("float64"))
GRAD = np.flip(np.cumsum(np.flip(W, 1), 1), 1)
DTYPES = ["float32", "float16", "bfloat16", "int8", "uint8", "int16", "int32", "int64", "bool"]
VALS = np.array([1, 0, 1, 1])


def report(tag, fn):
    try:
        print(tag, fn())
    except Exception as e:  # noqa: BLE001 - the failure is the finding
        print(tag, "ERROR", type(e).__name__, str(e).strip().splitlines()[0][:100] if str(e).strip() else "")


def torch_side():
    import torch

    report("1 uint8", lambda: (torch.cumsum(torch.tensor(U8), 0).tolist(), torch.cumsum(torch.tensor(U8), 0).dtype))
    for d in DTYPES:
        report("2 " + d, lambda: torch.cumsum(torch.tensor(VALS).to(getattr(torch, d)), 0).dtype)
    report("3 float32 1e5 max abs dev", lambda: dev(torch.cumsum(torch.tensor(BIG), 0).numpy(), EXACT))
    report("4 float16 1000 max abs dev", lambda: dev(torch.cumsum(torch.tensor(HALF), 0).numpy(), EXACT16))
    x = torch.tensor(X, requires_grad=True)
    (torch.tensor(W) * torch.cumsum(x, 1)).sum().backward()
    report("5 grad dev", lambda: dev(x.grad.numpy(), GRAD))
    report("6 no axis", lambda: torch.cumsum(torch.tensor(X)).shape)
    report("7 dtype=float64", lambda: torch.cumsum(torch.tensor(U8), 0, dtype=torch.int32).tolist())


def megengine_side():
    import inspect

    import megengine
    import megengine.functional as F

    print("6 signature", inspect.signature(F.cumsum))
    report("1 uint8", lambda: (F.cumsum(megengine.Tensor(U8, dtype="uint8"), 0).numpy().tolist(), F.cumsum(megengine.Tensor(U8, dtype="uint8"), 0).dtype))
    for d in DTYPES:
        def one(d=d):
            if d == "bfloat16":
                raise TypeError("MegEngine has no bfloat16 tensor dtype")
            t = megengine.Tensor(VALS.astype(d), dtype=d)
            r = F.cumsum(t, 0)
            r.numpy()
            return r.dtype
        report("2 " + d, one)
    report("3 float32 1e5 max abs dev", lambda: dev(F.cumsum(megengine.Tensor(BIG), 0).numpy(), EXACT))
    report("4 float16 1000 max abs dev", lambda: dev(F.cumsum(megengine.Tensor(HALF, dtype="float16"), 0).numpy(), EXACT16))
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    gm = GradManager().attach([x])
    with gm:
        loss = (megengine.Tensor(W) * F.cumsum(x, 1)).sum()
        gm.backward(loss)
    report("5 grad dev", lambda: dev(x.grad.numpy(), GRAD))
    report("6 no axis", lambda: F.cumsum(megengine.Tensor(X)).shape)

    def blocks(n, x, exact):
        b = F.cumsum(megengine.Tensor(x).reshape(n, -1), axis=1)
        ends = b[:, -1]
        return dev((b + (F.cumsum(ends, axis=0) - ends).reshape(n, 1)).reshape(-1).numpy(), exact)
    for n in (100, 500):
        report("8 %d blocks max abs dev" % n, lambda: blocks(n, BIG, EXACT))
    for seed in (1, 2):  # other inputs: the same order of magnitude
        x = np.random.default_rng(seed).standard_normal(100_000).astype("float32")
        exact = np.cumsum(x.astype("float64"))
        report("8 seed %d: plain, 500 blocks" % seed,
               lambda: (dev(F.cumsum(megengine.Tensor(x), 0).numpy(), exact), blocks(500, x, exact)))


def paddle_side():
    import paddle

    report("1 uint8", lambda: (paddle.cumsum(paddle.to_tensor(U8), 0).tolist(), paddle.cumsum(paddle.to_tensor(U8), 0).dtype))
    for d in DTYPES:
        report("2 " + d, lambda d=d: paddle.cumsum(paddle.to_tensor(VALS).astype(d), 0).dtype)
    report("3 float32 1e5 max abs dev", lambda: dev(paddle.cumsum(paddle.to_tensor(BIG), 0).numpy(), EXACT))
    report("4 float16 1000 max abs dev", lambda: dev(paddle.cumsum(paddle.to_tensor(HALF), 0).numpy(), EXACT16))
    x = paddle.to_tensor(X, stop_gradient=False)
    (paddle.to_tensor(W) * paddle.cumsum(x, 1)).sum().backward()
    report("5 grad dev", lambda: dev(x.grad.numpy(), GRAD))
    report("6 no axis", lambda: paddle.cumsum(paddle.to_tensor(X)).shape)
    report("7 dtype=int32", lambda: paddle.cumsum(paddle.to_tensor(U8), 0, dtype="int32").tolist())
    report("8 float64 max abs dev", lambda: dev(paddle.cumsum(paddle.to_tensor(BIG), 0, dtype="float64").astype("float32").numpy(), EXACT))


def jax_side():
    import jax
    import jax.numpy as jnp

    report("1 uint8", lambda: (jnp.cumsum(jnp.asarray(U8), 0).tolist(), jnp.cumsum(jnp.asarray(U8), 0).dtype))
    for d in DTYPES:
        report("2 " + d, lambda d=d: jnp.cumsum(jnp.asarray(VALS).astype(d), 0).dtype)
    report("3 float32 1e5 max abs dev", lambda: dev(np.asarray(jnp.cumsum(jnp.asarray(BIG), 0)), EXACT))
    report("4 float16 1000 max abs dev", lambda: dev(np.asarray(jnp.cumsum(jnp.asarray(HALF), 0)), EXACT16))
    g = jax.grad(lambda x: (jnp.asarray(W) * jnp.cumsum(x, 1)).sum())(jnp.asarray(X))
    report("5 grad dev", lambda: dev(np.asarray(g), GRAD))
    report("6 no axis", lambda: jnp.cumsum(jnp.asarray(X)).shape)
    report("7 dtype=int32", lambda: jnp.cumsum(jnp.asarray(U8), 0, dtype="int32").tolist())


if __name__ == "__main__":
    main(globals())
