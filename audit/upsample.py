"""Audit of docs/pairs/upsample.yaml (torch.nn.Upsample; MegEngine 1.13 has none:
F.nn.interpolate with the mode given).

Claims checked (page as found, before this audit):
 1. megengine.module.Upsample does not exist.
 2. Upsample's default mode is "nearest", interpolate's "bilinear": pass mode explicitly.
 3. nearest x2 and bilinear to (6, 7) with align_corners=True agree.
Beyond the page:
 4. bilinear with align_corners=False (PyTorch's default) and a non-integer scale (1.5).
 5. Gradients of the bilinear case.

Run: .venv/bin/python audit/upsample.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect

import numpy as np
from _sides import run_sides

X = np.random.default_rng(0).standard_normal((1, 2, 3, 4)).astype("float32")


def d(a):
    return f"{tuple(np.asarray(a).shape)} sum {float(np.asarray(a, dtype='float64').sum()):.4f}"


def torch_side():
    import torch

    print("2 Upsample mode default", inspect.signature(torch.nn.Upsample).parameters["mode"].default)
    x = torch.from_numpy(X).requires_grad_()
    for name, up in (("3 nearest x2", torch.nn.Upsample(scale_factor=2)),
                     ("3 bilinear (6, 7) align_corners", torch.nn.Upsample(size=(6, 7), mode="bilinear", align_corners=True)),
                     ("4 bilinear x2", torch.nn.Upsample(scale_factor=2, mode="bilinear")),
                     ("4 nearest x1.5", torch.nn.Upsample(scale_factor=1.5))):
        x.grad = None
        y = up(x)
        (y * y).sum().backward()
        print(name, d(y.detach()), "| 5 grad", d(x.grad))


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 exists:", hasattr(megengine.module, "Upsample"),
          "| 2 interpolate mode default", inspect.signature(F.nn.interpolate).parameters["mode"].default)
    for name, kw in (("3 nearest x2", dict(scale_factor=2, mode="nearest")),
                     ("3 bilinear (6, 7) align_corners", dict(size=(6, 7), mode="bilinear", align_corners=True)),
                     ("4 bilinear x2", dict(scale_factor=2, mode="bilinear")),
                     ("4 nearest x1.5", dict(scale_factor=1.5, mode="nearest"))):
        x = megengine.Tensor(X)
        gm = GradManager().attach([x])
        try:
            with gm:
                y = F.nn.interpolate(x, **kw)
                gm.backward((y * y).sum())
            print(name, d(y.numpy()), "| 5 grad", d(x.grad.numpy()))
        except Exception as e:
            print(name, type(e).__name__, str(e)[:60])


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
