"""cross_entropy: claims of docs/pairs/cross_entropy.yaml, each re-run in both frameworks.

1. reduction "mean", "sum" and "none" give the same values (keys red_*).
2. label_smoothing == label_smooth, same formula (smooth_mean, smooth_none).
3. class axis 1 on both for (N, C, d1, d2); MegEngine's axis=-1 on moved logits gives the same (spatial, axis_last).
4. weight workaround: reduction="none" weighted by w[target], mean divides by the sum of those weights
   (weight_mean); for "sum" the plain weighted sum (weight_sum). Beyond: with label smoothing the
   workaround no longer matches (weight_smooth: PyTorch weights the smoothing term per class);
   both terms built by hand match (weight_smooth_fixed). FIXED: usage, weight row, example 8.
5. ignore_index workaround (ignore_mean); every label ignored (ignore_all: PyTorch NaN);
   with label smoothing (ignore_smooth); its gradient (ignore_grad).
6. labels -100: PyTorch skips them by default; MegEngine raises (minus100). Beyond: under MegEngine's
   default asynchronous dispatch the call returns a value and the error comes at exit (minus100);
   with megengine.config.async_level = 0 it is a RuntimeError at the call (minus100_sync).
   FIXED: usage and ignore_index row say so; example 5's code sets async_level = 0.
7. soft targets (float class probabilities) exist only in PyTorch (soft: MegEngine's AssertionError);
   the hand-written -(p * logsoftmax).sum(1).mean() matches (soft_fixed). ADDED: usage, example 9.
8. with_logits=False == nll_loss(log p) (probs); with label smoothing too (probs_smooth).
9. gradients with respect to the logits agree, with label smoothing too (grad_smooth).
10. label dtype: PyTorch needs int64 (int32 labels), MegEngine takes int32 (label_int32).
"""
import sys

import numpy as np


def data(rng):
    logits = rng.randn(6, 3).astype("float32")
    labels = np.array([0, 2, 1, 1, 0, 2], dtype=np.int64)
    spatial = rng.randn(2, 3, 4, 4).astype("float32")
    slabels = rng.randint(0, 3, size=(2, 4, 4)).astype(np.int64)
    w = np.array([0.2, 1.0, 3.0], dtype="float32")
    ignored = np.array([0, -100, 1, -100, 2, 2], dtype=np.int64)
    soft = rng.rand(6, 3).astype("float32")
    soft /= soft.sum(axis=1, keepdims=True)
    return logits, labels, spatial, slabels, w, ignored, soft


def torch_side(rng):
    import torch
    import torch.nn.functional as F
    logits, labels, spatial, slabels, w, ignored, soft = [torch.tensor(a) for a in data(rng)]
    out = {}
    for red in ("mean", "sum", "none"):
        out["red_" + red] = F.cross_entropy(logits, labels, reduction=red).numpy()
    out["smooth_mean"] = F.cross_entropy(logits, labels, label_smoothing=0.1).item()
    out["smooth_none"] = F.cross_entropy(logits, labels, label_smoothing=0.1, reduction="none").numpy()
    out["spatial"] = F.cross_entropy(spatial, slabels, reduction="none").numpy()
    out["axis_last"] = out["spatial"]
    out["weight_mean"] = F.cross_entropy(logits, labels, weight=w).item()
    out["weight_sum"] = F.cross_entropy(logits, labels, weight=w, reduction="sum").item()
    out["weight_smooth"] = F.cross_entropy(logits, labels, weight=w, label_smoothing=0.1).item()
    out["weight_smooth_fixed"] = out["weight_smooth"]
    out["ignore_mean"] = F.cross_entropy(logits, ignored).item()
    out["ignore_all"] = F.cross_entropy(logits, torch.full((6,), -100)).item()
    out["ignore_smooth"] = F.cross_entropy(logits, ignored, label_smoothing=0.1).item()
    x = logits.clone().requires_grad_()
    F.cross_entropy(x, ignored).backward()
    out["ignore_grad"] = x.grad.numpy()
    out["minus100"] = "skipped"
    out["soft"] = F.cross_entropy(logits, soft).item()
    out["soft_fixed"] = out["soft"]
    p = torch.softmax(logits, 1)
    out["probs"] = F.nll_loss(torch.log(p), labels).item()
    out["probs_smooth"] = F.cross_entropy(torch.log(p), labels, label_smoothing=0.1).item()
    x = logits.clone().requires_grad_()
    F.cross_entropy(x, labels, label_smoothing=0.1).backward()
    out["grad_smooth"] = x.grad.numpy()
    try:
        F.cross_entropy(logits, labels.int())
        out["label_int32"] = "accepted"
    except RuntimeError as exc:
        out["label_int32"] = "RuntimeError: " + str(exc).splitlines()[0][:60]
    return out


