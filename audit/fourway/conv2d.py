"""Evidence for docs/fourway/pairs/conv2d.yaml (torch, MegEngine, Paddle, JAX).

Run: .venv/bin/python audit/fourway/conv2d.py > audit/fourway/conv2d.out
(torch, Paddle and JAX run in .venv, MegEngine in .venv-megengine.)

Claims of the page, each printed as [n] below:
 1. With the same weights the four agree, and so do the gradients of input, weight, bias.
 2. JAX: window_strides and padding are required; dimension_numbers=None means NCHW/OIHW/
    NCHW; a bare integer padding fails; there is no bias argument.
 3. MegEngine: a 1-D bias is broadcast against the width: it fails unless the output
    width equals C_out, and then adds the wrong values. A (1, C_out, 1, 1) bias is right.
 4. MegEngine: a grouped weight is 5-D (groups, C_out/g, C_in/g, kH, kW); the 4-D one
    fails. Its padding is integers only.
 5. Grouped convolutions agree (feature_group_count in JAX), and their gradients.
 6. Stride 1: "same" (PyTorch, Paddle) and "SAME" (JAX) agree, even for even kernels.
 7. Stride 2: PyTorch refuses "same"; Paddle's and JAX's "SAME" agree with each other and
    pad (0, 1) on an 8x8 input with a 3x3 kernel, not PyTorch's padding=1.
 8. Channels-last: Paddle data_format="NHWC" and JAX ("NHWC", "HWIO", "NHWC") agree with
    PyTorch on permuted data.
 9. Paddle 3.3: no float16/bfloat16 convolution on the CPU; MegEngine no bfloat16 or
    float64; JAX float64 -> float32 and refuses operands of different dtypes.
10. JAX's rhs_dilation=None means no dilation; dilation 2 agrees as rhs_dilation=(2, 2).
11. That SAME is reproduced by padding (0, 1) first in PyTorch and MegEngine, and by
    Paddle's padding=[0, 1, 0, 1].
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
tF, pF, lax = torch.nn.functional, paddle.nn.functional, jax.lax
def err(f):
    try:
        r = f()
        return str(getattr(r, "dtype", r)).replace("torch.", "").replace("paddle.", "") + " " + str(tuple(r.shape))
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:90]
rng = np.random.default_rng(0)
x = rng.standard_normal((2, 3, 8, 8)).astype(np.float32); w = rng.standard_normal((4, 3, 3, 3)).astype(np.float32)
b = rng.standard_normal(4).astype(np.float32); dy = rng.standard_normal((2, 4, 4, 4)).astype(np.float32)
tx, tw, tb = (T(a, requires_grad=True) for a in (x, w, b)); yt = tF.conv2d(tx, tw, tb, stride=2, padding=1); yt.backward(T(dy))
px, pw, pb = (P(a, stop_gradient=False) for a in (x, w, b)); yp = pF.conv2d(px, pw, pb, stride=2, padding=1); yp.backward(P(dy))
f = lambda a, ww, bb: lax.conv_general_dilated(a, ww, (2, 2), ((1, 1), (1, 1)), dimension_numbers=("NCHW", "OIHW", "NCHW")) + bb[None, :, None, None]
yj, vjp = jax.vjp(f, J(x), J(w), J(b)); gj = vjp(J(dy))
print("[1] y torch-paddle", abs(yt.detach().numpy() - yp.numpy()).max(), "torch-jax", abs(yt.detach().numpy() - np.asarray(yj)).max())
for name, tg, pg, jg in zip(["x", "w", "b"], [tx.grad, tw.grad, tb.grad], [px.grad, pw.grad, pb.grad], gj):
    print(f"[1] {name}.grad torch-paddle", abs(tg.numpy() - pg.numpy()).max(), "torch-jax", abs(tg.numpy() - np.asarray(jg)).max())
np.savez("/tmp/_conv.npz", x=x, w=w, b=b, dy=dy, y=yt.detach().numpy(), gx=tx.grad.numpy(), gw=tw.grad.numpy(), gb=tb.grad.numpy())
sig = inspect.signature(lax.conv_general_dilated)
print("[2] jax params", [(n, "required" if p.default is inspect.Parameter.empty else p.default) for n, p in sig.parameters.items()][:7])
print("[2] dimension_numbers=None == NCHW/OIHW/NCHW:", bool((np.asarray(lax.conv_general_dilated(J(x), J(w), (1, 1), "VALID")) == np.asarray(lax.conv_general_dilated(J(x), J(w), (1, 1), "VALID", dimension_numbers=("NCHW", "OIHW", "NCHW")))).all()))
print("[2] jax integer padding:", err(lambda: lax.conv_general_dilated(J(x), J(w), (1, 1), 1)))
xg = rng.standard_normal((2, 4, 6, 6)).astype(np.float32); wg = rng.standard_normal((6, 2, 3, 3)).astype(np.float32); dyg = rng.standard_normal((2, 6, 4, 4)).astype(np.float32)
tx, tw = T(xg, requires_grad=True), T(wg, requires_grad=True); yt = tF.conv2d(tx, tw, groups=2); yt.backward(T(dyg))
px, pw = P(xg, stop_gradient=False), P(wg, stop_gradient=False); yp = pF.conv2d(px, pw, groups=2); yp.backward(P(dyg))
yj, vjp = jax.vjp(lambda a, ww: lax.conv_general_dilated(a, ww, (1, 1), "VALID", feature_group_count=2), J(xg), J(wg)); gj = vjp(J(dyg))
print("[5] groups y torch-paddle", abs(yt.detach().numpy() - yp.numpy()).max(), "torch-jax", abs(yt.detach().numpy() - np.asarray(yj)).max(),
      "| x.grad torch-jax", abs(tx.grad.numpy() - np.asarray(gj[0])).max(), "w.grad torch-paddle", abs(tw.grad.numpy() - pw.grad.numpy()).max(), "torch-jax", abs(tw.grad.numpy() - np.asarray(gj[1])).max())
np.savez("/tmp/_convg.npz", x=xg, w=wg, dy=dyg, y=yt.detach().numpy(), gx=tx.grad.numpy(), gw=tw.grad.numpy())
for k in (3, 2):
    wk = rng.standard_normal((4, 3, k, k)).astype(np.float32)
    t1 = tF.conv2d(T(x), T(wk), padding="same").numpy(); p1 = pF.conv2d(P(x), P(wk), padding="same").numpy(); j1 = np.asarray(lax.conv_general_dilated(J(x), J(wk), (1, 1), "SAME"))
    print(f"[6] stride 1, {k}x{k} kernel, same: torch-paddle", abs(t1 - p1).max(), "torch-jax", abs(t1 - j1).max())
print("[7] torch stride 2 'same':", err(lambda: tF.conv2d(T(x), T(w), stride=2, padding="same")))
ps = pF.conv2d(P(x), P(w), stride=2, padding="SAME").numpy(); js = np.asarray(lax.conv_general_dilated(J(x), J(w), (2, 2), "SAME"))
j01 = np.asarray(lax.conv_general_dilated(J(x), J(w), (2, 2), ((0, 1), (0, 1)))); t11 = tF.conv2d(T(x), T(w), stride=2, padding=1).numpy()
print("[7] stride 2 SAME: paddle-jax", abs(ps - js).max(), "| jax SAME == pad (0, 1):", abs(js - j01).max(), "| torch padding=1 - jax SAME:", abs(t11 - js).max())
np.save("/tmp/_conv_same.npy", js)
print("[11] torch pad (0, 1, 0, 1) - jax SAME", abs(tF.conv2d(tF.pad(T(x), (0, 1, 0, 1)), T(w), stride=2).numpy() - js).max(),
      "| paddle padding=[0, 1, 0, 1] - jax SAME", abs(pF.conv2d(P(x), P(w), stride=2, padding=[0, 1, 0, 1]).numpy() - js).max())
xn = x.transpose(0, 2, 3, 1)
tn = tF.conv2d(T(xn).permute(0, 3, 1, 2), T(w), padding=1).permute(0, 2, 3, 1).numpy()
pn = pF.conv2d(P(xn), P(w), padding=1, data_format="NHWC").numpy()
jn = np.asarray(lax.conv_general_dilated(J(xn), J(w).transpose(2, 3, 1, 0), (1, 1), ((1, 1), (1, 1)), dimension_numbers=("NHWC", "HWIO", "NHWC")))
print("[8] NHWC torch-paddle", abs(tn - pn).max(), "torch-jax", abs(tn - jn).max())
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for dt in ["float16", "bfloat16", "float64"]:
        print("[9]", dt, "torch", err(lambda: tF.conv2d(T(x).to(getattr(torch, dt)), T(w).to(getattr(torch, dt)))),
              "| paddle", err(lambda: pF.conv2d(P(x).astype(dt), P(w).astype(dt))),
              "| jax", err(lambda: lax.conv_general_dilated(J(x).astype(dt), J(w).astype(dt), (1, 1), "VALID")))
xd = rng.standard_normal((1, 2, 9, 9)).astype(np.float32); wd = rng.standard_normal((3, 2, 3, 3)).astype(np.float32)
print("[10] rhs_dilation None == (1, 1):", bool((np.asarray(lax.conv_general_dilated(J(x), J(w), (1, 1), "VALID")) == np.asarray(lax.conv_general_dilated(J(x), J(w), (1, 1), "VALID", rhs_dilation=(1, 1)))).all()),
      "| dilation 2 torch-paddle", abs(tF.conv2d(T(xd), T(wd), padding=2, dilation=2).numpy() - pF.conv2d(P(xd), P(wd), padding=2, dilation=2).numpy()).max(),
      "torch-jax", abs(tF.conv2d(T(xd), T(wd), padding=2, dilation=2).numpy() - np.asarray(lax.conv_general_dilated(J(xd), J(wd), (1, 1), ((2, 2), (2, 2)), rhs_dilation=(2, 2)))).max())
print("[9] jax float16 x float32 weight:", err(lambda: lax.conv_general_dilated(J(x).astype("float16"), J(w), (1, 1), "VALID")))
'''

MEGENGINE = r'''
import numpy as np, megengine, megengine.functional as F
megengine.config.async_level = 0
M = megengine.Tensor
def err(f):
    try:
        r = f()
        r.numpy()
        return str(r.dtype) + " " + str(tuple(r.shape))
    except Exception as e:
        return "ERR " + type(e).__name__ + ": " + str(e).strip().splitlines()[0][:90]
d = np.load("/tmp/_conv.npz")
gm = megengine.autodiff.GradManager(); x, w, b = M(d["x"]), M(d["w"]), M(d["b"]); gm.attach([x, w, b])
with gm:
    y = F.conv2d(x, w, b.reshape(1, 4, 1, 1), stride=2, padding=1); gm.backward(y, M(d["dy"]))
print("[1] megengine-torch y", abs(y.numpy() - d["y"]).max(), "x.grad", abs(x.grad.numpy() - d["gx"]).max(), "w.grad", abs(w.grad.numpy() - d["gw"]).max(), "b.grad", abs(b.grad.numpy() - d["gb"]).max())
y1 = F.conv2d(M(d["x"]), M(d["w"]), M(d["b"]), stride=2, padding=1).numpy()
y0 = F.conv2d(M(d["x"]), M(d["w"]), stride=2, padding=1).numpy()
print("[3] 1-D bias, output width 4 == C_out: megengine - torch", abs(y1 - d["y"]).max(), "| equals adding b along the width:", bool(np.allclose(y1, y0 + d["b"][None, None, None, :], atol=1e-5)))
print("[3] 1-D bias, output width 8:", err(lambda: F.conv2d(M(d["x"]), M(d["w"]), M(d["b"]), padding=1)))
g = np.load("/tmp/_convg.npz")
print("[4] grouped 4-D weight:", err(lambda: F.conv2d(M(g["x"]), M(g["w"]), groups=2)))
print("[4] string padding:", err(lambda: F.conv2d(M(d["x"]), M(d["w"]), padding="same")))
gm = megengine.autodiff.GradManager(); x, w = M(g["x"]), M(g["w"]); gm.attach([x, w])
with gm:
    y = F.conv2d(x, w.reshape(2, 3, 2, 3, 3), groups=2); gm.backward(y, M(g["dy"]))
print("[4][5] grouped 5-D weight megengine-torch y", abs(y.numpy() - g["y"]).max(), "x.grad", abs(x.grad.numpy() - g["gx"]).max(), "w.grad", abs(w.grad.numpy() - g["gw"]).max())
ys = F.conv2d(F.nn.pad(M(d["x"]), ((0, 0), (0, 0), (0, 1), (0, 1))), M(d["w"]), stride=2).numpy()
print("[11] megengine pad (0, 1) - jax SAME", abs(ys - np.load("/tmp/_conv_same.npy")).max())
print("[9] float16 megengine", err(lambda: F.conv2d(M(d["x"].astype(np.float16)), M(d["w"].astype(np.float16)))), "| float64 tensor", M(d["x"].astype(np.float64)).dtype,
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
