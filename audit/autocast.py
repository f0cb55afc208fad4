"""autocast: claims of docs/pairs/autocast.yaml, re-run in both frameworks.

1. inside autocast a Linear / matmul returns bfloat16 on CPU in PyTorch, float16 in MegEngine
   (linear_default); with dtype=torch.float16 the dtypes agree and values agree to about one float16
   rounding step (linear_fp16, linear_fp16_dev: largest deviation relative to the largest |value|).
2. softmax and float32 additions keep float32 (softmax, add).
3. MegEngine's bfloat16 on CPU: reading a Linear's result raises AsyncError (bf16, in a process of its own).
   Beyond: conv2d's dtype (conv); the parameters' gradient dtype after backward under autocast
   (grad_dtype); autocast(enabled=False) nested inside (nested_off).
FOUND: MegEngine's autocast(enabled=False) does nothing when nested (its __enter__ acts only when
enabled), so the part PyTorch runs in float32 stays float16; softmax of a float16 input is float16
in both (the page's "keeps float32" is about float32 inputs, which holds).
FIXED: usage (Switching it off inside), example 4 (recipe: close the outer block first).
"""
import sys


BF16 = """
import numpy as np, megengine
fc = megengine.module.Linear(8, 4)
with megengine.amp.autocast(low_prec_dtype="bfloat16"):
    y = fc(megengine.Tensor(np.ones((2, 8), "float32")))
try:
    y.numpy(); print("reads")
except Exception as exc:
    print(type(exc).__name__)
"""


def data(rng):
    return (rng.randn(4, 8).astype("float32"), rng.uniform(-0.3, 0.3, (6, 8)).astype("float32"),
            rng.randn(1, 3, 6, 6).astype("float32"), rng.uniform(-0.3, 0.3, (4, 3, 3, 3)).astype("float32"))


def torch_side(rng):
    import torch
    x, w, xi, wc = [torch.tensor(a) for a in data(rng)]
    out = {}
    fc = torch.nn.Linear(8, 6, bias=False)
    with torch.no_grad():
        fc.weight.copy_(w)
    with torch.autocast("cpu"):
        out["linear_default"] = str(fc(x).dtype).replace("torch.", "")
    with torch.autocast("cpu", dtype=torch.float16):
        y = fc(x)
        out["linear_fp16"] = str(y.dtype).replace("torch.", "")
        out["softmax"] = str(torch.softmax(y, 1).dtype).replace("torch.", "")
        out["add"] = str((x + x).dtype).replace("torch.", "")
        out["conv"] = str(torch.nn.functional.conv2d(xi, wc).dtype).replace("torch.", "")
        with torch.autocast("cpu", enabled=False):
            out["nested_off"] = str(fc(x).dtype).replace("torch.", "")
        loss = y.float().sum()
    out["linear_fp16_values"] = y.float().detach().numpy()
    loss.backward()
    out["grad_dtype"] = str(fc.weight.grad.dtype).replace("torch.", "")
    out["bf16"] = "reads"
    return out


def megengine_side(rng):
    import subprocess
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, w, xi, wc = [megengine.Tensor(a) for a in data(rng)]
    out = {}
    fc = megengine.module.Linear(8, 6, bias=False)
    fc.weight = megengine.Parameter(w.numpy())
    gm = GradManager().attach(fc.parameters())
    with gm:
        with megengine.amp.autocast():
            y = fc(x)
            out["linear_default"] = str(y.dtype)
            out["linear_fp16"] = str(y.dtype)
            out["softmax"] = str(F.softmax(y, axis=1).dtype)
            out["add"] = str((x + x).dtype)
            out["conv"] = str(F.conv2d(xi, wc).dtype)
            with megengine.amp.autocast(enabled=False):
                out["nested_off"] = str(fc(x).dtype)
            loss = y.astype("float32").sum()
        gm.backward(loss)
    out["linear_fp16_values"] = y.astype("float32").numpy()
    out["grad_dtype"] = str(fc.weight.grad.dtype)
    done = subprocess.run([sys.executable, "-c", BF16], capture_output=True, text=True)
    out["bf16"] = (done.stdout.strip().splitlines() or ["exit code %d" % done.returncode])[-1]
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
