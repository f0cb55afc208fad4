"""Audit of docs/pairs/state_dict.yaml (torch.nn.Module.state_dict vs megengine.module.Module.state_dict),
and of the optimizer state the issue names (a PyTorch Adam state dict in MegEngine).

Claims checked (page as found, before this audit):
 1. Keys: conv.weight, conv.bias, bn.weight, bn.bias, bn.running_mean, bn.running_var in both;
    PyTorch adds bn.num_batches_tracked (an int64 scalar).
 2. MegEngine's values are numpy.ndarray; keep_var=True gives its tensors.
 3. Conv bias (4,) in PyTorch, (1, 4, 1, 1) in MegEngine.
 4. BatchNorm statistics come out of MegEngine's state_dict() as (C,) and a (C,) array loads back.
 5. load_state_dict refuses a tensor (AssertionError).
 6. A (C,) convolution bias is a ValueError.
 7. strict=True (the default in both) raises KeyError on an unknown key (num_batches_tracked).
 8. A function instead of a dict is called once per MegEngine key: extra PyTorch keys are ignored.
 9. PyTorch casts float64 to float32; MegEngine fails on float64 with
    "RuntimeError: Unable to cast Python instance to C++ type".
10. Summary: MegEngine "accepts only float32-compatible NumPy arrays" (WRONG, see 11-13).
11. float16, int32 (and int8, uint8, bool) arrays load silently in MegEngine and the parameter
    takes their dtype; PyTorch casts every one to float32. int64 fails like float64.
12. After a float16 load, MegEngine's forward runs but SGD's step fails (dtype assertion).
13. After an int32 load, MegEngine's convolution fails (the issue's wording; WRONG: in a fresh
    process it runs; it failed only after a failed step() in the same process, see 21);
    GradManager refuses to attach the int32 parameter.
21. A failed step() leaves the process broken: afterwards x * 2.0 raises "py_apply expects tensor
    as inputs" (step() turns input conversion off and does not restore it when it raises);
    megengine.core.tensor.utils.set_convert_inputs(True) restores it. Each dtype of 11-13 runs in
    its own process for that reason.
14. Casting with .astype("float32") in the loading function fixes 9-13.
15. strict=False: PyTorch returns missing/unexpected keys; MegEngine logs a warning, returns None.
16. keep_vars/keep_var and destination/rst: the parameter names.
Optimizer state (issue 21):
17. A PyTorch Adam state dict (values as NumPy) loaded into MegEngine's Adam raises ValueError:
    the parameter-group keys differ.
18. MegEngine orders a module's parameters by name (Linear: bias, weight), PyTorch by definition
    (weight, bias); optimizer states are matched by position.
19. A positional conversion fails at step() where shapes differ (Linear), and silently swaps the
    states where shapes agree (BatchNorm's weight and bias).
20. A conversion by parameter name (MegEngine's group keys taken from the PyTorch group,
    state reshaped to the parameter) continues training as PyTorch does.

Run: .venv/bin/python audit/state_dict.py  (runs the MegEngine half in
.venv-megengine/bin/python); `... state_dict.py torch|megengine` runs one half.
"""
import os
import subprocess
import sys

import numpy as np
from _sides import run_sides

rng = np.random.default_rng(0)
CW = rng.standard_normal((4, 3, 3, 3)).astype("float32")
CB = rng.standard_normal(4).astype("float32")
X = rng.standard_normal((2, 3, 6, 6)).astype("float32")
# Adam state after some steps of a Linear(3, 2), as torch_opt.state_dict() would hold it
W = rng.standard_normal((2, 3)).astype("float32")
B = rng.standard_normal(2).astype("float32")
G_W = rng.standard_normal((2, 3)).astype("float32")
G_B = rng.standard_normal(2).astype("float32")
M_W = rng.standard_normal((2, 3)).astype("float32") * 0.1
V_W = np.abs(rng.standard_normal((2, 3))).astype("float32") * 0.01
M_B = rng.standard_normal(2).astype("float32") * 0.1
V_B = np.abs(rng.standard_normal(2)).astype("float32") * 0.01


