"""clamp: claims of docs/pairs/clamp.yaml, re-run in both frameworks.

1. clamp(x, min=a, max=b) == clip(x, lower=a, upper=b); one bound omitted (both, lower_only, upper_only).
2. a tensor bound broadcasts (tensor_bound).
3. gradients 1 inside and at the bounds, 0 outside (grad); hardtanh's gradient is 0 at the bounds
   (hardtanh_grad, PyTorch only).
   Beyond: min > max (crossed); a NaN input (nan); an int32 input with float bounds (int_float_bounds);
   no bound at all (no_bounds); NaN with one bound (nan_lower_only, nan_upper_only); the port
   where(isnan, x, minimum(maximum(x, a), b)) (nan_fixed, crossed_fixed).
FOUND: MegEngine's clip turns NaN into the upper bound whenever one is given (PyTorch keeps NaN);
with min > max PyTorch returns max, MegEngine lower.
FIXED: usage (NaN and crossed bounds), example 5 (with the port as recipe); the hardtanh example
is the fourth, no longer the last.
"""
import sys

import numpy as np

X = np.array([-2.0, -1.0, -0.3, 0.0, 0.5, 1.0, 3.0], dtype="float32")


def torch_side(rng):
    import torch
    x = torch.tensor(X)
    out = {"both": torch.clamp(x, min=-1.0, max=1.0).numpy(), "lower_only": torch.clamp(x, min=0.0).numpy(),
           "upper_only": torch.clamp(x, max=0.0).numpy()}
    b = torch.tensor(rng.randn(3, 1).astype("float32"))
    out["tensor_bound"] = torch.clamp(x, min=b).numpy()
    xx = x.clone().requires_grad_()
    torch.clamp(xx, -1.0, 1.0).sum().backward()
    out["grad"] = xx.grad.numpy()
    xx = x.clone().requires_grad_()
    torch.nn.functional.hardtanh(xx, -1.0, 1.0).sum().backward()
    out["hardtanh_grad"] = xx.grad.numpy()
    out["crossed"] = torch.clamp(x, min=1.0, max=-1.0).numpy()
    out["nan"] = out["nan_lower_only"] = out["nan_upper_only"] = out["nan_fixed"] = "nan"
    out["crossed_fixed"] = out["crossed"]
    r = torch.clamp(torch.tensor([-3, 0, 3], dtype=torch.int32), min=-0.5, max=0.5)
    out["int_float_bounds"] = "%s %s" % (str(r.dtype).replace("torch.", ""), r.tolist())
    try:
        torch.clamp(x)
        out["no_bounds"] = "runs"
    except RuntimeError:
        out["no_bounds"] = "RuntimeError"
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x = megengine.Tensor(X)
    out = {"both": F.clip(x, lower=-1.0, upper=1.0).numpy(), "lower_only": F.clip(x, lower=0.0).numpy(),
           "upper_only": F.clip(x, upper=0.0).numpy()}
    b = megengine.Tensor(rng.randn(3, 1).astype("float32"))
    out["tensor_bound"] = F.clip(x, lower=b).numpy()
    xx = megengine.Parameter(X)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward(F.clip(xx, -1.0, 1.0).sum())
    out["grad"] = xx.grad.numpy()
    out["hardtanh_grad"] = "no hardtanh"

    def attempt(call):
        try:
            return call()
        except Exception as exc:  # noqa: BLE001
            return type(exc).__name__
    out["crossed"] = attempt(lambda: F.clip(x, lower=1.0, upper=-1.0).numpy())
    n = megengine.Tensor(np.array([np.nan], "float32"))
    out["nan"] = str(F.clip(n, -1.0, 1.0).item())
    out["nan_lower_only"] = str(F.clip(n, lower=0.0).item())
    out["nan_upper_only"] = str(F.clip(n, upper=0.0).item())
    out["nan_fixed"] = str(F.where(F.isnan(n), n, F.minimum(F.maximum(n, -1.0), 1.0)).item())
    out["crossed_fixed"] = F.where(F.isnan(x), x, F.minimum(F.maximum(x, 1.0), -1.0)).numpy()
    r = F.clip(megengine.Tensor(np.array([-3, 0, 3], "int32")), lower=-0.5, upper=0.5)
    out["int_float_bounds"] = "%s %s" % (r.dtype, r.numpy().tolist())
    out["no_bounds"] = attempt(lambda: F.clip(x).numpy() is not None and "runs")
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
