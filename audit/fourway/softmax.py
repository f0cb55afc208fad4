"""Evidence for docs/fourway/pairs/softmax.yaml (torch, MegEngine, Paddle, JAX).

Run: .venv/bin/python audit/fourway/softmax.py > audit/fourway/softmax.out
(torch, Paddle and JAX run in .venv, MegEngine in .venv-megengine.)

Claims of the page, each printed as [n] below:
 1. With an explicit axis the four agree, and so do their gradients.
 2. Without an axis, PyTorch (with a deprecation warning) and MegEngine choose axis 0 for
    0-, 1- and 3-D inputs and axis 1 otherwise; Paddle and JAX use -1.
 3. On a 3-D input the frameworks split two and two; on a 2-D input the rules meet.
 4. Paddle 3.3 has no float16 or bfloat16 softmax on the CPU; float32 and cast back works.
 5. MegEngine 1.13 cannot make a bfloat16 tensor and has no float64.
 6. JAX computes in float32 unless jax_enable_x64: float64 in, float32 out.
 7. Integer inputs fail in PyTorch, MegEngine and Paddle; JAX returns float32.
 8. PyTorch's and Paddle's dtype cast the input first; MegEngine and JAX have no dtype.
    Casting to float64 yourself fails in MegEngine (astype) and gives float32 in JAX.
 9. JAX's axis takes a tuple (the others one integer); JAX's where masks elements out.
"""
import os
import subprocess
import sys
_REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))  # the repository: its .venv and .venv-megengine

VENV = os.environ.get("APIDIFF_VENV", os.path.join(_REPO, ".venv", "bin", "python"))
MGE = os.environ.get("APIDIFF_PYTHON_MEGENGINE", os.path.join(_REPO, ".venv-megengine", "bin", "python"))

MAIN = r'''
import inspect, warnings
import numpy as np, torch, paddle, jax, jax.numpy as jnp
T, P, J = torch.tensor, paddle.to_tensor, jnp.asarray
def err(f):
    try:
        r = f()
        return str(getattr(r, "dtype", r))
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:90]
rng = np.random.default_rng(0)
x = rng.standard_normal((2, 3, 4)).astype(np.float32)
dy = rng.standard_normal((2, 3, 4)).astype(np.float32)
t = T(x, requires_grad=True); yt = torch.nn.functional.softmax(t, dim=-1); yt.backward(T(dy))
p = P(x, stop_gradient=False); yp = paddle.nn.functional.softmax(p, axis=-1); yp.backward(P(dy))
yj, vjp = jax.vjp(lambda a: jax.nn.softmax(a, axis=-1), J(x)); (gj,) = vjp(J(dy))
np.save("/tmp/_softmax_x.npy", x); np.save("/tmp/_softmax_dy.npy", dy)
np.save("/tmp/_softmax_ref.npy", np.stack([yt.detach().numpy(), t.grad.numpy()]))
print("[1] torch-paddle y", abs(yt.detach().numpy() - yp.numpy()).max(), "torch-jax y", abs(yt.detach().numpy() - np.asarray(yj)).max())
print("[1] torch-paddle grad", abs(t.grad.numpy() - p.grad.numpy()).max(), "torch-jax grad", abs(t.grad.numpy() - np.asarray(gj)).max())
print("[2] defaults:", inspect.signature(torch.nn.functional.softmax).parameters["dim"].default,
      inspect.signature(paddle.nn.functional.softmax).parameters["axis"].default,
      inspect.signature(jax.nn.softmax).parameters["axis"].default)
for shape in [(5,), (3, 5), (2, 3, 4), (2, 3, 4, 5)]:
    a = rng.standard_normal(shape).astype(np.float32)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        r = torch.nn.functional.softmax(T(a)).numpy()
    ax = [i for i in range(a.ndim) if np.allclose(r.sum(i), 1)]
    rp = paddle.nn.functional.softmax(P(a)).numpy(); rj = np.asarray(jax.nn.softmax(J(a)))
    print(f"[2] {a.ndim}-D: torch sums to 1 along {ax}, warning: {bool(w)}; paddle along -1: {np.allclose(rp.sum(-1), 1)}; jax along -1: {np.allclose(rj.sum(-1), 1)}")
for dt in ["float16", "bfloat16"]:
    print("[4]", dt, "torch", err(lambda: torch.nn.functional.softmax(T(x).to(getattr(torch, dt)), -1)),
          "| paddle", err(lambda: paddle.nn.functional.softmax(P(x).astype(dt), -1)),
          "| jax", err(lambda: jax.nn.softmax(J(x).astype(dt), -1)))
h = x.astype(np.float16)
rp = paddle.nn.functional.softmax(P(h).astype("float32"), -1).astype("float16").numpy()
print("[4] paddle float32-and-back vs torch float16:", abs(rp.astype(np.float32) - torch.nn.functional.softmax(T(h), -1).float().numpy()).max())
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print("[6] float64 in: torch", err(lambda: torch.nn.functional.softmax(T(x.astype(np.float64)), -1)),
          "| paddle", err(lambda: paddle.nn.functional.softmax(P(x.astype(np.float64)), -1)),
          "| jax", err(lambda: jax.nn.softmax(J(x.astype(np.float64)), -1)))
xi = rng.integers(0, 10, (3, 5)).astype(np.int32)
print("[7] int32: torch", err(lambda: torch.nn.functional.softmax(T(xi), -1)), "| paddle", err(lambda: paddle.nn.functional.softmax(P(xi), -1)), "| jax", err(lambda: jax.nn.softmax(J(xi), -1)))
print("[8] dtype=float64: torch", err(lambda: torch.nn.functional.softmax(T(x), -1, dtype=torch.float64)), "| paddle", err(lambda: paddle.nn.functional.softmax(P(x), -1, dtype="float64")))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    print("[8] jax cast to float64 first:", err(lambda: jax.nn.softmax(J(x).astype("float64"), -1)))
print("[8] params: jax", list(inspect.signature(jax.nn.softmax).parameters))
print("[9] tuple axis: jax sums over (1, 2):", np.asarray(jax.nn.softmax(J(x), axis=(1, 2))).sum((1, 2)).round(5),
      "| torch", err(lambda: torch.nn.functional.softmax(T(x), dim=(1, 2))), "| paddle", err(lambda: paddle.nn.functional.softmax(P(x), axis=(1, 2))))
m = np.array([[True, True, False]])
print("[9] where: jax", np.asarray(jax.nn.softmax(J(np.zeros((1, 3), np.float32)), where=J(m))).round(3).tolist())
'''