def fmt(a):
    return " ".join(f"{v:.4f}" for v in np.asarray(a).ravel())


def err(e):
    return f"{type(e).__name__}: {str(e).splitlines()[0][:90]}"


def torch_side():
    import torch

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = torch.nn.Conv2d(3, 4, 3)
            self.bn = torch.nn.BatchNorm2d(4)

    sd = Net().state_dict()
    print("1 keys", list(sd))
    print("1 num_batches_tracked", sd["bn.num_batches_tracked"].dtype, tuple(sd["bn.num_batches_tracked"].shape))
    print("2 value types", sorted({type(v).__name__ for v in sd.values()}))
    print("3 conv.bias", tuple(sd["conv.bias"].shape))
    x = torch.from_numpy(X)
    for dt in ["float64", "float16", "int32", "int64", "int8", "uint8", "bool"]:
        net = torch.nn.Conv2d(3, 4, 3)
        net.load_state_dict({"weight": torch.from_numpy(CW.astype(dt)), "bias": torch.from_numpy(CB.astype(dt))})
        y = net(x)
        y.sum().backward()
        torch.optim.SGD(net.parameters(), lr=0.1).step()
        print(f"9/11 load {dt}: parameter {net.weight.dtype}, forward and SGD step ok")
    net = torch.nn.Conv2d(3, 4, 3)
    r = net.load_state_dict({"weight": torch.from_numpy(CW), "bias": torch.from_numpy(CB), "extra": torch.zeros(1)}, strict=False)
    print("15 strict=False returns", r)
    try:
        net.load_state_dict({"weight": torch.from_numpy(CW), "bias": torch.from_numpy(CB), "extra": torch.zeros(1)})
    except Exception as e:
        print("7 strict unknown key:", type(e).__name__)
    # Optimizer state
    fc = torch.nn.Linear(3, 2)
    print("18 parameter order", [n for n, _ in fc.named_parameters()])
    with torch.no_grad():
        fc.weight.copy_(torch.from_numpy(W))
        fc.bias.copy_(torch.from_numpy(B))
    opt = torch.optim.Adam(fc.parameters(), lr=0.1)
    sd = opt.state_dict()
    sd["state"] = {
        0: {"step": torch.tensor(3.0), "exp_avg": torch.from_numpy(M_W), "exp_avg_sq": torch.from_numpy(V_W)},
        1: {"step": torch.tensor(3.0), "exp_avg": torch.from_numpy(M_B), "exp_avg_sq": torch.from_numpy(V_B)},
    }
    print("17 torch group keys", sorted(k for k in sd["param_groups"][0] if k != "params"))
    opt.load_state_dict(sd)
    fc.weight.grad = torch.from_numpy(G_W)
    fc.bias.grad = torch.from_numpy(G_B)
    opt.step()
    print("20 torch weight after one step", fmt(fc.weight.detach().numpy()))
    print("20 torch bias after one step", fmt(fc.bias.detach().numpy()))
    bn = torch.nn.BatchNorm2d(3)
    print("19 BatchNorm parameter order", [n for n, _ in bn.named_parameters()])


