"""Audit of docs/pairs/training_step.yaml (torch.optim.Optimizer.step vs
megengine.optimizer.Optimizer.step: the training loop).

Claims checked (page as found, before this audit):
 1. step() returns the optimizer in MegEngine, so clear_grad() chains.
 2. Clearing after the step or before the backward pass gives the same weights; gradients
    accumulate until cleared in both.
 3. SGD(params) and Adam(params) raise TypeError in MegEngine (lr required); PyTorch defaults
    both to 0.001.
 4. Same starting weights, loss and hyperparameters: the same losses and weights after one step
    and after several (SGD + MSE, Adam + cross entropy).
 5. A GradManager with nothing attached: gm.backward runs without an error, .grad stays None,
    step() skips the parameters: the weights never change.
 6. Parameters added later must be attached too (a parameter not attached gets no gradient).
 7. Sequential names its parameters like PyTorch (0.weight, 0.bias, 2.weight...);
    named_parameters() yields them sorted by name, biases first; Linear's weight is
    (out_features, in_features) in both.
 8. The state dict of such a PyTorch model loads into the MegEngine one (strict) once its values
    are NumPy arrays.
 9. mse_loss is square_loss; cross_entropy takes logits and class indices in both
    (with_logits=True by default).
10. step(closure) has no counterpart (MegEngine's step() takes no argument); calling the closure
    then step() gives PyTorch's result.
Beyond the page:
11. gm.backward outside "with gm:" (a common slip when porting loss.backward()).
12. Sequential with more than 10 layers: MegEngine sorts names as text ("10.weight" before
    "2.weight"): positional copies between the two break, copies by name do not.

Run: .venv/bin/python audit/training_step.py (the MegEngine half runs in
.venv-megengine/bin/python); `... training_step.py torch|megengine` runs one half.
"""
import inspect

import numpy as np
from _sides import run_sides



def err(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0][:70] if str(e) else ''}"


def torch_side():
    import torch

    print("3 default lr", inspect.signature(torch.optim.SGD).parameters["lr"].default,
          inspect.signature(torch.optim.Adam).parameters["lr"].default)
    net = torch.nn.Sequential(torch.nn.Linear(4, 8), torch.nn.ReLU(), torch.nn.Linear(8, 3))
    print("7 names", [n for n, _ in net.named_parameters()], tuple(net[0].weight.shape))
    big = torch.nn.Sequential(*[torch.nn.Linear(2, 2) for _ in range(12)])
    print("12 names of a 12-layer Sequential", [n for n, _ in big.named_parameters()][:6], "...")
    print("10 step signature", inspect.signature(torch.optim.SGD.step))


def megengine_side():
    import megengine
    import megengine.functional as F
    import megengine.module as M
    from megengine.autodiff import GradManager

    for name in ("SGD", "Adam"):
        try:
            getattr(megengine.optimizer, name)([megengine.Parameter(np.zeros(2, "float32"))])
        except Exception as e:
            print("3", name, "without lr:", err(e))
    net = M.Sequential(M.Linear(4, 8), M.ReLU(), M.Linear(8, 3))
    print("7 names", [n for n, _ in net.named_parameters()], tuple(net[0].weight.shape))
    opt = megengine.optimizer.SGD(net.parameters(), lr=0.1)
    print("1 step() returns the optimizer:", opt.step() is opt)
    rng = np.random.default_rng(0)
    x = megengine.Tensor(rng.standard_normal((8, 4)).astype("float32"))
    t = megengine.Tensor(rng.standard_normal((8, 3)).astype("float32"))
    # 2: clearing before the backward pass vs after the step
    def train(order):
        n = M.Sequential(M.Linear(4, 8), M.ReLU(), M.Linear(8, 3))
        n.load_state_dict({k: np.full(v.shape, 0.1, "float32") * (i + 1) for i, (k, v) in enumerate(n.state_dict().items())})
        gm = GradManager().attach(n.parameters())
        o = megengine.optimizer.SGD(n.parameters(), lr=0.1)
        for _ in range(3):
            if order == "before":
                o.clear_grad()
            with gm:
                gm.backward(F.nn.square_loss(n(x), t))
            o.step()
            if order == "after":
                o.clear_grad()
        return n[0].weight.numpy()
    print("2 clear before vs after: same weights", bool(np.allclose(train("before"), train("after"))))
    # 5 and 6
    gm = GradManager()
    with gm:
        gm.backward(F.nn.square_loss(net(x), t))
    print("5 nothing attached: grads", [p.grad for p in net.parameters()])
    extra = megengine.Parameter(np.ones(3, "float32"))
    gm = GradManager().attach(net.parameters())
    with gm:
        gm.backward(F.nn.square_loss(net(x) * extra, t))
    print("6 a parameter not attached: grad", extra.grad)
    # 8
    sd = {"0.weight": np.ones((8, 4), "float32"), "0.bias": np.zeros(8, "float32"),
          "2.weight": np.ones((3, 8), "float32"), "2.bias": np.zeros(3, "float32")}
    net.load_state_dict(sd)
    print("8 a PyTorch Sequential's state dict (as NumPy) loads, strict")
    print("9 cross_entropy", inspect.signature(F.nn.cross_entropy))
    print("10 step signature", inspect.signature(megengine.optimizer.SGD.step))
    try:
        opt.step(lambda: None)
    except Exception as e:
        print("10 step(closure):", err(e))
    # 11
    gm = GradManager().attach(net.parameters())
    try:
        loss = F.nn.square_loss(net(x), t)
        gm.backward(loss)
        print("11 backward outside 'with gm': no error; grad", net[0].weight.grad)
    except Exception as e:
        print("11 backward outside 'with gm':", err(e))
    big = M.Sequential(*[M.Linear(2, 2) for _ in range(12)])
    print("12 names of a 12-layer Sequential", [n for n, _ in big.named_parameters()][:6], "...")


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
