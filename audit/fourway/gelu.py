"""Evidence for docs/fourway/pairs/gelu.yaml (torch, MegEngine, Paddle, JAX).

Run: .venv/bin/python audit/fourway/gelu.py > audit/fourway/gelu.out
(torch, Paddle and JAX run in .venv, MegEngine in .venv-megengine.)

Claims of the page, each printed as [n] below:
 1. jax.nn.gelu(x) is the tanh approximation (approximate=True by default), a few 1e-4
    from the exact GELU that PyTorch, MegEngine and Paddle compute by default.
 2. With approximate=False in JAX the four agree, and so do their gradients.
 3. PyTorch takes "none"/"tanh" and refuses a boolean; JAX tests only the truth of its
    flag, so approximate="none" is the tanh approximation in JAX.
 4. Paddle takes a boolean (default False) and, in 3.3, the strings "none" and "tanh"
    with PyTorch's meaning.
 5. MegEngine has no flag; the tanh formula written out matches PyTorch's "tanh", and
    its gradient too.
 6. Paddle 3.3 has no float16/bfloat16 GELU on the CPU; MegEngine 1.13 no bfloat16
    and no float64; JAX float64 -> float32 without jax_enable_x64.
 7. Integer inputs fail in PyTorch, MegEngine and Paddle; JAX promotes them to float32.
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
x = rng.standard_normal((4, 6)).astype(np.float32)
dy = rng.standard_normal((4, 6)).astype(np.float32)
exact = torch.nn.functional.gelu(T(x)).numpy()
tanh = torch.nn.functional.gelu(T(x), approximate="tanh").numpy()
print("[1] jax default - torch exact:", abs(np.asarray(jax.nn.gelu(J(x))) - exact).max(), "| jax default - torch tanh:", abs(np.asarray(jax.nn.gelu(J(x))) - tanh).max())
print("[1] defaults: torch", torch.nn.functional.gelu.__doc__.strip().splitlines()[0],
      "paddle", inspect.signature(paddle.nn.functional.gelu).parameters["approximate"].default,
      "jax", inspect.signature(jax.nn.gelu).parameters["approximate"].default)
print("[1] paddle default - torch exact:", abs(paddle.nn.functional.gelu(P(x)).numpy() - exact).max())
t = T(x, requires_grad=True); torch.nn.functional.gelu(t).backward(T(dy))
p = P(x, stop_gradient=False); paddle.nn.functional.gelu(p).backward(P(dy))
yj, vjp = jax.vjp(lambda a: jax.nn.gelu(a, approximate=False), J(x)); (gj,) = vjp(J(dy))
print("[2] jax approximate=False - torch:", abs(np.asarray(yj) - exact).max(), "grad torch-paddle", abs(t.grad.numpy() - p.grad.numpy()).max(), "torch-jax", abs(t.grad.numpy() - np.asarray(gj)).max())
np.save("/tmp/_gelu_x.npy", x); np.save("/tmp/_gelu_dy.npy", dy)
t2 = T(x, requires_grad=True); yt2 = torch.nn.functional.gelu(t2, approximate="tanh"); yt2.backward(T(dy))
np.save("/tmp/_gelu_ref.npy", np.stack([exact, t.grad.numpy(), tanh, t2.grad.numpy()]))
for flag in ["none", "tanh", True, False]:
    def show(f, ref_e=exact, ref_t=tanh):
        try:
            r = np.asarray(f())
        except Exception as e:
            return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:60]
        return "exact" if abs(r - ref_e).max() < 1e-5 else ("tanh" if abs(r - ref_t).max() < 1e-5 else "other")
    print(f"[3][4] approximate={flag!r}: torch", show(lambda: torch.nn.functional.gelu(T(x), approximate=flag).numpy()),
          "| paddle", show(lambda: paddle.nn.functional.gelu(P(x), approximate=flag).numpy()),
          "| jax", show(lambda: jax.nn.gelu(J(x), approximate=flag)))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for dt in ["float16", "bfloat16", "float64"]:
        print("[6]", dt, "torch", err(lambda: torch.nn.functional.gelu(T(x).to(getattr(torch, dt)))),
              "| paddle", err(lambda: paddle.nn.functional.gelu(P(x).astype(dt))),
              "| jax", err(lambda: jax.nn.gelu(J(x).astype(dt), approximate=False)))
xi = rng.integers(0, 10, (4, 6)).astype(np.int32)
print("[7] int32: torch", err(lambda: torch.nn.functional.gelu(T(xi))), "| paddle", err(lambda: paddle.nn.functional.gelu(P(xi))), "| jax", err(lambda: jax.nn.gelu(J(xi), approximate=False)))
'''

MEGENGINE = r'''
import inspect, math
import numpy as np, megengine, megengine.functional as F
megengine.config.async_level = 0
M = megengine.Tensor
def err(f):
    try:
        r = f()
        return str(r.dtype) if r.numpy() is not None else ""
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:90]
x = np.load("/tmp/_gelu_x.npy"); dy = np.load("/tmp/_gelu_dy.npy"); ref = np.load("/tmp/_gelu_ref.npy")
print("[5] megengine gelu params:", list(inspect.signature(F.nn.gelu).parameters))
for i, formula in enumerate(["exact", "tanh"]):
    gm = megengine.autodiff.GradManager(); t = M(x); gm.attach([t])
    with gm:
        if formula == "exact":
            y = F.nn.gelu(t)
        else:
            y = 0.5 * t * (1 + F.tanh(math.sqrt(2 / math.pi) * (t + 0.044715 * t ** 3)))
        gm.backward(y, M(dy))
    print(f"[2][5] megengine {formula} - torch {formula}: y", abs(y.numpy() - ref[2 * i]).max(), "grad", abs(t.grad.numpy() - ref[2 * i + 1]).max())
print("[6] float16 megengine", err(lambda: F.nn.gelu(M(x.astype(np.float16)))))
print("[6] float64 megengine tensor:", M(x.astype(np.float64)).dtype)
print("[6] bfloat16 megengine", err(lambda: M(x, dtype="bfloat16")))
print("[7] int32 megengine", err(lambda: F.nn.gelu(M(x.astype(np.int32)))))
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
