"""Audit of docs/pairs/nll_loss.yaml (torch.nn.functional.nll_loss; MegEngine 1.13 has none:
-F.nn.indexing_one_hot(logp, target, axis=1), then the mean).

Claims checked (page as found, before this audit):
 1. MegEngine 1.13 has no megengine.functional.nn.nll_loss (nor megengine.functional.nll_loss).
 2. The workaround gives the same mean and per-sample losses.
 3. It is differentiable: the gradient with respect to the logits is the same.
 4. Summary: F.nn.cross_entropy on the logits gives the same mean.
Beyond the page (what the workaround silently drops):
 5. weight=: PyTorch's mean divides by the sum of the targets' weights; (w[t] * each).sum() /
    w[t].sum() reproduces it.
 6. ignore_index (default -100): PyTorch leaves those targets out of the sum and the count;
    masking them reproduces it (value and gradient).
 7. A target of -100 (or any index outside [0, C)) given to indexing_one_hot aborts the MegEngine
    process (C++ assertion, no Python exception); PyTorch raises IndexError for 7, ignores -100.
 8. reduction="sum" is each.sum().
 9. (N, C, d1, d2) inputs: the workaround with axis=1 works.

Run: .venv/bin/python audit/nll_loss.py (the MegEngine half runs in
.venv-megengine/bin/python); `... nll_loss.py torch|megengine` runs one half.
"""
import os
import subprocess
import sys

import numpy as np
from _sides import run_sides

rng = np.random.default_rng(0)
Z = rng.standard_normal((6, 4)).astype("float32")
T = np.array([0, 1, 2, 3, 0, 1])
T_IGN = np.array([0, 1, 2, 3, -100, 1])
W = np.array([1.0, 2.0, 0.5, 3.0], "float32")
Z4 = rng.standard_normal((2, 4, 3, 3)).astype("float32")
T4 = rng.integers(0, 4, (2, 3, 3))


def r(v):
    return f"{float(v):.4f}"


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a).ravel())


def torch_side():
    import torch

    F = torch.nn.functional
    z = torch.tensor(Z, requires_grad=True)
    logp = torch.log_softmax(z, 1)
    t = torch.tensor(T)
    print("2 mean", r(F.nll_loss(logp, t)), "each", fmt(F.nll_loss(logp, t, reduction="none").detach()))
    print("4 cross_entropy", r(F.cross_entropy(z, t)))
    F.nll_loss(logp, t).backward()
    print("3 grad", fmt(z.grad))
    print("5 weight", r(F.nll_loss(logp, t, weight=torch.tensor(W))))
    print("5 unweighted mean, for contrast", r(F.nll_loss(logp, t)))
    z.grad = None
    loss = F.nll_loss(torch.log_softmax(z, 1), torch.tensor(T_IGN))
    loss.backward()
    print("6 ignore_index -100", r(loss), "grad", fmt(z.grad))
    print("8 sum", r(F.nll_loss(logp, t, reduction="sum")))
    print("9 4-D", r(F.nll_loss(torch.log_softmax(torch.tensor(Z4), 1), torch.tensor(T4))))
    try:
        F.nll_loss(logp, torch.tensor([0, 1, 2, 3, 7, 1]))
    except Exception as e:
        print("7 target 7:", type(e).__name__, str(e)[:40])


def megengine_side():
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager

    print("1 F.nn has nll_loss:", hasattr(F.nn, "nll_loss"), "F has nll_loss:", hasattr(F, "nll_loss"))
    z = megengine.Tensor(Z)
    t = megengine.Tensor(T.astype("int32"))
    gm = GradManager().attach([z])
    with gm:
        logp = F.logsoftmax(z, axis=1)
        each = -F.nn.indexing_one_hot(logp, t, axis=1)
        gm.backward(each.mean())
    print("2 mean", r(each.mean()), "each", fmt(each.numpy()))
    print("4 cross_entropy", r(F.nn.cross_entropy(z, t)))
    print("3 grad", fmt(z.grad.numpy()))
    w = megengine.Tensor(W)
    wt = w[t]
    print("5 weight", r((wt * each).sum() / wt.sum()))
    z = megengine.Tensor(Z)
    t = megengine.Tensor(T_IGN.astype("int32"))
    gm = GradManager().attach([z])
    with gm:
        keep = t != -100
        safe = F.where(keep, t, F.zeros_like(t))
        each = -F.nn.indexing_one_hot(F.logsoftmax(z, axis=1), safe, axis=1)
        keep = keep.astype("float32")
        loss = (each * keep).sum() / keep.sum()
        gm.backward(loss)
    print("6 ignore_index masked", r(loss), "grad", fmt(z.grad.numpy()))
    t = megengine.Tensor(T.astype("int32"))
    print("8 sum", r((-F.nn.indexing_one_hot(F.logsoftmax(megengine.Tensor(Z), axis=1), t, axis=1)).sum()))
    print("9 4-D", r((-F.nn.indexing_one_hot(F.logsoftmax(megengine.Tensor(Z4), axis=1),
                                              megengine.Tensor(T4.astype("int32")), axis=1)).mean()))
    here = os.path.abspath(__file__)
    for bad in (-100, 7):
        out = subprocess.run([sys.executable, here, "megengine-bad", str(bad)], capture_output=True, text=True, check=False)
        lines = [ln for ln in out.stdout.splitlines() if ln.startswith("7 ")]
        print(f"7 target {bad}: exit status {out.returncode},", lines[0] if lines else "no Python exception",
              "| abort message:", "bad value in IndexingOneHot index" in out.stderr)


def megengine_bad(value):
    import megengine
    import megengine.functional as F

    logp = F.logsoftmax(megengine.Tensor(Z), axis=1)
    t = megengine.Tensor(np.array([0, 1, 2, 3, int(value), 1], "int32"))
    try:
        each = -F.nn.indexing_one_hot(logp, t, axis=1)
        print("7 returned", fmt(each.numpy()))
    except Exception as e:
        print("7 raised", type(e).__name__)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "megengine-bad":
        megengine_bad(sys.argv[2])
        return
    run_sides(torch_side, megengine_side, __file__)


if __name__ == "__main__":
    main()