def megengine_side():
    import megengine
    import megengine.module as M
    from megengine.autodiff import GradManager

    class Net(M.Module):
        def __init__(self):
            super().__init__()
            self.conv = M.Conv2d(3, 4, 3)
            self.bn = M.BatchNorm2d(4)

        def forward(self, x):
            return self.bn(self.conv(x))

    net = Net()
    sd = net.state_dict()
    print("1 keys", list(sd))
    print("2 value types", sorted({type(v).__name__ for v in sd.values()}))
    print("2 keep_var=True value types", sorted({type(v).__name__ for v in net.state_dict(keep_var=True).values()}))
    print("3 conv.bias", sd["conv.bias"].shape)
    print("4 bn shapes in state_dict", {k: v.shape for k, v in sd.items() if k.startswith("bn.")})
    print("4 bn inside the module", tuple(net.bn.weight.shape))
    net.load_state_dict(sd)
    print("4 the (C,) dict loads back: ok")
    conv = M.Conv2d(3, 4, 3)
    try:
        conv.load_state_dict({"weight": megengine.Tensor(CW), "bias": megengine.Tensor(CB.reshape(1, 4, 1, 1))})
    except Exception as e:
        print("5 a tensor:", type(e).__name__)
    try:
        conv.load_state_dict({"weight": CW, "bias": CB})
    except Exception as e:
        print("6 (C,) conv bias:", err(e))
    try:
        conv.load_state_dict({"weight": CW, "bias": CB.reshape(1, 4, 1, 1), "num_batches_tracked": np.array(1)})
    except Exception as e:
        print("7 unknown key:", type(e).__name__)
    calls = []
    tsd = {"weight": CW, "bias": CB, "num_batches_tracked": np.array(10)}
    conv.load_state_dict(lambda k, var: calls.append(k) or tsd[k].reshape(var.shape))
    print("8 the function is called for", calls)
    x = megengine.Tensor(X)
    here = os.path.abspath(__file__)
    for dt in ["float64", "int64", "float16", "int32", "int8", "uint8", "bool"]:
        out = subprocess.run([sys.executable, here, "megengine-dtype", dt], capture_output=True, text=True, check=False)
        print(out.stdout.rstrip())
    for dt in ["float64", "int64", "float16", "int32"]:
        net = M.Conv2d(3, 4, 3)
        sd = {"weight": CW.astype(dt), "bias": CB.astype(dt)}
        net.load_state_dict(lambda k, var: sd[k].astype("float32").reshape(var.shape))
        gm = GradManager().attach(net.parameters())
        opt = megengine.optimizer.SGD(net.parameters(), lr=0.1)
        with gm:
            gm.backward(net(x).sum())
        opt.step()
        print(f"14 {dt} cast to float32 in the function: parameter {net.weight.dtype}, SGD step ok")
    conv = M.Conv2d(3, 4, 3)
    r = conv.load_state_dict({"weight": CW, "bias": CB.reshape(1, 4, 1, 1), "extra": np.zeros(1, "float32")}, strict=False)
    print("15 strict=False returns", r)
    import inspect

    print("16 signature", inspect.signature(M.Module.state_dict), inspect.signature(M.Module.load_state_dict))
    # Optimizer state
    fc = M.Linear(3, 2)
    print("18 parameter order", [n for n, _ in fc.named_parameters()], [tuple(p.shape) for p in fc.parameters()])
    bn = M.BatchNorm2d(3)
    print("19 BatchNorm parameter order", [n for n, _ in bn.named_parameters()], [tuple(p.shape) for p in bn.parameters()])

    def torch_adam_sd():
        """torch_opt.state_dict() after three steps, its tensors as NumPy arrays (v.numpy())."""
        return {
            "state": {
                0: {"step": np.array(3.0, "float32"), "exp_avg": M_W, "exp_avg_sq": V_W},
                1: {"step": np.array(3.0, "float32"), "exp_avg": M_B, "exp_avg_sq": V_B},
            },
            "param_groups": [{
                "lr": 0.1, "betas": (0.9, 0.999), "eps": 1e-08, "weight_decay": 0, "amsgrad": False,
                "maximize": False, "foreach": None, "capturable": False, "differentiable": False,
                "fused": None, "decoupled_weight_decay": False, "params": [0, 1],
            }],
        }

    def fresh():
        fc = M.Linear(3, 2)
        fc.load_state_dict({"weight": W, "bias": B})
        return fc, megengine.optimizer.Adam(fc.parameters(), lr=0.1)

    fc, opt = fresh()
    print("17 MegEngine group keys", sorted(k for k in opt.param_groups[0] if k != "params"))
    try:
        opt.load_state_dict(torch_adam_sd())
    except Exception as e:
        print("17 load the PyTorch dict:", err(e))
    # positional: group keys fixed, states by index
    fc, opt = fresh()
    tsd = torch_adam_sd()
    msd = opt.state_dict()
    msd["state"] = tsd["state"]
    opt.load_state_dict(msd)
    fc.weight.grad = megengine.Tensor(G_W)
    fc.bias.grad = megengine.Tensor(G_B)
    try:
        opt.step()
        print("19 positional, Linear: step ok", tuple(fc.bias.shape))
    except Exception as e:
        print("19 positional, Linear:", err(e))
    bn = M.BatchNorm2d(3)
    bopt = megengine.optimizer.Adam(bn.parameters(), lr=0.1)
    bsd = bopt.state_dict()
    mw, mb = np.full((1, 3, 1, 1), 0.5, "float32"), np.full((1, 3, 1, 1), -0.5, "float32")
    # torch order: weight (0), bias (1)
    bsd["state"] = {0: {"step": np.array(1.0, "float32"), "exp_avg": mw, "exp_avg_sq": np.ones_like(mw)},
                    1: {"step": np.array(1.0, "float32"), "exp_avg": mb, "exp_avg_sq": np.ones_like(mb)}}
    bopt.load_state_dict(bsd)
    names = [n for n, _ in bn.named_parameters()]
    got = {n: float(bopt._state[p]["exp_avg"].numpy().ravel()[0]) for n, p in zip(names, bn.parameters())}
    print("19 positional, BatchNorm: loads without error; exp_avg now", got, "(PyTorch: weight 0.5, bias -0.5)")
    # by name
    fc, opt = fresh()
    tsd = torch_adam_sd()
    torch_names = ["weight", "bias"]  # [n for n, _ in torch_net.named_parameters()]
    tgroup = tsd["param_groups"][0]
    index = dict(zip(torch_names, tgroup["params"]))
    msd = opt.state_dict()
    for k in msd["param_groups"][0]:
        if k != "params":
            msd["param_groups"][0][k] = tgroup[k]
    msd["state"] = {
        i: {k: np.asarray(v, "float32").reshape(p.shape if k != "step" else ()) for k, v in tsd["state"][index[n]].items()}
        for i, (n, p) in enumerate(fc.named_parameters())
    }
    opt.load_state_dict(msd)
    fc.weight.grad = megengine.Tensor(G_W)
    fc.bias.grad = megengine.Tensor(G_B)
    opt.step()
    print("20 MegEngine weight after one step", fmt(fc.weight.numpy()))
    print("20 MegEngine bias after one step", fmt(fc.bias.numpy()))


