"""gelu: claims of docs/pairs/gelu.yaml, re-run in both frameworks.

1. the exact GELU agrees (exact); the tanh approximation differs from it by up to a few 1e-4
   (tanh_vs_exact: largest deviation on [-6, 6], PyTorch side); written out in MegEngine it gives
   PyTorch's approximate="tanh" (tanh_written).
2. modules torch.nn.GELU and megengine.module.GELU (module).
3. gradients agree, exact and written-out tanh (grad_exact, grad_tanh).
   Beyond: large |x| (large); float16 (half: largest deviation from float32, rounded); the constant
   from np.sqrt (np_scalar: MegEngine refuses a NumPy float64 scalar times a tensor).
FOUND: every claim holds; writing the approximation with np.sqrt fails in MegEngine.
FIXED: usage (math.sqrt, not np.sqrt; no second derivative through F.gelu, see audit/autograd_grad.py),
examples 6 and 7; the gradient examples are the fourth and fifth.
"""
import sys

import numpy as np

X = np.linspace(-6, 6, 241).astype("float32")
LARGE = np.array([-100.0, -20.0, 20.0, 100.0], dtype="float32")


def torch_side(rng):
    import torch
    import torch.nn.functional as F
    x = torch.tensor(X)
    out = {"exact": F.gelu(x).numpy(), "tanh_written": F.gelu(x, approximate="tanh").numpy()}
    out["tanh_vs_exact"] = "%.0e" % float((F.gelu(x) - F.gelu(x, approximate="tanh")).abs().max())
    out["module"] = torch.nn.GELU()(x).numpy()
    for key, kw in (("grad_exact", {}), ("grad_tanh", {"approximate": "tanh"})):
        xx = x.clone().requires_grad_()
        F.gelu(xx, **kw).sum().backward()
        out[key] = xx.grad.numpy()
    out["large"] = F.gelu(torch.tensor(LARGE)).numpy()
    out["half"] = round(float((F.gelu(x.half()).float() - F.gelu(x)).abs().max()), 2)
    out["np_scalar"] = "runs" if (np.sqrt(2 / np.pi) * x) is not None else "?"
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x = megengine.Tensor(X)

    def tanh_gelu(t):
        return 0.5 * t * (1 + F.tanh(float(np.sqrt(2 / np.pi)) * (t + 0.044715 * t ** 3)))
    out = {"exact": F.gelu(x).numpy(), "tanh_written": tanh_gelu(x).numpy()}
    out["tanh_vs_exact"] = "%.0e" % float(np.abs(F.gelu(x).numpy() - tanh_gelu(x).numpy()).max())
    out["module"] = megengine.module.GELU()(x).numpy()
    for key, f in (("grad_exact", F.gelu), ("grad_tanh", tanh_gelu)):
        xx = megengine.Parameter(X)
        gm = GradManager().attach([xx])
        with gm:
            gm.backward(f(xx).sum())
        out[key] = xx.grad.numpy()
    out["large"] = F.gelu(megengine.Tensor(LARGE)).numpy()
    out["half"] = round(float(np.abs(F.gelu(x.astype("float16")).numpy().astype("float32") - F.gelu(x).numpy()).max()), 2)
    try:
        (np.sqrt(2 / np.pi) * x).numpy()
        out["np_scalar"] = "runs"
    except RuntimeError as exc:
        out["np_scalar"] = "RuntimeError: " + str(exc).splitlines()[0][:40]
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
