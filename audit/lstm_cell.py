"""lstm_cell: claims of docs/pairs/lstm_cell.yaml, re-run in both frameworks.

1. same parameter names and shapes, gates i, f, g, o: weights copied one to one give the same
   step (names, step_h, step_c); a PyTorch state dict loads as it is (state_dict_load).
2. without a state both start from zeros (zero_h).
3. a 1-D input is one sample in PyTorch, an error in MegEngine (one_d).
   Beyond: gradients of a 5-step loop of cells with respect to the input and weight_ih
   (cell_backward: MegEngine's raises; with async_level 0: cell_backward_sync); the same loop with the cell written in megengine.functional
   on the module's parameters (grad_x, grad_w_ih); initialisation bound +-1/sqrt(hidden_size) (init_bound).
FOUND: MegEngine 1.13's LSTMCell backward raises RuntimeError ("split size sums to 0"), with or
without a state, with async_level 0 too; the functional cell's gradients agree.
FIXED: usage (Backward pass), examples 4 (the error) and 5 (the functional cell, gradients);
the 1-D example is the third, no longer the last.
"""
import sys

import numpy as np


def data(rng):
    x = rng.randn(5, 3, 5).astype("float32")
    h0 = rng.randn(3, 4).astype("float32")
    c0 = rng.randn(3, 4).astype("float32")
    w = [rng.uniform(-0.5, 0.5, s).astype("float32") for s in ((16, 5), (16, 4), (16,), (16,))]
    return x, h0, c0, w


NAMES = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")


def torch_side(rng):
    import torch
    x, h0, c0, w = data(rng)
    x, h0, c0 = torch.tensor(x), torch.tensor(h0), torch.tensor(c0)
    cell = torch.nn.LSTMCell(5, 4)
    out = {"names": sorted((n, list(p.shape)) for n, p in cell.named_parameters())}
    cell.load_state_dict({n: torch.tensor(v) for n, v in zip(NAMES, w)})
    out["state_dict_load"] = "loads"
    h, c = cell(x[0], (h0, c0))
    out["step_h"], out["step_c"] = h.detach().numpy(), c.detach().numpy()
    out["zero_h"] = cell(x[0])[0].detach().numpy()
    out["one_d"] = "one sample: %s" % (tuple(cell(x[0, 0])[0].shape),)
    xx = x.clone().requires_grad_()
    h, c = h0, c0
    for t in range(5):
        h, c = cell(xx[t], (h, c))
    (h ** 2).sum().backward()
    out["cell_backward"] = "runs"
    out["grad_x"], out["grad_w_ih"] = xx.grad.numpy(), cell.weight_ih.grad.numpy()
    torch.manual_seed(0)
    out["init_bound"] = round(max(p.abs().max().item() for p in torch.nn.LSTMCell(3, 16).parameters()) * 4, 1)
    return out


def megengine_side(rng):
    import megengine
    from megengine.autodiff import GradManager
    x, h0, c0, w = data(rng)
    x, h0, c0 = megengine.Tensor(x), megengine.Tensor(h0), megengine.Tensor(c0)
    cell = megengine.module.LSTMCell(5, 4)
    out = {"names": sorted((n, list(p.shape)) for n, p in cell.named_parameters())}
    try:
        cell.load_state_dict(dict(zip(NAMES, w)))
        out["state_dict_load"] = "loads"
    except Exception as exc:  # noqa: BLE001
        out["state_dict_load"] = type(exc).__name__
    h, c = cell(x[0], (h0, c0))
    out["step_h"], out["step_c"] = h.numpy(), c.numpy()
    out["zero_h"] = cell(x[0])[0].numpy()
    try:
        out["one_d"] = "shape %s" % (tuple(cell(x[0, 0])[0].numpy().shape),)
    except Exception as exc:  # noqa: BLE001
        out["one_d"] = type(exc).__name__
    import megengine.functional as F

    def functional_cell(x, state):
        h, c = state
        gates = F.matmul(x, cell.weight_ih, transpose_b=True) + cell.bias_ih
        gates = gates + F.matmul(h, cell.weight_hh, transpose_b=True) + cell.bias_hh
        i, f, g, o = F.split(gates, 4, axis=1)
        c = F.sigmoid(f) * c + F.sigmoid(i) * F.tanh(g)
        return F.sigmoid(o) * F.tanh(c), c
    for key, step in (("cell_backward", cell), ("functional", functional_cell)):
        xx = megengine.Parameter(x.numpy())
        cell.weight_ih.grad = None
        gm = GradManager().attach([xx, cell.weight_ih])
        try:
            with gm:
                h, c = h0, c0
                for t in range(5):
                    h, c = step(xx[t], (h, c))
                gm.backward((h ** 2).sum())
            out[key] = "runs"
        except RuntimeError as exc:
            out[key] = "RuntimeError: " + str(exc).splitlines()[1].split(" sums to")[0]
    out.pop("functional")
    grad_x, grad_w = xx.grad.numpy(), cell.weight_ih.grad.numpy()
    megengine.config.async_level = 0
    try:
        gm = GradManager().attach([x])
        with gm:
            gm.backward((cell(x[0], (h0, c0))[0] ** 2).sum())
        out["cell_backward_sync"] = "runs"
    except RuntimeError as exc:
        out["cell_backward_sync"] = "RuntimeError: " + str(exc).splitlines()[1].split(" sums to")[0]
    out["grad_x"], out["grad_w_ih"] = grad_x, grad_w
    megengine.random.seed(0)
    fresh = megengine.module.LSTMCell(3, 16)
    out["init_bound"] = round(max(float(np.abs(p.numpy()).max()) for p in fresh.parameters()) * 4, 1)
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
