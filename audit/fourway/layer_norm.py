"""Evidence for docs/fourway/pairs/layer_norm.yaml (torch, MegEngine, Paddle, JAX).

Run: .venv/bin/python audit/fourway/layer_norm.py > audit/fourway/layer_norm.out
(torch, Paddle and JAX run in .venv, MegEngine in .venv-megengine.)

Claims of the page, each printed as [n] below:
 1. PyTorch, MegEngine and Paddle normalise over the trailing normalized_shape axes with
    the biased variance and eps (default 1e-5, Paddle's epsilon) inside the square
    root; jax.nn.standardize has the same epsilon default.
 2. PyTorch wants a tuple or list for normalized_shape; MegEngine and Paddle take an int.
 3. Paddle refuses a weight/bias shaped like a 2-D normalized_shape and takes them
    flattened to 1-D.
 4. The values and gradients (input, weight, bias) agree, JAX's written with
    jax.nn.standardize(..., algorithm="stable") * w + b.
 5. JAX has no layer_norm in jax.nn.
 6. standardize's default algorithm "fast" cancels: inputs around 1000 are off by about
    0.2, around 1e4 by hundreds; "stable" agrees with the others.
 7. MegEngine's affine is a required third argument; affine=False silently ignores a
    weight and bias passed; affine=True requires them.
 8. Paddle 3.3 has no float16/bfloat16 layer norm on the CPU; MegEngine no bfloat16 and
    no float64; JAX float64 -> float32 without x64.
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
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:100]
rng = np.random.default_rng(0)
x = rng.standard_normal((2, 3, 4)).astype(np.float32)
w = rng.standard_normal((3, 4)).astype(np.float32); b = rng.standard_normal((3, 4)).astype(np.float32)
dy = rng.standard_normal((2, 3, 4)).astype(np.float32)
x64 = x.astype(np.float64)
ref = (x64 - x64.mean((1, 2), keepdims=True)) / np.sqrt(x64.var((1, 2), keepdims=True) + 1e-5) * w + b
print("[1] defaults: torch", inspect.signature(torch.nn.functional.layer_norm).parameters["eps"].default,
      "paddle", inspect.signature(paddle.nn.functional.layer_norm).parameters["epsilon"].default,
      "jax.nn.standardize", inspect.signature(jax.nn.standardize).parameters["epsilon"].default)
print("[2] int normalized_shape: torch", err(lambda: torch.nn.functional.layer_norm(T(x), 4)), "| paddle", err(lambda: paddle.nn.functional.layer_norm(P(x), 4)))
print("[3] paddle 2-D weight:", err(lambda: paddle.nn.functional.layer_norm(P(x), (3, 4), P(w), P(b))))
tx, tw, tb = (T(a, requires_grad=True) for a in (x, w, b))
yt = torch.nn.functional.layer_norm(tx, (3, 4), tw, tb); yt.backward(T(dy))
px, pw, pb = (P(a, stop_gradient=False) for a in (x, w, b))
yp = paddle.nn.functional.layer_norm(px, (3, 4), pw.reshape([-1]), pb.reshape([-1])); yp.backward(P(dy))
f = lambda a, ww, bb: jax.nn.standardize(a, axis=(-2, -1), algorithm="stable") * ww + bb
yj, vjp = jax.vjp(f, J(x), J(w), J(b)); gj = vjp(J(dy))
print("[1] torch vs float64 formula (biased variance, eps inside):", abs(yt.detach().numpy() - ref).max())
print("[4] y torch-paddle", abs(yt.detach().numpy() - yp.numpy()).max(), "torch-jax", abs(yt.detach().numpy() - np.asarray(yj)).max())
for name, tg, pg, jg in zip(["x", "w", "b"], [tx.grad, tw.grad, tb.grad], [px.grad, pw.grad, pb.grad], gj):
    print(f"[4] {name}.grad torch-paddle", abs(tg.numpy() - pg.numpy()).max(), "torch-jax", abs(tg.numpy() - np.asarray(jg)).max())
np.savez("/tmp/_ln.npz", x=x, w=w, b=b, dy=dy, y=yt.detach().numpy(), gx=tx.grad.numpy(), gw=tw.grad.numpy(), gb=tb.grad.numpy())
print("[5] jax.nn has layer_norm:", hasattr(jax.nn, "layer_norm"), "| norm-like names in jax.nn:", [n for n in dir(jax.nn) if "norm" in n.lower() or "standard" in n])
for off in [0.0, 100.0, 1000.0, 10000.0]:
    xo = x + np.float32(off); xo64 = xo.astype(np.float64)
    ex = (xo64 - xo64.mean(-1, keepdims=True)) / np.sqrt(xo64.var(-1, keepdims=True) + 1e-5)
    print(f"[6] inputs around {off:g}: |error| torch %.1e paddle %.1e jax fast (default) %.1e jax stable %.1e" % (
        abs(torch.nn.functional.layer_norm(T(xo), (4,)).numpy() - ex).max(), abs(paddle.nn.functional.layer_norm(P(xo), 4).numpy() - ex).max(),
        abs(np.asarray(jax.nn.standardize(J(xo))) - ex).max(), abs(np.asarray(jax.nn.standardize(J(xo), algorithm="stable")) - ex).max()))
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for dt in ["float16", "bfloat16", "float64"]:
        print("[8]", dt, "torch", err(lambda: torch.nn.functional.layer_norm(T(x).to(getattr(torch, dt)), (4,))),
              "| paddle", err(lambda: paddle.nn.functional.layer_norm(P(x).astype(dt), 4)),
              "| jax", err(lambda: jax.nn.standardize(J(x).astype(dt), algorithm="stable")))
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
        return str(r.dtype)
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:100]
d = np.load("/tmp/_ln.npz")
sig = inspect.signature(F.nn.layer_norm)
print("[1][7] megengine params", [(n, p.default is inspect.Parameter.empty and "required" or p.default) for n, p in sig.parameters.items()])
print("[2] int normalized_shape megengine", err(lambda: F.nn.layer_norm(M(d["x"]), 4, False)))
gm = megengine.autodiff.GradManager(); x, w, b = M(d["x"]), M(d["w"]), M(d["b"]); gm.attach([x, w, b])
with gm:
    y = F.nn.layer_norm(x, (3, 4), True, w, b); gm.backward(y, M(d["dy"]))
print("[4] megengine-torch y", abs(y.numpy() - d["y"]).max(), "x.grad", abs(x.grad.numpy() - d["gx"]).max(), "w.grad", abs(w.grad.numpy() - d["gw"]).max(), "b.grad", abs(b.grad.numpy() - d["gb"]).max())
xo = d["x"] + np.float32(1000.0); xo64 = xo.astype(np.float64)
ex = (xo64 - xo64.mean(-1, keepdims=True)) / np.sqrt(xo64.var(-1, keepdims=True) + 1e-5)
print("[6] inputs around 1000: |error| megengine %.1e" % abs(F.nn.layer_norm(M(xo), (4,), False).numpy() - ex).max())
w4 = M(np.full(4, 2.0, np.float32))
print("[7] affine=False with weight 2 and bias 2 == without them:", bool((F.nn.layer_norm(M(d["x"]), 4, False, w4, w4).numpy() == F.nn.layer_norm(M(d["x"]), 4, False).numpy()).all()))
print("[7] affine=True without weight:", err(lambda: F.nn.layer_norm(M(d["x"]), 4, True)))
print("[7] no affine:", err(lambda: F.nn.layer_norm(M(d["x"]), (4,))))
print("[8] float16 megengine", err(lambda: F.nn.layer_norm(M(d["x"].astype(np.float16)), 4, False)), "| float64 tensor", M(d["x"].astype(np.float64)).dtype,
      "| bfloat16", err(lambda: M(d["x"], dtype="bfloat16")))
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
