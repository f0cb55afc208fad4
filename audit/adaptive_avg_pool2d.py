"""adaptive_avg_pool2d: claims of docs/pairs/adaptive_avg_pool2d.yaml, re-run in both frameworks.

1. output_size vs oshp, int or pair (multiple, global); PyTorch accepts None, MegEngine does not (none_entry).
2. PyTorch's windows floor(i*H/OH)..ceil((i+1)*H/OH)-1; MegEngine's stride floor(H/OH), kernel
   H-(OH-1)*stride: same where H is a multiple of OH, else not (not_multiple, 0.42 apart on the
   page's input); for H=10, OH=4 MegEngine's windows are rows 0-3, 2-5, 4-7, 6-9 (megengine_rows:
   which rows each output reads, found by pooling one-hot rows).
3. the slicing port reproduces PyTorch's values and gradients (sliced, grad_sliced).
4. an unbatched (C, H, W) input works in PyTorch; MegEngine expects 4-D (unbatched).
   Beyond: an output larger than the input, OH > H (larger: in a process of its own), and the
   slicing port there (larger_sliced); a non-square input (rect).
FOUND: an output larger than the input kills MegEngine's process (SIGFPE); the slicing port works there.
FIXED: usage (Window placement), oshp row, example 5 (the slicing port for an output larger than the input).
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(2, 3, 8, 8).astype("float32"), rng.randn(1, 2, 10, 10).astype("float32"),
            rng.randn(1, 2, 5, 5).astype("float32"), rng.randn(1, 2, 3, 3).astype("float32"),
            rng.randn(1, 2, 3, 3).astype("float32"), rng.randn(1, 2, 7, 12).astype("float32"))


def torch_side(rng):
    import torch
    x8, x10, x5, dy, x3, xr = [torch.tensor(a) for a in data(rng)]
    P = torch.nn.AdaptiveAvgPool2d
    out = {"multiple": P((4, 2))(x8).numpy(), "global": P(1)(x8).numpy()}
    out["none_entry"] = list(P((None, 2))(x8).shape)
    out["not_multiple"] = P(4)(x10).numpy()
    out["sliced"] = out["not_multiple"]
    out["megengine_rows"] = "n/a"
    xx = x5.clone().requires_grad_()
    (P(3)(xx) * dy).sum().backward()
    out["grad_sliced"] = xx.grad.numpy()
    out["unbatched"] = list(P(2)(x8[0]).shape)
    out["larger"] = "runs"
    out["larger_sliced"] = P(5)(x3).numpy()
    out["rect"] = P((3, 5))(xr).numpy()
    return out


LARGER = """
import numpy as np, megengine
y = megengine.module.AdaptiveAvgPool2d(5)(megengine.Tensor(np.ones((1, 2, 3, 3), "float32")))
print("returned", flush=True)
y.numpy()
print("read", flush=True)
"""


def larger_in_a_process():
    import signal
    import subprocess
    done = subprocess.run([sys.executable, "-c", LARGER], capture_output=True, text=True)
    said = " ".join(done.stdout.split())
    if done.returncode < 0:
        return "%s; killed by %s" % (said, signal.Signals(-done.returncode).name)
    return "%s; exit code %d" % (said, done.returncode)


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x8, x10, x5, dy, x3, xr = [megengine.Tensor(a) for a in data(rng)]
    P = megengine.module.AdaptiveAvgPool2d
    out = {"multiple": P((4, 2))(x8).numpy(), "global": P(1)(x8).numpy()}

    def attempt(key, call):
        try:
            out[key] = call()
        except Exception as exc:  # noqa: BLE001
            out[key] = type(exc).__name__
    attempt("none_entry", lambda: list(P((None, 2))(x8).numpy().shape))
    out["not_multiple"] = P(4)(x10).numpy()
    rows = []
    for i in range(4):
        reads = [r for r in range(10)
                 if P((4, 1))(megengine.Tensor(np.eye(10, dtype="float32")[r].reshape(1, 1, 10, 1))).numpy()[0, 0, i, 0] > 0]
        rows.append("%d-%d" % (reads[0], reads[-1]))
    out["megengine_rows"] = ", ".join(rows)

    def torch_like(x, oh, ow):
        h, w = x.shape[2], x.shape[3]
        out_rows = []
        for i in range(oh):
            h0, h1 = i * h // oh, -(-(i + 1) * h // oh)
            out_rows.append(F.stack([F.mean(x[:, :, h0:h1, j * w // ow:-(-(j + 1) * w // ow)], axis=(2, 3))
                                     for j in range(ow)], axis=-1))
        return F.stack(out_rows, axis=-2)
    out["sliced"] = torch_like(x10, 4, 4).numpy()
    xx = megengine.Parameter(x5.numpy())
    gm = GradManager().attach([xx])
    with gm:
        gm.backward((torch_like(xx, 3, 3) * dy).sum())
    out["grad_sliced"] = xx.grad.numpy()
    attempt("unbatched", lambda: list(P(2)(x8[0]).numpy().shape))
    out["larger"] = larger_in_a_process()
    out["larger_sliced"] = torch_like(x3, 5, 5).numpy()
    attempt("rect", lambda: P((3, 5))(xr).numpy())
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
