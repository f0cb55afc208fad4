"""binary_cross_entropy_with_logits: claims of docs/pairs/binary_cross_entropy_with_logits.yaml, re-run in both frameworks.

1. MegEngine's binary_cross_entropy takes logits by default, like PyTorch's ..._with_logits,
   for reduction "mean", "sum" and "none" (logits_*).
2. with_logits=False == PyTorch's binary_cross_entropy on probabilities (probs).
3. weight workaround: reduction="none" times the weight, then the mean over all elements
   (weight_mean; PyTorch's "mean" divides by N, not by the sum of the weights).
4. pos_weight multiplies the t * log(sigmoid(z)) term only: the hand-written loss matches, also
   for soft targets and logits of +-30 (pos_weight, pos_weight_soft_large).
5. labels must be floating point: integer/bool labels in each framework (int_labels).
6. probabilities of exactly 0 or 1: PyTorch finite (0 right, 100 wrong), MegEngine inf and nan (edge01).
7. sigmoid returns exactly 1.0 in float32 from about z = 16.65 on (sigmoid_one: first z of a
   0.01 grid from 16.5 where it is 1.0).
8. clamped logarithms, F.maximum(F.log(p), -100), give PyTorch's values (clamp_value).
   Beyond: their gradients are NaN where p is 0 or 1, with respect to p and through sigmoid
   (clamp_grad_p, clamp_grad_z); PyTorch's are finite. A double-where clamped log gives PyTorch's
   values and finite gradients, equal to PyTorch's through sigmoid (where_value, where_grad_z).
   FIXED: usage; examples 4 (recipe) and 5 use the double-where log; example 7 shows the nan gradients.
9. with logits, gradients agree for logits up to +-30 (grad_logits).
"""
import sys

import numpy as np

P01 = np.array([0.0, 1.0, 1.0, 0.3], dtype="float32")
T01 = np.array([1.0, 1.0, 0.0, 1.0], dtype="float32")
ZSAT = np.array([-20.0, 20.0, 20.0, 0.5], dtype="float32")
Z30 = np.array([-30.0, -2.0, 0.0, 0.5, 3.0, 30.0], dtype="float32")
T30 = np.array([1.0, 0.0, 1.0, 0.0, 1.0, 0.0], dtype="float32")


def data(rng):
    z = rng.randn(5, 2).astype("float32")
    t = (rng.rand(5, 2) > 0.5).astype("float32")
    soft = rng.rand(5, 2).astype("float32")
    w = rng.rand(5, 2).astype("float32")
    pw = np.array([3.0, 0.5], dtype="float32")
    return z, t, soft, w, pw


def torch_side(rng):
    import torch
    import torch.nn.functional as F
    z, t, soft, w, pw = [torch.tensor(a) for a in data(rng)]
    out = {}
    for red in ("mean", "sum", "none"):
        out["logits_" + red] = F.binary_cross_entropy_with_logits(z, t, reduction=red).numpy()
    out["probs"] = F.binary_cross_entropy(torch.sigmoid(z), t).item()
    out["weight_mean"] = F.binary_cross_entropy_with_logits(z, t, weight=w).item()
    out["pos_weight"] = F.binary_cross_entropy_with_logits(z, t, pos_weight=pw).item()
    big = z * 30
    out["pos_weight_soft_large"] = F.binary_cross_entropy_with_logits(big, soft, pos_weight=pw).item()
    try:
        F.binary_cross_entropy_with_logits(z, t.long())
        out["int_labels"] = "accepted"
    except RuntimeError as exc:
        out["int_labels"] = "RuntimeError: " + str(exc)[:50]
    p, t01 = torch.tensor(P01), torch.tensor(T01)
    out["edge01"] = F.binary_cross_entropy(p, t01, reduction="none").numpy()
    grid = torch.arange(1650, 1700, dtype=torch.float64).float() / 100
    out["sigmoid_one"] = round(grid[torch.sigmoid(grid) == 1.0][0].item(), 2)
    out["clamp_value"] = out["edge01"]
    out["where_value"] = out["edge01"]
    p = p.clone().requires_grad_()
    F.binary_cross_entropy(p, t01, reduction="none").sum().backward()
    out["clamp_grad_p"] = p.grad.numpy()
    zs = torch.tensor(ZSAT, requires_grad=True)
    F.binary_cross_entropy(torch.sigmoid(zs), t01, reduction="none").sum().backward()
    out["clamp_grad_z"] = zs.grad.numpy()
    out["where_grad_z"] = zs.grad.numpy()
    z30 = torch.tensor(Z30, requires_grad=True)
    F.binary_cross_entropy_with_logits(z30, torch.tensor(T30)).backward()
    out["grad_logits"] = z30.grad.numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    z, t, soft, w, pw = [megengine.Tensor(a) for a in data(rng)]
    bce = F.nn.binary_cross_entropy
    out = {}
    for red in ("mean", "sum", "none"):
        out["logits_" + red] = bce(z, t, reduction=red).numpy()
    out["probs"] = bce(F.sigmoid(z), t, with_logits=False).item()
    out["weight_mean"] = (bce(z, t, reduction="none") * w).mean().item()

    def pos(zz, tt):
        return (-(pw * tt * F.logsigmoid(zz) + (1 - tt) * F.logsigmoid(-zz))).mean().item()
    out["pos_weight"] = pos(z, t)
    out["pos_weight_soft_large"] = pos(z * 30, soft)
    try:
        value = bce(z, t.astype("int32")).item()
        out["int_labels"] = "accepted, same value" if np.isclose(value, out["logits_mean"]) else "accepted, other value"
    except Exception as exc:  # noqa: BLE001
        out["int_labels"] = type(exc).__name__
    p, t01 = megengine.Tensor(P01), megengine.Tensor(T01)
    out["edge01"] = bce(p, t01, with_logits=False, reduction="none").numpy()
    grid = megengine.Tensor(np.arange(1650, 1700).astype("float64") / 100, dtype="float32")
    ones = (F.sigmoid(grid) == 1.0).numpy()
    out["sigmoid_one"] = round(float(grid.numpy()[ones][0]), 2)

    def clamped(x):
        return F.maximum(F.log(x), -100.0)

    def clamped_where(x):
        positive = x > 0
        safe = F.where(positive, x, F.ones_like(x))
        return F.where(positive, F.maximum(F.log(safe), -100.0), F.full_like(x, -100.0))

    def loss(x, log):
        return -(t01 * log(x) + (1 - t01) * log(1 - x))
    out["clamp_value"] = loss(p, clamped).numpy()
    out["where_value"] = loss(p, clamped_where).numpy()
    pp = megengine.Parameter(P01)
    gm = GradManager().attach([pp])
    with gm:
        gm.backward(loss(pp, clamped).sum())
    out["clamp_grad_p"] = pp.grad.numpy()
    for key, log in (("clamp_grad_z", clamped), ("where_grad_z", clamped_where)):
        zs = megengine.Parameter(ZSAT)
        gm = GradManager().attach([zs])
        with gm:
            gm.backward(loss(F.sigmoid(zs), log).sum())
        out[key] = zs.grad.numpy()
    z30 = megengine.Parameter(Z30)
    gm = GradManager().attach([z30])
    with gm:
        gm.backward(bce(z30, megengine.Tensor(T30)))
    out["grad_logits"] = z30.grad.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
