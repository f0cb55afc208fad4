"""gather: claims of docs/pairs/gather.yaml, re-run in both frameworks.

1. torch.gather(x, dim, index) == F.gather(x, axis, index), same order (last_axis, axis0_smaller).
2. int64 or int32 index in PyTorch (int32_torch); int32 in MegEngine; beyond: an int64 index in
   MegEngine (int64_megengine).
3. the index may be smaller than the input along the other axes (axis0_smaller).
4. two back-to-back calls with differently shaped indices may go wrong in MegEngine under the
   default dispatch; reading the first result or async_level = 0 avoids it (back_to_back: 20
   processes of 50 call pairs each, how many processes gave a wrong value, an error or an abort;
   with async_level = 0 (back_to_back_sync)). Counts vary between runs: printed as "none" or "some".
   Beyond: gradients, repeated indices add up (grad); a negative index (negative).
FOUND: a negative index reads from the end in MegEngine (PyTorch: RuntimeError), so a label -1
picks the last class; the back-to-back problem reproduces with the default dispatch only.
FIXED: usage (Negative indices, gradients), example 5.
"""
import sys

import numpy as np

PAIRS = """
import sys, numpy as np, megengine, megengine.functional as F
if sys.argv[1] == "0":
    megengine.config.async_level = 0
rng = np.random.RandomState(int(sys.argv[2]))
x = megengine.Tensor(rng.randn(3, 5).astype("float32"))
i = rng.randint(0, 5, (3, 2)).astype("int32")
j = rng.randint(0, 3, (2, 5)).astype("int32")
xn = x.numpy()
bad = 0
for _ in range(50):
    a = F.gather(x, 1, megengine.Tensor(i))
    b = F.gather(x, 0, megengine.Tensor(j))
    ok = np.allclose(a.numpy(), np.take_along_axis(xn, i, 1)) and np.allclose(b.numpy(), np.take_along_axis(xn, j, 0))
    bad += not ok
print(bad)
"""


def data(rng):
    return (rng.randn(3, 5).astype("float32"), rng.randint(0, 5, (3, 2)).astype("int32"),
            rng.randint(0, 3, (2, 4)).astype("int32"), rng.randn(3, 2).astype("float32"))


def torch_side(rng):
    import torch
    x, i, j, dy = [torch.tensor(a) for a in data(rng)]
    out = {"last_axis": torch.gather(x, 1, i.long()).numpy(), "axis0_smaller": torch.gather(x, 0, j.long()).numpy()}
    out["int32_torch"] = torch.gather(x, 1, i).numpy()
    out["int64_megengine"] = out["last_axis"]
    out["back_to_back"] = out["back_to_back_sync"] = "none"
    xx = x.clone().requires_grad_()
    r = torch.tensor([[0, 0], [1, 1], [4, 4]])
    (torch.gather(xx, 1, r) * dy).sum().backward()
    out["grad"] = xx.grad.numpy()
    try:
        torch.gather(x, 1, torch.tensor([[-1, 0], [0, 0], [0, 0]]))
        out["negative"] = "runs"
    except RuntimeError:
        out["negative"] = "RuntimeError"
    return out


def megengine_side(rng):
    import subprocess
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    xn, i, j, dy = data(rng)
    x = megengine.Tensor(xn)
    out = {"last_axis": F.gather(x, 1, megengine.Tensor(i)).numpy()}
    out["axis0_smaller"] = F.gather(x, 0, megengine.Tensor(j)).numpy()
    out["int32_torch"] = out["last_axis"]
    out["int64_megengine"] = F.gather(x, 1, megengine.Tensor(i.astype("int64"))).numpy()
    for key, level in (("back_to_back", "2"), ("back_to_back_sync", "0")):
        failed = 0
        for seed in range(20):
            done = subprocess.run([sys.executable, "-c", PAIRS, level, str(seed)], capture_output=True, text=True)
            lines = done.stdout.split()
            failed += done.returncode != 0 or not lines or lines[-1] != "0"
        out[key] = "none" if failed == 0 else "some"
    xx = megengine.Parameter(xn)
    gm = GradManager().attach([xx])
    with gm:
        gm.backward((F.gather(xx, 1, megengine.Tensor(np.array([[0, 0], [1, 1], [4, 4]], "int32"))) * megengine.Tensor(dy)).sum())
    out["grad"] = xx.grad.numpy()
    megengine.config.async_level = 0
    try:
        y = F.gather(x, 1, megengine.Tensor(np.array([[-1, 0], [0, 0], [0, 0]], "int32"))).numpy()
        out["negative"] = "returns x[0, -1]" if np.isclose(y[0, 0], xn[0, -1]) else "returns another value"
    except RuntimeError:
        out["negative"] = "RuntimeError"
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
