"""Audit of docs/fourway/pairs/sgd.yaml (torch.optim.SGD, megengine.optimizer.SGD,
paddle.optimizer.SGD; JAX has no optimizer in jax itself (optax is not installed): the
update written by hand, checked against jax.example_libraries.optimizers).

Each side saves its parameters after 1 and 3 steps to /tmp/fourway_sgd_<framework>.npz; the
JAX side, run last, compares every case with PyTorch's. The gradient is the same at every step
(g), as in the page's examples.
Claims checked:
 1. Signatures: lr required in MegEngine, 0.001 by default in torch and Paddle (SGD and
    Momentum); momentum: none in Paddle's SGD, 0.9 by default in paddle.optimizer.Momentum.
 2. plain: lr 0.1, one and three steps: all four agree.
 3. momentum 0.9: torch, MegEngine, Paddle Momentum, JAX by hand agree (the first step stores
    the gradient itself).
 4. nesterov: torch nesterov=True, MegEngine nesterov=True, Paddle use_nesterov=True.
 5. weight_decay 0.01 (with momentum 0.9, and plain): L2 added to the gradient in all.
 6. dampening 0.5: torch only; by hand in the others.
 7. Paddle's SGD refuses momentum=.
 8. maximize (torch only): the negated gradient elsewhere.
 9. jax.example_libraries.optimizers.momentum / nesterov equal torch's.
10. Paddle's first parameter is the learning rate: SGD([p]) fails (the list is read as the rate,
    parameters stay None).
11. Paddle's Momentum(momentum=0.0) is plain SGD.
12. Nesterov without momentum: torch ValueError, MegEngine AssertionError, Paddle a plain step.
"""
import inspect

import numpy as np

rng = np.random.default_rng(0)
W = rng.standard_normal((2, 3)).astype("float32")
G = rng.standard_normal((2, 3)).astype("float32")
CASES = {
    "plain": dict(lr=0.1),
    "momentum": dict(lr=0.1, momentum=0.9),
    "nesterov": dict(lr=0.1, momentum=0.9, nesterov=True),
    "decay": dict(lr=0.1, weight_decay=0.01),
    "momentum_decay": dict(lr=0.1, momentum=0.9, weight_decay=0.01),
    "dampening": dict(lr=0.1, momentum=0.9, dampening=0.5),
}
R = {}


def by_hand(steps, lr, momentum=0.0, nesterov=False, weight_decay=0.0, dampening=0.0):
    """PyTorch's documented rule, in numpy."""
    p = W.astype("float64")
    v = None
    for _ in range(steps):
        d = G + weight_decay * p
        if momentum:
            v = d if v is None else momentum * v + (1 - dampening) * d
            d = d + momentum * v if nesterov else v
        p = p - lr * d
    return p


def torch_side():
    import torch

    print("1 signature", inspect.signature(torch.optim.SGD))
    for name, kw in CASES.items():
        p = torch.nn.Parameter(torch.tensor(W))
        p.grad = torch.tensor(G)
        opt = torch.optim.SGD([p], **kw)
        opt.step()
        R[name + "_1"] = p.detach().numpy().copy()
        opt.step()
        opt.step()
        R[name + "_3"] = p.detach().numpy().copy()
        print("2-6 %s: 3 steps vs the documented rule %.3g" % (name, np.abs(R[name + "_3"] - by_hand(3, **kw)).max()))
    try:
        torch.optim.SGD([torch.nn.Parameter(torch.tensor(W))], lr=0.1, nesterov=True)
    except ValueError as e:
        print("12 nesterov without momentum:", type(e).__name__, e)
    np.savez("/tmp/fourway_sgd_torch.npz", **R)


def megengine_side():
    import megengine
    import megengine.optimizer as O

    print("1 signature", inspect.signature(O.SGD))
    try:
        O.SGD([megengine.Parameter(W)])
    except TypeError as e:
        print("1 no lr:", e)
    try:
        O.SGD([megengine.Parameter(W)], lr=0.1, nesterov=True)
    except AssertionError as e:
        print("12 nesterov without momentum:", type(e).__name__, e)
    for name, kw in CASES.items():
        if "dampening" in kw:
            continue
        p = megengine.Parameter(W)
        p.grad = megengine.Tensor(G)
        opt = O.SGD([p], **kw)
        opt.step()
        R[name + "_1"] = p.numpy().copy()
        opt.step()
        opt.step()
        R[name + "_3"] = p.numpy().copy()
    np.savez("/tmp/fourway_sgd_megengine.npz", **R)


