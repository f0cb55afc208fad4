"""Evidence for docs/fourway/pairs/matmul.yaml (torch, MegEngine, Paddle, JAX).

Run: .venv/bin/python audit/fourway/matmul.py > audit/fourway/matmul.out
(torch, Paddle and JAX run in .venv, MegEngine in .venv-megengine.)

Claims of the page, each printed as [n] below:
 1. Batched products, broadcasting of an operand with fewer dimensions and 1-D operands
    (two vectors give a 0-D result) agree; so do the gradients, the broadcast
    operand's summed over the batch.
 2. A size-1 batch axis broadcasts in PyTorch, Paddle and JAX; MegEngine 1.13 fails;
    megengine.functional.broadcast_to first fixes it.
 3. int32 times float32: float32 in MegEngine and JAX; PyTorch and Paddle refuse.
 4. int8: PyTorch and JAX keep int8 and wrap; MegEngine returns the exact int32 product;
    Paddle has no int8, uint8, bool, float16 or bfloat16 kernel on the CPU. Casting to
    int32, or JAX's preferred_element_type=jnp.int32, gives the exact product.
 5. int32 operands fail in MegEngine 1.13. JAX without x64 turns int64 into int32 and
    multiplies bool matrices into a bool result; the others refuse bool.
 6. On the CPU JAX's default float32 product is as accurate as the others' (and as its
    precision="highest"): 256-term sums agree to a few 1e-6 relative.
 7. MegEngine's transpose_a/transpose_b are Paddle's transpose_x/transpose_y.
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
        return str(getattr(r, "dtype", r)) + " " + str(tuple(r.shape))
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:80]
rng = np.random.default_rng(0)
a = rng.standard_normal((2, 3, 4)).astype(np.float32); b = rng.standard_normal((4, 5)).astype(np.float32)
dy = rng.standard_normal((2, 3, 5)).astype(np.float32)
ta, tb = T(a, requires_grad=True), T(b, requires_grad=True); yt = torch.matmul(ta, tb); yt.backward(T(dy))
pa, pb = P(a, stop_gradient=False), P(b, stop_gradient=False); yp = paddle.matmul(pa, pb); yp.backward(P(dy))
yj, vjp = jax.vjp(jnp.matmul, J(a), J(b)); gja, gjb = vjp(J(dy))
print("[1] y torch-paddle", abs(yt.detach().numpy() - yp.numpy()).max(), "torch-jax", abs(yt.detach().numpy() - np.asarray(yj)).max())
print("[1] b.grad shape", tuple(tb.grad.shape), "torch-paddle", abs(tb.grad.numpy() - pb.grad.numpy()).max(), "torch-jax", abs(tb.grad.numpy() - np.asarray(gjb)).max(),
      "| a.grad torch-jax", abs(ta.grad.numpy() - np.asarray(gja)).max())
np.savez("/tmp/_matmul.npz", a=a, b=b, dy=dy, y=yt.detach().numpy(), ga=ta.grad.numpy(), gb=tb.grad.numpy())
v = np.arange(4, dtype=np.float32)
print("[1] vector@vector shapes: torch", err(lambda: torch.matmul(T(v), T(v))), "| paddle", err(lambda: paddle.matmul(P(v), P(v))), "| jax", err(lambda: jnp.matmul(J(v), J(v))))
print("[2] (2,3,4)@(1,4,5): torch", err(lambda: torch.matmul(torch.ones(2, 3, 4), torch.ones(1, 4, 5))),
      "| paddle", err(lambda: paddle.matmul(paddle.ones([2, 3, 4]), paddle.ones([1, 4, 5]))),
      "| jax", err(lambda: jnp.matmul(jnp.ones((2, 3, 4)), jnp.ones((1, 4, 5)))))
ai = rng.integers(0, 10, (3, 4)).astype(np.int32)
print("[3] int32@float32: torch", err(lambda: torch.matmul(T(ai), T(b[:, :2]))), "| paddle", err(lambda: paddle.matmul(P(ai), P(b[:, :2]))), "| jax", err(lambda: jnp.matmul(J(ai), J(b[:, :2]))))
a8 = rng.integers(0, 100, (3, 4)).astype(np.int8); b8 = rng.integers(0, 100, (4, 2)).astype(np.int8)
exact = a8.astype(np.int64) @ b8.astype(np.int64)
np.savez("/tmp/_matmul8.npz", a8=a8, b8=b8, exact=exact)
rt = torch.matmul(T(a8), T(b8)).numpy(); rj = np.asarray(jnp.matmul(J(a8), J(b8)))
print("[4] int8: torch", rt.dtype, "wraps:", bool((rt.astype(np.int64) != exact).any()), "== exact mod 256:", bool(((rt.astype(np.int64) - exact) % 256 == 0).all()),
      "| jax", rj.dtype, "== torch:", bool((rt == rj).all()))
print("[4] int8 recipes exact: torch int32", bool((torch.matmul(T(a8).int(), T(b8).int()).numpy() == exact).all()),
      "| paddle int32", bool((paddle.matmul(P(a8).astype("int32"), P(b8).astype("int32")).numpy() == exact).all()),
      "| jax preferred_element_type", bool((np.asarray(jnp.matmul(J(a8), J(b8), preferred_element_type=jnp.int32)) == exact).all()))
for dt in ["int8", "uint8", "bool", "float16", "bfloat16", "int32", "int64"]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        print("[4][5]", dt, "torch", err(lambda: torch.matmul(T(a8).to(getattr(torch, dt)), T(b8).to(getattr(torch, dt)))),
              "| paddle", err(lambda: paddle.matmul(P(a8).astype(dt), P(b8).astype(dt))),
              "| jax", err(lambda: jnp.matmul(J(a8).astype(dt), J(b8).astype(dt))))
A = rng.standard_normal((16, 256)).astype(np.float32); B = rng.standard_normal((256, 16)).astype(np.float32)
ex = A.astype(np.float64) @ B.astype(np.float64)
np.savez("/tmp/_matmul_prec.npz", A=A, B=B, ex=ex)
rel = lambda r: float((abs(np.asarray(r, np.float64) - ex) / abs(ex).max()).max())
print("[6] error/max|y| vs float64: torch %.1e paddle %.1e jax default %.1e jax highest %.1e numpy %.1e" % (
    rel(torch.matmul(T(A), T(B)).numpy()), rel(paddle.matmul(P(A), P(B)).numpy()), rel(jnp.matmul(J(A), J(B))),
    rel(jnp.matmul(J(A), J(B), precision="highest")), rel(A @ B)))
print("[6] jax default == highest:", bool((np.asarray(jnp.matmul(J(A), J(B))) == np.asarray(jnp.matmul(J(A), J(B), precision="highest"))).all()), "backend", jax.default_backend())
print("[7] paddle params", list(inspect.signature(paddle.matmul).parameters), "| jax params", list(inspect.signature(jnp.matmul).parameters))
'''

MEGENGINE = r'''
import inspect
import numpy as np, megengine, megengine.functional as F
megengine.config.async_level = 0
M = megengine.Tensor
def err(f):
    try:
        r = f()
        r.numpy()
        return str(r.dtype) + " " + str(tuple(r.shape))
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:80]
d = np.load("/tmp/_matmul.npz")
gm = megengine.autodiff.GradManager(); a, b = M(d["a"]), M(d["b"]); gm.attach([a, b])
with gm:
    y = F.matmul(a, b); gm.backward(y, M(d["dy"]))
print("[1] megengine-torch y", abs(y.numpy() - d["y"]).max(), "a.grad", abs(a.grad.numpy() - d["ga"]).max(), "b.grad", abs(b.grad.numpy() - d["gb"]).max())
v = np.arange(4, dtype=np.float32)
print("[1] vector@vector megengine", err(lambda: F.matmul(M(v), M(v))))
print("[2] (2,3,4)@(1,4,5) megengine", err(lambda: F.matmul(F.ones((2, 3, 4)), F.ones((1, 4, 5)))),
      "| broadcast_to first", err(lambda: F.matmul(F.ones((2, 3, 4)), F.broadcast_to(F.ones((1, 4, 5)), (2, 4, 5)))))
print("[3] int32@float32 megengine", err(lambda: F.matmul(M(np.ones((3, 4), np.int32)), M(d["b"][:, :2]))))
e = np.load("/tmp/_matmul8.npz")
r = F.matmul(M(e["a8"]), M(e["b8"]))
print("[4] int8 megengine", r.dtype, "exact:", bool((r.numpy() == e["exact"]).all()))
for dt in ["uint8", "bool", "float16", "int32"]:
    print("[4][5]", dt, "megengine", err(lambda: F.matmul(M(e["a8"].astype(dt)), M(e["b8"].astype(dt)))))
pr = np.load("/tmp/_matmul_prec.npz")
print("[6] megengine error/max|y| vs float64: %.1e" % float((abs(F.matmul(M(pr["A"]), M(pr["B"])).numpy().astype(np.float64) - pr["ex"]) / abs(pr["ex"]).max()).max()))
print("[7] megengine params", list(inspect.signature(F.matmul).parameters))
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