MEGENGINE = r'''
import inspect
import numpy as np, megengine, megengine.functional as F
megengine.config.async_level = 0
M = megengine.Tensor
def err(f):
    try:
        r = f()
        return str(r.dtype) if hasattr(r, "numpy") and r.numpy() is not None else str(r)
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:90]
x = np.load("/tmp/_softmax_x.npy"); dy = np.load("/tmp/_softmax_dy.npy"); ref = np.load("/tmp/_softmax_ref.npy")
gm = megengine.autodiff.GradManager(); t = M(x); gm.attach([t])
with gm:
    y = F.softmax(t, axis=-1); gm.backward(y, M(dy))
print("[1] megengine-torch y", abs(y.numpy() - ref[0]).max(), "grad", abs(t.grad.numpy() - ref[1]).max())
print("[2] megengine default:", inspect.signature(F.softmax).parameters["axis"].default)
rng = np.random.default_rng(1)
for shape in [(5,), (3, 5), (2, 3, 4), (2, 3, 4, 5)]:
    a = rng.standard_normal(shape).astype(np.float32)
    r = F.softmax(M(a)).numpy()
    print(f"[2] {a.ndim}-D: megengine sums to 1 along", [i for i in range(a.ndim) if np.allclose(r.sum(i), 1)])
print("[4] float16 megengine", err(lambda: F.softmax(M(x.astype(np.float16)), -1)))
print("[5] float64 megengine", err(lambda: M(x.astype(np.float64))))
try:
    import ml_dtypes  # noqa: F401
except ImportError:
    pass
print("[5] bfloat16 megengine", err(lambda: M(x.astype(np.float32), dtype="bfloat16")))
print("[7] int32 megengine", err(lambda: F.softmax(M(x.astype(np.int32)), -1)))
print("[8] megengine astype float64", err(lambda: F.softmax(M(x).astype("float64"), -1)))
print("[8] megengine params", list(inspect.signature(F.softmax).parameters))
print("[9] tuple axis megengine", err(lambda: F.softmax(M(x), axis=(1, 2))))
'''


def run(python, code):
    env = dict(os.environ, JAX_PLATFORMS="cpu", PYTHONWARNINGS="ignore")
    out = subprocess.run([python, "-c", code], capture_output=True, text=True, env=env, check=False)
    lines = [line for line in out.stdout.splitlines() if line.startswith("[")]
    if out.returncode:
        lines.append("exit %d: %s" % (out.returncode, out.stderr.strip().splitlines()[-1]))
    return lines


if __name__ == "__main__":
    print("\n".join(run(VENV, MAIN) + run(MGE, MEGENGINE)))
    sys.exit(0)
