"""Audit of docs/pairs/multistep_lr.yaml (torch.optim.lr_scheduler.MultiStepLR vs
megengine.optimizer.MultiStepLR), and of the scheduler state the issue names.

Claims checked (page as found, before this audit):
 1. Both set the rate in the constructor and once per step(); same milestones and gamma give
    the same rate epoch by epoch.
 2. gamma defaults to 0.1 in both.
 3. A milestone listed twice multiplies by gamma twice in both.
 4. The current rate is optimizer.param_groups[0]["lr"] in both; PyTorch also has get_last_lr()
    (MegEngine has none).
 5. PyTorch accepts unsorted milestones (and schedules them as sorted); MegEngine raises ValueError.
 6. last_epoch is called current_epoch.
 7. Both need initial_lr in every group when last_epoch/current_epoch is not -1 (KeyError).
 8. Resuming, MegEngine computes initial_lr * gamma ** (milestones passed); PyTorch decays the
    optimizer's current lr at milestones only, so without the restored rate it continues undecayed.
 9. Parameter table: the signatures (PyTorch's has no verbose in this version).
Scheduler state (issue 21):
10. state_dict() keys differ: PyTorch milestones (a Counter), gamma, base_lrs, last_epoch,
    _step_count...; MegEngine milestones (a list), gamma, current_epoch.
11. A PyTorch scheduler state dict loaded into MegEngine is a KeyError ('current_epoch').
12. MegEngine's scheduler state has no base_lrs: load_state_dict keeps the base rate the
    scheduler was built with (initial_lr).
13. Converting ({milestones: sorted(Counter.elements()), gamma, current_epoch: last_epoch}),
    with the optimizer's lr restored, resumes with PyTorch's rates.
14. step(epoch): MegEngine sets the epoch and the rate; PyTorch warns it is deprecated.

Run: .venv/bin/python audit/multistep_lr.py (the MegEngine half runs in
.venv-megengine/bin/python); `... multistep_lr.py torch|megengine` runs one half.
"""
import inspect
import warnings
from _sides import run_sides



def rates(opt, sched, epochs):
    out = []
    for _ in range(epochs):
        out.append(round(opt.param_groups[0]["lr"], 8))
        opt.step()
        sched.step()
    return out


def torch_side():
    import torch

    S = torch.optim.lr_scheduler.MultiStepLR

    def opt():
        return torch.optim.SGD([torch.nn.Parameter(torch.zeros(3))], lr=0.1)

    print("9 signature", inspect.signature(S.__init__))
    o = opt()
    print("1 rates [2, 4]", rates(o, S(o, [2, 4]), 6))
    o = opt()
    print("3 rates [2, 2, 4] gamma=0.5", rates(o, S(o, [2, 2, 4], gamma=0.5), 6))
    o = opt()
    print("5 rates [4, 2]", rates(o, S(o, [4, 2]), 6))
    o = opt()
    s = S(o, [2, 4])
    print("4 get_last_lr", s.get_last_lr(), "param_groups lr", o.param_groups[0]["lr"])
    try:
        S(opt(), [2, 4], last_epoch=2)
    except Exception as e:
        print("7 last_epoch=2 without initial_lr:", type(e).__name__, e)
    o = opt()
    o.param_groups[0]["initial_lr"] = 0.1
    print("8 resumed at 2, lr not restored", rates(o, S(o, [2, 4], last_epoch=2), 3))
    # scheduler state after three epochs
    o = opt()
    s = S(o, [2, 4])
    rates(o, s, 3)
    ssd = s.state_dict()
    print("10 state_dict after three epochs", ssd)
    print("10 lr after three epochs", o.param_groups[0]["lr"])
    # resume from it
    o = opt()
    s = S(o, [2, 4])
    o.param_groups[0]["lr"] = 0.01  # restored by opt.load_state_dict
    s.load_state_dict(ssd)
    print("13 resumed from state_dict", rates(o, s, 3))
    o = opt()
    s = S(o, [2, 4])
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        s.step(3)
    print("14 step(3):", o.param_groups[0]["lr"], [str(x.message)[:60] for x in w])


def megengine_side():
    import numpy as np

    import megengine

    S = megengine.optimizer.MultiStepLR

    def opt():
        return megengine.optimizer.SGD([megengine.Parameter(np.zeros(3, "float32"))], lr=0.1)

    print("9 signature", inspect.signature(S.__init__))
    o = opt()
    print("1 rates [2, 4]", rates(o, S(o, [2, 4]), 6))
    o = opt()
    print("3 rates [2, 2, 4] gamma=0.5", rates(o, S(o, [2, 2, 4], gamma=0.5), 6))
    try:
        S(opt(), [4, 2])
    except Exception as e:
        print("5 [4, 2]:", type(e).__name__, e)
    o = opt()
    s = S(o, [2, 4])
    print("4 get_last_lr exists:", hasattr(s, "get_last_lr"), "param_groups lr", o.param_groups[0]["lr"])
    try:
        S(opt(), [2, 4], current_epoch=2)
    except Exception as e:
        print("7 current_epoch=2 without initial_lr:", type(e).__name__, e)
    o = opt()
    o.param_groups[0]["initial_lr"] = 0.1
    print("8 resumed at 2, lr not restored", rates(o, S(o, [2, 4], current_epoch=2), 3))
    o = opt()
    s = S(o, [2, 4])
    rates(o, s, 3)
    print("10 state_dict after three epochs", s.state_dict())
    import collections

    ssd = {"milestones": collections.Counter({2: 1, 4: 1}), "gamma": 0.1, "base_lrs": [0.1],
           "last_epoch": 3, "_step_count": 4, "_is_initial": False,
           "_get_lr_called_within_step": False, "_last_lr": [0.01]}
    o = opt()
    s = S(o, [2, 4])
    try:
        s.load_state_dict(ssd)
    except Exception as e:
        print("11 the PyTorch dict:", type(e).__name__, e)
    converted = {"milestones": sorted(ssd["milestones"].elements()), "gamma": ssd["gamma"],
                 "current_epoch": ssd["last_epoch"]}
    o = opt()
    s = S(o, [2, 4])
    o.param_groups[0]["lr"] = 0.01  # restored by opt.load_state_dict
    s.load_state_dict(converted)
    print("13 resumed from the converted dict", rates(o, s, 3))
    o = opt()
    s = S(o, [2, 4])
    s.load_state_dict(converted)
    print("13 converted, lr not restored", rates(o, s, 3))
    o = megengine.optimizer.SGD([megengine.Parameter(np.zeros(3, "float32"))], lr=0.5)
    s = S(o, [2, 4])
    o.param_groups[0]["lr"] = 0.01
    s.load_state_dict(converted)
    print("12 built with lr=0.5, converted dict loaded: base_lrs", s.base_lrs, "rates", rates(o, s, 3))
    o = opt()
    s = S(o, [2, 4])
    s.step(3)
    print("14 step(3):", round(o.param_groups[0]["lr"], 8), s.current_epoch)


if __name__ == "__main__":
    run_sides(torch_side, megengine_side, __file__)
