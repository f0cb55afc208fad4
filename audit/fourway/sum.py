"""Evidence for docs/fourway/pairs/sum.yaml (torch, MegEngine, Paddle, JAX).

Run: .venv/bin/python audit/fourway/sum.py > audit/fourway/sum.out
(torch, Paddle and JAX run in .venv, MegEngine in .venv-megengine.)

Claims of the page, each printed as [n] below:
 1. Float sums over one axis, several axes (keepdim/keepdims) and all elements agree,
    and so do the gradients.
 2. Result dtypes of integer and bool sums: PyTorch int64 for all; JAX (x64 off) int32
    for signed and bool, uint32 for unsigned, the input's with promote_integers=False;
    MegEngine keeps int8, uint8, int16, int32 and sums bool to int32; Paddle keeps int8,
    uint8, int16 and sums int32 and bool to int64.
 3. 30 int8 values in [0, 10) wrap in MegEngine and Paddle; astype("int32") and
    Paddle's dtype="int64" fix it.
 4. int32 sums past 2**31 - 1 wrap in MegEngine and JAX, not in PyTorch and Paddle;
    a float32 sum (exact here) is the recipe.
 5. axis=() reduces every axis in PyTorch and Paddle, none in MegEngine and JAX.
 6. float16: MegEngine's sum loses more precision; PyTorch, Paddle and JAX stay close
    to the exact sum rounded once to float16.
 7. PyTorch, Paddle and JAX take dtype; MegEngine has none. JAX has initial and where.
 8. With no axis, keepdims=True keeps every axis with size 1 in PyTorch, Paddle and JAX;
    MegEngine refuses it ("can not set axis=None and keepdims=True"); listing all the
    axes works.
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
        return str(getattr(r, "dtype", r)).replace("torch.", "").replace("paddle.", "")
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:80]
rng = np.random.default_rng(0)
x = rng.standard_normal((2, 3, 4)).astype(np.float32)
t = T(x, requires_grad=True); rt = [torch.sum(t, dim=1), torch.sum(t, dim=(0, 2), keepdim=True), torch.sum(t)]; rt[2].backward()
p = P(x, stop_gradient=False); rp = [paddle.sum(p, axis=1), paddle.sum(p, axis=(0, 2), keepdim=True), paddle.sum(p)]; rp[2].backward()
rj = [jnp.sum(J(x), axis=1), jnp.sum(J(x), axis=(0, 2), keepdims=True), jnp.sum(J(x))]
gj = jax.grad(lambda a: jnp.sum(a))(J(x))
print("[1] shapes", [tuple(r.shape) for r in rt], "torch-paddle", max(abs(a.detach().numpy() - b.numpy()).max() for a, b in zip(rt, rp)),
      "torch-jax", max(abs(a.detach().numpy() - np.asarray(b)).max() for a, b in zip(rt, rj)),
      "grads all ones:", bool((t.grad.numpy() == 1).all() and (p.grad.numpy() == 1).all() and (np.asarray(gj) == 1).all()))
s = rng.integers(0, 10, (2, 30))
np.save("/tmp/_sum_s.npy", s)
for dt in ["int8", "uint8", "int16", "int32", "bool"]:
    print("[2]", dt, "torch", err(lambda: torch.sum(T(s.astype(dt)), 1)), "| paddle", err(lambda: paddle.sum(P(s.astype(dt)), 1)),
          "| jax", err(lambda: jnp.sum(J(s.astype(dt)), 1)), "| jax promote_integers=False", err(lambda: jnp.sum(J(s.astype(dt)), 1, promote_integers=False)))
exact = s.sum(1)
s8 = s.astype(np.int8)
print("[3] int8 exact", exact.tolist(), "| torch", torch.sum(T(s8), 1).tolist(), "| paddle", paddle.sum(P(s8), 1).tolist(), "| jax", np.asarray(jnp.sum(J(s8), 1)).tolist(),
      "| paddle dtype=int64", paddle.sum(P(s8), 1, dtype="int64").tolist())
n = np.array([2 ** 30] * 3, np.int32)
print("[4] 3 * 2**30 =", 3 * 2 ** 30, "| torch", int(torch.sum(T(n))), "| paddle", int(paddle.sum(P(n))), "| jax", int(jnp.sum(J(n))), "| jax float32", float(jnp.sum(J(n), dtype=jnp.float32)))
x23 = rng.standard_normal((2, 3)).astype(np.float32)
print("[5] axis=() shapes: torch", tuple(torch.sum(T(x23), dim=()).shape), "| paddle", tuple(paddle.sum(P(x23), axis=()).shape), "| jax", tuple(jnp.sum(J(x23), axis=()).shape))
errs = {"torch": 0.0, "paddle": 0.0, "jax": 0.0, "rounded once": 0.0}
h16 = []
for seed in range(20):
    h = np.random.default_rng(seed).standard_normal((2, 30)).astype(np.float16)
    h16.append(h)
    ex = h.astype(np.float64).sum(1)
    for name, r in [("torch", torch.sum(T(h), 1).float().numpy()), ("paddle", paddle.sum(P(h), 1).astype("float32").numpy()),
                    ("jax", np.asarray(jnp.sum(J(h), 1), np.float32)), ("rounded once", ex.astype(np.float16))]:
        errs[name] = max(errs[name], float(abs(r.astype(np.float64) - ex).max()))
np.save("/tmp/_sum_h16.npy", np.stack(h16))
print("[6] float16, 20 seeds of 2x30: largest |sum - exact|:", {k: round(v, 4) for k, v in errs.items()})
print("[8] no axis, keepdims: torch", tuple(torch.sum(T(x23), dim=None, keepdim=True).shape), "| paddle", tuple(paddle.sum(P(x23), keepdim=True).shape), "| jax", tuple(jnp.sum(J(x23), keepdims=True).shape))
print("[7] torch:", torch.sum.__doc__.strip().splitlines()[0], "| paddle", list(inspect.signature(paddle.sum).parameters), "| jax", list(inspect.signature(jnp.sum).parameters))
'''

MEGENGINE = r'''
import inspect
import numpy as np, megengine, megengine.functional as F
megengine.config.async_level = 0
M = megengine.Tensor
rng = np.random.default_rng(0)
x = rng.standard_normal((2, 3, 4)).astype(np.float32)
gm = megengine.autodiff.GradManager(); t = M(x); gm.attach([t])
with gm:
    r = [F.sum(t, axis=1), F.sum(t, axis=(0, 2), keepdims=True), F.sum(t)]
    gm.backward(r[2])
print("[1] megengine shapes", [tuple(a.shape) for a in r], "grad all ones:", bool((t.grad.numpy() == 1).all()))
s = np.load("/tmp/_sum_s.npy")
for dt in ["int8", "uint8", "int16", "int32", "bool"]:
    print("[2]", dt, "megengine", F.sum(M(s.astype(dt)), 1).dtype)
print("[3] int8 megengine", F.sum(M(s.astype(np.int8)), 1).numpy().tolist(), "| astype int32", F.sum(M(s.astype(np.int8)).astype("int32"), 1).numpy().tolist())
n = np.array([2 ** 30] * 3, np.int32)
print("[4] megengine", int(F.sum(M(n)).numpy()), "| float32", float(F.sum(M(n).astype("float32")).numpy()))
print("[5] axis=() megengine shape", tuple(F.sum(M(x[0, :2, :3]), axis=()).shape))
h16 = np.load("/tmp/_sum_h16.npy")
e = max(float(abs(F.sum(M(h), 1).numpy().astype(np.float64) - h.astype(np.float64).sum(1)).max()) for h in h16)
e32 = max(float(abs(F.sum(M(h).astype("float32"), 1).astype("float16").numpy().astype(np.float64) - h.astype(np.float64).sum(1)).max()) for h in h16)
print("[6] float16, 20 seeds: largest |sum - exact| megengine %.4f, summed in float32 and cast back %.4f" % (e, e32))
def err(f):
    try:
        return str(tuple(f().shape))
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:80]
print("[8] no axis, keepdims: megengine", err(lambda: F.sum(M(x[0, :2, :3]), keepdims=True)), "| all axes listed", err(lambda: F.sum(M(x[0, :2, :3]), axis=(0, 1), keepdims=True)))
print("[7] megengine params", list(inspect.signature(F.sum).parameters))
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