def megengine_dtype(dt):
    """One dtype in a fresh process: a failed step() breaks the rest of a process (21)."""
    import megengine
    import megengine.module as M
    from megengine.autodiff import GradManager

    x = megengine.Tensor(X)
    net = M.Conv2d(3, 4, 3)
    sd = {"weight": CW.astype(dt), "bias": CB.astype(dt)}
    try:
        net.load_state_dict(lambda k, var: sd[k].reshape(var.shape))
    except Exception as e:
        print(f"9/11 load {dt}:", err(e))
        return
    line = f"11 load {dt}: ok, parameter {net.weight.dtype};"
    try:
        y = net(x)
        line += f" forward ok ({y.dtype});"
    except Exception as e:
        line += f" forward {err(e)[:60]};"
    try:
        gm = GradManager().attach(net.parameters())
        opt = megengine.optimizer.SGD(net.parameters(), lr=0.1)
        with gm:
            gm.backward(net(x).sum())
        opt.step()
        line += " SGD step ok"
    except Exception as e:
        line += f" training {err(e)[:70]}"
        try:
            x * 2.0
            line += " | afterwards x * 2.0 works"
        except Exception as e2:
            line += f" | afterwards x * 2.0: {err(e2)}"
            from megengine.core.tensor.utils import set_convert_inputs

            set_convert_inputs(True)
            x * 2.0
            line += "; fixed by set_convert_inputs(True)"
    print("12/13/21 " + line)


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "megengine-dtype":
        megengine_dtype(sys.argv[2])
        return
    run_sides(torch_side, megengine_side, __file__)


if __name__ == "__main__":
    main()
