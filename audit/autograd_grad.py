"""autograd_grad: claims of docs/pairs/autograd_grad.yaml, re-run in both frameworks.

1. autograd.grad returns a tuple and leaves .grad alone; gm.backward returns None and fills .grad
   (returns, dx, grad_untouched).
2. gm.backward adds to a .grad that holds a value (accumulates); attaching detached copies leaves
   x.grad alone (detached_copy); saving and resetting x.grad works too (reset).
3. grad_outputs=dy is gm.backward(y, dy) (upstream); without it PyTorch refuses a non-scalar,
   MegEngine uses ones (no_upstream).
4. unused inputs: RuntimeError without allow_unused, None with it, zeros with materialize_grads;
   MegEngine's .grad stays None (unused).
5. nested managers give second derivatives (d2); one manager inside itself raises
   "already recording" (same_manager_twice); without the reset the second derivative is added to the
   first (no_reset); the outer manager without x leaves x.grad None (outer_without_x).
6. retain_graph: a recording serves one backward (second_backward).
   Beyond: the gradient with respect to an intermediate result (intermediate); a gradient penalty
   (the WGAN-GP pattern: d/dw of ||d D(x)/dx||), nested managers (penalty_grad_w), and with
   leaky_relu written F.maximum(h, 0.2 * h) (penalty_maximum); which operations have a second
   derivative in MegEngine (second_order: "ok", "None" = x.grad silently None, or the error).
FOUND: second derivatives fail through leaky_relu, gelu, softplus, silu (RuntimeError) and are
silently None through max_pool2d and avg_pool2d.
FIXED: usage (Higher-order gradients), create_graph row, examples 6 (leaky_relu error),
7 (avg_pool None, recipe: a constant-kernel convolution), 8 (gradient penalty with maximum).
"""
import sys

import numpy as np


def data(rng):
    return (rng.randn(2, 3).astype("float32"), rng.randn(3, 4).astype("float32"), rng.randn(2, 3).astype("float32"),
            rng.randn(4, 3).astype("float32"), rng.randn(5, 3).astype("float32"))


