"""Audit of docs/pairs/normal_init.yaml (torch.nn.init.normal_ vs megengine.module.init.normal_).

Claims checked (page as found, before this audit):
 1. The same defaults (mean=0.0, std=1.0); sample mean and std of 65536 draws agree.
 2. Both keep the tensor's dtype (float16 stays float16).
 3. PyTorch returns the tensor, MegEngine None.
 4. Integer tensors: PyTorch raises NotImplementedError; MegEngine truncates float32 draws.
 5. PyTorch's generator has no counterpart (MegEngine: megengine.random.seed).
Beyond the page:
 6. Reproducibility: megengine.random.seed makes two fills equal.

Run: .venv/bin/python audit/normal_init.py (the MegEngine half runs in
.venv-megengine/bin/python).
"""
import inspect

import numpy as np
from _sides import run_sides



def torch_side():
    import torch

    print("1/5 signature", inspect.signature(torch.nn.init.normal_))
    torch.manual_seed(0)
    w = torch.empty(256, 256)
    r = torch.nn.init.normal_(w)
    print("1 mean/std", f"{float(w.mean()):.2f}", f"{float(w.std()):.2f}", "| 3 returns the tensor:", r is w)
    print("2 float16", torch.nn.init.normal_(torch.empty(4, dtype=torch.float16)).dtype)
    try:
        torch.nn.init.normal_(torch.empty(4, dtype=torch.int32))
    except Exception as e:
        print("4 int32:", type(e).__name__)


def megengine_side():
    import megengine
    import megengine.module.init as init

    print("1/5 signature", inspect.signature(init.normal_))
    megengine.random.seed(0)
    w = megengine.Tensor(np.zeros((256, 256), "float32"))
    r = init.normal_(w)
    print("1 mean/std", f"{float(w.mean()):.2f}", f"{float(w.numpy().std()):.2f}", "| 3 returns", r)
    h = megengine.Tensor(np.zeros(4, "float16"))
    init.normal_(h)
    print("2 float16", h.dtype)
    i = megengine.Tensor(np.zeros(1000, "int32"))
    init.normal_(i)
    print("4 int32: dtype", i.dtype, "values in", sorted(set(i.numpy().tolist())))
    megengine.random.seed(3)
    a = megengine.Tensor(np.zeros(5, "float32"))
    init.normal_(a)
    megengine.random.seed(3)
    b = megengine.Tensor(np.zeros(5, "float32"))
    init.normal_(b)
    print("6 seed(3) twice: equal fills", bool((a.numpy() == b.numpy()).all()))


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__, tail=600)