def paddle_side():
    import paddle

    print("1 signature SGD", inspect.signature(paddle.optimizer.SGD))
    print("1 signature Momentum", inspect.signature(paddle.optimizer.Momentum))
    try:
        paddle.optimizer.SGD(learning_rate=0.1, momentum=0.9, parameters=[paddle.to_tensor(W, stop_gradient=False)])
    except TypeError as e:
        print("7 SGD(momentum=0.9):", e)
    for name, kw in CASES.items():
        if "dampening" in kw:
            continue
        p = paddle.create_parameter(W.shape, "float32", default_initializer=paddle.nn.initializer.Assign(W))
        (p * paddle.to_tensor(G)).sum().backward()  # p.grad = G
        if "momentum" in kw:
            opt = paddle.optimizer.Momentum(learning_rate=kw["lr"], momentum=kw["momentum"], parameters=[p],
                                            use_nesterov=kw.get("nesterov", False), weight_decay=kw.get("weight_decay"))
        else:
            opt = paddle.optimizer.SGD(learning_rate=kw["lr"], parameters=[p], weight_decay=kw.get("weight_decay"))
        opt.step()
        R[name + "_1"] = p.numpy().copy()
        opt.step()
        opt.step()
        R[name + "_3"] = p.numpy().copy()
    p = paddle.create_parameter(W.shape, "float32", default_initializer=paddle.nn.initializer.Assign(W))
    (p * paddle.to_tensor(G)).sum().backward()
    opt = paddle.optimizer.Momentum(learning_rate=0.1, parameters=[p])  # momentum 0.9 by default
    opt.step()
    print("1 Momentum's default momentum:", opt._momentum)
    try:
        paddle.optimizer.SGD([p]).step()
    except Exception as e:  # noqa: BLE001
        print("10 SGD([p]):", type(e).__name__, e)
    p = paddle.create_parameter(W.shape, "float32", default_initializer=paddle.nn.initializer.Assign(W))
    (p * paddle.to_tensor(G)).sum().backward()
    paddle.optimizer.Momentum(learning_rate=0.1, momentum=0.0, parameters=[p]).step()
    print("11 Momentum(momentum=0.0) one step vs plain: %.3g" % np.abs(p.numpy() - R["plain_1"]).max())
    p = paddle.create_parameter(W.shape, "float32", default_initializer=paddle.nn.initializer.Assign(W))
    (p * paddle.to_tensor(G)).sum().backward()
    paddle.optimizer.Momentum(learning_rate=0.1, momentum=0.0, use_nesterov=True, parameters=[p]).step()
    print("12 Momentum(momentum=0.0, use_nesterov=True) one step vs plain: %.3g" % np.abs(p.numpy() - R["plain_1"]).max())
    np.savez("/tmp/fourway_sgd_paddle.npz", **R)


def jax_side():
    import jax.numpy as jnp
    from jax.example_libraries import optimizers

    for name, kw in CASES.items():
        lr, mu = kw["lr"], kw.get("momentum", 0.0)
        wd, damp = kw.get("weight_decay", 0.0), kw.get("dampening", 0.0)
        p, v = jnp.asarray(W), None
        for step in range(3):
            d = jnp.asarray(G) + wd * p
            if mu:
                v = d if v is None else mu * v + (1 - damp) * d
                d = d + mu * v if kw.get("nesterov") else v
            p = p - lr * d
            if step in (0, 2):
                R["%s_%d" % (name, step + 1)] = np.asarray(p)
    for name, make in (("example_libraries_momentum", optimizers.momentum), ("example_libraries_nesterov", optimizers.nesterov)):
        init, update, get = make(0.1, 0.9)
        state = init(jnp.asarray(W))
        for i in range(3):
            state = update(i, jnp.asarray(G), state)
        R[name + "_3"] = np.asarray(get(state))
    sides = {fw: dict(np.load("/tmp/fourway_sgd_%s.npz" % fw)) for fw in ("torch", "megengine", "paddle")}
    sides["jax"] = R
    ref = sides["torch"]
    print("== comparison with torch (max abs deviation of the parameters)")
    for name in sorted(set().union(*[set(s) for s in sides.values()])):
        base = ref.get(name, ref.get(name.replace("example_libraries_", "")))
        print(name, "|", ", ".join("%s: %.3g" % (fw, np.abs(s[name] - base).max()) for fw, s in sides.items() if name in s))
    print("9 example_libraries nesterov vs torch nesterov: %.3g" % np.abs(R["example_libraries_nesterov_3"] - ref["nesterov_3"]).max())


if __name__ == "__main__":
    import sys

    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _common import main

    main(globals())