MINUS100 = """
import numpy as np, megengine, megengine.functional as F
logits = megengine.Tensor(np.random.RandomState(0).randn(4, 5).astype("float32"))
labels = megengine.Tensor(np.array([1, -100, 3, -100]))
try:
    loss = F.nn.cross_entropy(logits, labels)
    print("returns", type(loss.numpy()).__name__, flush=True)
except RuntimeError:
    print("raises at the call", flush=True)
"""


def minus100_default():
    """Labels -100 with MegEngine's default (asynchronous) dispatch, in a process of their own."""
    import subprocess
    done = subprocess.run([sys.executable, "-c", MINUS100], capture_output=True, text=True)
    late = "raised at exit" if "_run_exit_handlers" in done.stderr else ""
    late = late or ("process aborted" if done.returncode else "no error")
    return "%s; %s" % (done.stdout.strip(), late)


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    logits, labels, spatial, slabels, w, ignored, soft = [megengine.Tensor(a) for a in data(rng)]
    ce = F.nn.cross_entropy
    out = {}
    for red in ("mean", "sum", "none"):
        out["red_" + red] = ce(logits, labels, reduction=red).numpy()
    out["smooth_mean"] = ce(logits, labels, label_smooth=0.1).item()
    out["smooth_none"] = ce(logits, labels, label_smooth=0.1, reduction="none").numpy()
    out["spatial"] = ce(spatial, slabels, reduction="none").numpy()
    out["axis_last"] = ce(spatial.transpose(0, 2, 3, 1), slabels, axis=-1, reduction="none").numpy()
    wt = (F.nn.one_hot(labels, 3) * w).sum(axis=1)
    each = ce(logits, labels, reduction="none")
    out["weight_mean"] = ((each * wt).sum() / wt.sum()).item()
    out["weight_sum"] = (each * wt).sum().item()
    each_s = ce(logits, labels, reduction="none", label_smooth=0.1)
    out["weight_smooth"] = ((each_s * wt).sum() / wt.sum()).item()
    smooth = -(F.nn.logsoftmax(logits, axis=1) * w).sum(axis=1) / 3
    out["weight_smooth_fixed"] = ((0.9 * each * wt + 0.1 * smooth).sum() / wt.sum()).item()

    def ignore(lab, smooth=0.0, x=logits):
        keep = lab != -100
        safe = F.where(keep, lab, F.zeros_like(lab))
        each = ce(x, safe, reduction="none", label_smooth=smooth)
        return (each * keep).sum() / keep.sum()
    out["ignore_mean"] = ignore(ignored).item()
    out["ignore_all"] = ignore(megengine.Tensor(np.full(6, -100, dtype=np.int32))).item()
    out["ignore_smooth"] = ignore(ignored, 0.1).item()
    gm = megengine.autodiff.GradManager()
    x = megengine.Parameter(logits.numpy())
    gm.attach([x])
    with gm:
        gm.backward(ignore(ignored, x=x))
    out["ignore_grad"] = x.grad.numpy()
    out["minus100"] = minus100_default()
    megengine.config.async_level = 0
    try:
        ce(logits, ignored)
        out["minus100_sync"] = "no error"
    except RuntimeError as exc:
        out["minus100_sync"] = "RuntimeError at the call: " + str(exc).splitlines()[1][:60]
    try:
        out["soft"] = ce(logits, soft).item()
    except Exception as exc:  # noqa: BLE001
        out["soft"] = type(exc).__name__
    out["soft_fixed"] = (-(soft * F.nn.logsoftmax(logits, axis=1)).sum(axis=1).mean()).item()
    p = F.softmax(logits, axis=1)
    out["probs"] = ce(p, labels, with_logits=False).item()
    out["probs_smooth"] = ce(p, labels, with_logits=False, label_smooth=0.1).item()
    x = megengine.Parameter(logits.numpy())
    gm = megengine.autodiff.GradManager()
    gm.attach([x])
    with gm:
        gm.backward(ce(x, labels, label_smooth=0.1))
    out["grad_smooth"] = x.grad.numpy()
    out["label_int32"] = "accepted" if ce(logits, labels.astype("int32")).item() == ce(logits, labels).item() else "differs"
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