def torch_side(rng):
    import torch
    x0, w0, old0, xp0, wp0 = [torch.tensor(a) for a in data(rng)]
    out = {}
    x, w = x0.clone().requires_grad_(), w0.clone().requires_grad_()
    result = torch.autograd.grad(torch.tanh(x @ w).sum(), [x, w])
    out["returns"] = type(result).__name__
    out["dx"] = result[0].numpy()
    out["grad_untouched"] = x.grad is None
    x = x0.clone().requires_grad_()
    x.grad = old0.clone()
    out["accumulates"] = (torch.autograd.grad(torch.tanh(x).sum(), [x])[0] + x.grad).numpy()
    out["detached_copy"] = out["reset"] = "x.grad kept"
    dy = old0
    x = x0.clone().requires_grad_()
    out["upstream"] = torch.autograd.grad(torch.sigmoid(x) * x, [x], grad_outputs=dy)[0].numpy()
    try:
        torch.autograd.grad(torch.sigmoid(x) * x, [x])
        out["no_upstream"] = "runs"
    except RuntimeError:
        out["no_upstream"] = "RuntimeError"
    u = old0.clone().requires_grad_()
    try:
        torch.autograd.grad(torch.tanh(x).sum(), [x, u])
        raised = "no error"
    except RuntimeError:
        raised = "RuntimeError"
    none = torch.autograd.grad(torch.tanh(x).sum(), [x, u], allow_unused=True)[1]
    zeros = torch.autograd.grad(torch.tanh(x).sum(), [x, u], materialize_grads=True)[1]
    out["unused"] = "%s; allow_unused: %s; materialize_grads: %s" % (raised, none, float(zeros.abs().sum()))
    y = torch.tanh(x).sum()
    (d1,) = torch.autograd.grad(y, [x], create_graph=True)
    (d2,) = torch.autograd.grad(d1.sum(), [x])
    out["d2"] = d2.numpy()
    out["same_manager_twice"] = "n/a"
    out["no_reset"] = (d1 + d2).detach().numpy()
    out["outer_without_x"] = "n/a"
    loss = torch.tanh(x).sum()
    loss.backward()
    try:
        loss.backward()
        out["second_backward"] = "runs"
    except RuntimeError:
        out["second_backward"] = "RuntimeError"
    h = torch.tanh(x0 @ w0.clone().requires_grad_())
    out["intermediate"] = torch.autograd.grad((h ** 2).sum(), [h])[0].numpy()
    xp = xp0.clone().requires_grad_()
    wp = wp0.clone().requires_grad_()
    score = torch.nn.functional.leaky_relu(xp @ wp.T, 0.2).sum()
    (gx,) = torch.autograd.grad(score, [xp], create_graph=True)
    penalty = ((gx.norm(dim=1) - 1) ** 2).mean()
    penalty.backward()
    out["penalty_grad_w"] = out["penalty_maximum"] = wp.grad.numpy()
    out["second_order"] = "every operation"
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x0, w0, old0, xp0, wp0 = data(rng)
    T = megengine.Tensor
    out = {}
    x, w = T(x0), T(w0)
    gm = GradManager().attach([x, w])
    with gm:
        result = gm.backward(F.tanh(x @ w).sum())
    out["returns"] = type(result).__name__
    out["dx"] = x.grad.numpy()
    out["grad_untouched"] = x.grad is None
    x = T(x0)
    x.grad = T(old0)
    gm = GradManager().attach([x])
    with gm:
        gm.backward(F.tanh(x).sum())
    out["accumulates"] = x.grad.numpy()
    x = T(x0)
    x.grad = T(old0)
    xd = x.detach()
    gm = GradManager().attach([xd])
    with gm:
        gm.backward(F.tanh(xd).sum())
    out["detached_copy"] = "x.grad kept" if np.allclose(x.grad.numpy(), old0) else "x.grad changed"
    kept, x.grad = x.grad, None
    gm = GradManager().attach([x])
    with gm:
        gm.backward(F.tanh(x).sum())
    fresh, x.grad = x.grad, kept
    out["reset"] = "x.grad kept" if np.allclose(x.grad.numpy(), old0) and np.allclose(fresh.numpy(), xd.grad.numpy()) else "wrong"
    x = T(x0)
    gm = GradManager().attach([x])
    with gm:
        gm.backward(F.sigmoid(x) * x, T(old0))
    out["upstream"] = x.grad.numpy()
    x2 = T(x0)
    gm = GradManager().attach([x2])
    with gm:
        gm.backward(F.sigmoid(x2) * x2)
    x3 = T(x0)
    gm = GradManager().attach([x3])
    with gm:
        gm.backward(F.sigmoid(x3) * x3, F.ones_like(x3))
    out["no_upstream"] = "uses ones" if np.allclose(x2.grad.numpy(), x3.grad.numpy()) else "other"
    x, u = T(x0), T(old0)
    gm = GradManager().attach([x, u])
    with gm:
        gm.backward(F.tanh(x).sum())
    out["unused"] = "u.grad %s" % (u.grad,)

    def second(reset=True, outer_has_x=True):
        x = T(x0)
        outer = GradManager().attach([x] if outer_has_x else [])
        inner = GradManager().attach([x])
        with outer:
            with inner:
                inner.backward(F.tanh(x).sum())
            d1 = x.grad
            if reset:
                x.grad = None
            outer.backward(d1.sum())
        return x.grad
    out["d2"] = second().numpy()
    out["no_reset"] = second(reset=False).numpy()
    out["outer_without_x"] = str(second(outer_has_x=False))
    x = T(x0)
    gm = GradManager().attach([x])
    try:
        with gm:
            with gm:
                pass
        out["same_manager_twice"] = "no error"
    except RuntimeError as exc:
        out["same_manager_twice"] = "RuntimeError: " + str(exc)[:30]
    x = T(x0)
    gm = GradManager().attach([x])
    try:
        with gm:
            loss = F.tanh(x).sum()
            gm.backward(loss)
            gm.backward(loss)
        out["second_backward"] = "runs"
    except Exception as exc:  # noqa: BLE001
        out["second_backward"] = type(exc).__name__
    x, w = T(x0), T(w0)
    gm = GradManager()
    try:
        with gm:
            h = F.tanh(x @ w)
            gm.attach([h])
            gm.backward((h ** 2).sum())
        out["intermediate"] = h.grad.numpy() if h.grad is not None else "None"
    except Exception as exc:  # noqa: BLE001
        out["intermediate"] = type(exc).__name__ + ": " + str(exc)[:60]
    xp, wp = T(xp0), T(wp0)
    outer = GradManager().attach([wp])
    inner = GradManager().attach([xp])
    try:
        with outer:
            with inner:
                inner.backward(F.leaky_relu(xp @ wp.T, 0.2).sum())
            gx = xp.grad
            penalty = ((F.sqrt((gx ** 2).sum(axis=1)) - 1) ** 2).mean()
            wp.grad = None
            outer.backward(penalty)
        out["penalty_grad_w"] = wp.grad.numpy() if wp.grad is not None else "None"
    except Exception as exc:  # noqa: BLE001
        out["penalty_grad_w"] = type(exc).__name__ + ": " + str(exc).splitlines()[0][:60]
    xp, wp = T(xp0), T(wp0)
    outer = GradManager().attach([wp])
    inner = GradManager().attach([xp])
    with outer:
        with inner:
            h = xp @ wp.T
            inner.backward(F.maximum(h, 0.2 * h).sum())
        gx = xp.grad
        outer.backward(((F.sqrt((gx ** 2).sum(axis=1)) - 1) ** 2).mean())
    out["penalty_maximum"] = wp.grad.numpy()
    out["second_order"] = second_order_ops(megengine, F, GradManager)
    return out


def second_order_ops(megengine, F, GradManager):
    ops = {
        "relu": F.relu, "leaky_relu": lambda x: F.leaky_relu(x, 0.2), "sigmoid": F.sigmoid, "tanh": F.tanh,
        "gelu": F.gelu, "softplus": F.softplus, "silu": F.silu, "exp": F.exp,
        "logsoftmax": lambda x: F.logsoftmax(x, axis=1), "matmul": lambda x: x @ x.T,
        "conv2d": lambda x: F.conv2d(x.reshape(1, 1, 4, 6), F.ones((1, 1, 3, 3))),
        "max_pool2d": lambda x: F.max_pool2d(x.reshape(1, 1, 4, 6), 2),
        "avg_pool2d": lambda x: F.avg_pool2d(x.reshape(1, 1, 4, 6), 2),
        "maximum": lambda x: F.maximum(x, 0.2 * x), "clip": lambda x: F.clip(x, -0.5, 0.5),
    }
    found = []
    for name, op in ops.items():
        x = megengine.Tensor(np.random.RandomState(1).randn(4, 6).astype("float32"))
        outer, inner = GradManager().attach([x]), GradManager().attach([x])
        try:
            with outer:
                with inner:
                    inner.backward((op(x) ** 2).sum())
                d1, x.grad = x.grad, None
                outer.backward((d1 ** 2).sum())
            found.append("%s: %s" % (name, "ok" if x.grad is not None else "None"))
        except RuntimeError as exc:
            found.append("%s: %s" % (name, str(exc).splitlines()[0].replace("grad for elemwise mode ", "")))
    return found


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
