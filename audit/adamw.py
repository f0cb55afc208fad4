"""adamw: claims of docs/pairs/adamw.yaml, re-run in both frameworks (the state_dict findings of
issue 21 are audit1's).

1. the same update p - lr * (weight_decay * p + m_hat / (sqrt(v_hat) + eps)), one step and three
   (step1, step3).
2. defaults betas (0.9, 0.999), eps 1e-8, weight_decay 0.01 in both (defaults): AdamW([p], lr)
   decays without being asked (default_decay); weight_decay=0 turns it off (no_decay, against Adam).
3. lr is required in MegEngine (no_lr).
4. maximize=True: negate the gradients before step(), with the default decay (maximize).
   Beyond: a parameter whose gradient is None is left alone, not decayed (none_grad); changing the
   learning rate through param_groups[0]["lr"] (lr_change).
FOUND: every claim holds. Nothing to fix.
"""
import sys



def data(rng):
    return rng.randn(2, 3).astype("float32"), rng.randn(2, 3).astype("float32")


def torch_side(rng):
    import inspect
    import torch
    w, g = data(rng)

    def run(steps=1, opt_cls=torch.optim.AdamW, negate=False, **kw):
        p = torch.nn.Parameter(torch.tensor(w))
        opt = opt_cls([p], **kw)
        for _ in range(steps):
            p.grad = torch.tensor(g)
            opt.step()
        return p.detach().numpy()
    params = inspect.signature(torch.optim.AdamW.__init__).parameters
    out = {"step1": run(lr=0.1), "step3": run(3, lr=0.1),
           "defaults": [params["betas"].default[0], params["betas"].default[1], params["eps"].default,
                        float(params["weight_decay"].default)]}
    out["default_decay"] = run(2, lr=0.1)
    out["no_decay"] = run(2, torch.optim.Adam, lr=0.1)
    out["no_lr"] = "default 0.001"
    out["maximize"] = run(2, lr=0.1, maximize=True)
    p, q = torch.nn.Parameter(torch.tensor(w)), torch.nn.Parameter(torch.tensor(w))
    opt = torch.optim.AdamW([p, q], lr=0.1)
    p.grad = torch.tensor(g)
    opt.step()
    out["none_grad"] = q.detach().numpy()
    p = torch.nn.Parameter(torch.tensor(w))
    opt = torch.optim.AdamW([p], lr=0.1)
    p.grad = torch.tensor(g)
    opt.step()
    opt.param_groups[0]["lr"] = 0.01
    opt.step()
    out["lr_change"] = p.detach().numpy()
    return out


def megengine_side(rng):
    import inspect
    import megengine
    import megengine.optimizer as O
    w, g = data(rng)

    def run(steps=1, opt_cls=O.AdamW, negate=False, **kw):
        p = megengine.Parameter(w)
        opt = opt_cls([p], **kw)
        for _ in range(steps):
            p.grad = megengine.Tensor(-g if negate else g)
            opt.step()
        return p.numpy()
    params = inspect.signature(O.AdamW.__init__).parameters
    out = {"step1": run(lr=0.1), "step3": run(3, lr=0.1),
           "defaults": [params["betas"].default[0], params["betas"].default[1], params["eps"].default,
                        float(params["weight_decay"].default)]}
    out["default_decay"] = run(2, lr=0.1)
    out["no_decay"] = run(2, lr=0.1, weight_decay=0)
    try:
        O.AdamW([megengine.Parameter(w)])
        out["no_lr"] = "accepted"
    except TypeError:
        out["no_lr"] = "TypeError"
    out["maximize"] = run(2, negate=True, lr=0.1)
    p, q = megengine.Parameter(w), megengine.Parameter(w)
    opt = O.AdamW([p, q], lr=0.1)
    p.grad = megengine.Tensor(g)
    opt.step()
    out["none_grad"] = q.numpy()
    p = megengine.Parameter(w)
    opt = O.AdamW([p], lr=0.1)
    p.grad = megengine.Tensor(g)
    opt.step()
    opt.param_groups[0]["lr"] = 0.01
    opt.step()
    out["lr_change"] = p.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
