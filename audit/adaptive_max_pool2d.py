"""adaptive_max_pool2d: claims of docs/pairs/adaptive_max_pool2d.yaml, re-run in both frameworks.

1. windows as for AdaptiveAvgPool2d: agree when H, W are multiples of OH, OW (multiple), differ
   otherwise (not_multiple); the slicing port with F.max matches (sliced).
2. return_indices has no counterpart (indices).
3. unbatched input and None entries: PyTorch only (unbatched, none_entry).
4. a nan in a window: PyTorch gives nan, MegEngine skips it (nan); the isnan-mask recipe matches (nan_fixed).
   Beyond: gradients with ties in a window (ReLU-like zeros), the module and the slicing port
   (grad_ties_module, grad_ties_sliced: where the gradient goes); an output larger than the
   input (larger, in a process of its own).
FOUND: with ties MegEngine sends the gradient to every maximum, PyTorch to the first; an output
larger than the input kills MegEngine's process (SIGFPE, signal 8).
FIXED: usage (Ties, larger outputs), oshp row, examples 4 (argmax + gather port, PyTorch's
gradient) and 5 (slicing for a larger output); the nan example is the third, no longer the last.
"""
import sys

import numpy as np


def data(rng):
    x10 = rng.randn(1, 2, 10, 10).astype("float32")
    x = rng.randn(1, 1, 4, 6).astype("float32")
    ties = np.maximum(rng.randn(1, 1, 4, 4), 0).astype("float32")
    ties[0, 0, :2, :2] = 0.0  # a window of zeros only
    return rng.randn(2, 3, 8, 6).astype("float32"), x10, x, ties


LARGER = """
import numpy as np, megengine
y = megengine.module.AdaptiveMaxPool2d(5)(megengine.Tensor(np.ones((1, 2, 3, 3), "float32")))
y.numpy()
print("read", flush=True)
"""


def torch_side(rng):
    import torch
    x8, x10, x, ties = [torch.tensor(a) for a in data(rng)]
    P = torch.nn.AdaptiveMaxPool2d
    out = {"multiple": P((2, 3))(x8).numpy(), "not_multiple": P(4)(x10).numpy()}
    out["sliced"] = out["not_multiple"]
    out["indices"] = list(P(2, return_indices=True)(x8)[1].shape)
    out["unbatched"] = list(P(2)(x8[0]).shape)
    out["none_entry"] = list(P((None, 2))(x8).shape)
    a = torch.where(x > 1.0, torch.tensor(float("nan")), x)
    out["nan"] = P((2, 3))(a).numpy()
    out["nan_fixed"] = out["nan"]
    xx = ties.clone().requires_grad_()
    P(2)(xx).sum().backward()
    out["grad_ties_module"] = xx.grad.numpy()
    out["grad_ties_sliced"] = out["grad_ties_module"]
    out["larger"] = "runs"
    return out


def megengine_side(rng):
    import subprocess
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x8, x10, x, ties = [megengine.Tensor(a) for a in data(rng)]
    P = megengine.module.AdaptiveMaxPool2d
    out = {"multiple": P((2, 3))(x8).numpy(), "not_multiple": P(4)(x10).numpy()}

    def sliced(x, oh, ow):
        h, w = x.shape[2], x.shape[3]
        return F.stack([F.stack([F.max(x[:, :, i * h // oh:-(-(i + 1) * h // oh), j * w // ow:-(-(j + 1) * w // ow)], axis=(2, 3))
                                 for j in range(ow)], axis=-1) for i in range(oh)], axis=-2)
    out["sliced"] = sliced(x10, 4, 4).numpy()
    out["indices"] = "no return_indices"
    for key, call in (("unbatched", lambda: list(P(2)(x8[0]).numpy().shape)),
                      ("none_entry", lambda: list(P((None, 2))(x8).numpy().shape))):
        try:
            out[key] = call()
        except Exception as exc:  # noqa: BLE001
            out[key] = type(exc).__name__
    a = megengine.Tensor(np.where(x.numpy() > 1.0, np.nan, x.numpy()).astype("float32"))
    pool = P((2, 3))
    y = pool(a)
    out["nan"] = y.numpy()
    has_nan = pool(F.isnan(a).astype("float32")) > 0
    out["nan_fixed"] = F.where(has_nan, F.full_like(y, float("nan")), y).numpy()
    for key, f in (("grad_ties_module", lambda t: P(2)(t)), ("grad_ties_sliced", lambda t: sliced(t, 2, 2))):
        xx = megengine.Parameter(ties.numpy())
        gm = GradManager().attach([xx])
        with gm:
            gm.backward(f(xx).sum())
        out[key] = xx.grad.numpy()
    done = subprocess.run([sys.executable, "-c", LARGER], capture_output=True, text=True)
    out["larger"] = "read" if done.returncode == 0 else "killed (signal %d)" % -done.returncode
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
