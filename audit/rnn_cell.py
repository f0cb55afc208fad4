"""Audit of docs/pairs/rnn_cell.yaml (torch.nn.RNNCell vs megengine.module.RNNCell).

Claims checked (page as found, before this audit):
 1. nonlinearity is the 4th positional argument in both; parameters have PyTorch's names and
    shapes (weight_ih (hidden, input)).
 2. Same output with the same weights and state; without a state both start from zeros.
 3. MegEngine fails on a 1-D input; PyTorch treats it as one sample. (The failure is an AsyncError
    raised where the result is next used, here at the optimizer two lines later: MISSING.)
 4. Bias gradients are (N, hidden) in MegEngine, their sum over axis 0 is PyTorch's; the other
    gradients agree.
 5. One SGD step turns MegEngine's biases into (N, hidden) tensors.
Beyond the page:
 6. Repeated identical backward passes (the RNN/LSTM kernels are unreliable): the cell's
    gradients are the same in every pass.
 7. N = 1: the bias gradient shape (1, hidden), and the step.

Run: .venv/bin/python audit/rnn_cell.py (the MegEngine half runs in
.venv-megengine/bin/python); each half writes an .npz, the driver compares.
"""
import os
import subprocess
import sys
import tempfile

import numpy as np
_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # the repository: its .venv and .venv-megengine

MGE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or os.path.join(
    _REPO, ".venv-megengine", "bin", "python"
)
rng = np.random.default_rng(0)
X = rng.standard_normal((3, 5)).astype("float32")
H0 = rng.standard_normal((3, 4)).astype("float32")
W_IH = rng.standard_normal((4, 5)).astype("float32") * 0.5
W_HH = rng.standard_normal((4, 4)).astype("float32") * 0.5
B_IH = rng.standard_normal(4).astype("float32")
B_HH = rng.standard_normal(4).astype("float32")
DY = rng.standard_normal((3, 4)).astype("float32")


def torch_side(out):
    import torch

    cell = torch.nn.RNNCell(5, 4, True, "relu")
    print("1 RNNCell(5, 4, True, 'relu'):", cell.nonlinearity, {n: tuple(p.shape) for n, p in cell.named_parameters()})
    cell = torch.nn.RNNCell(5, 4)
    with torch.no_grad():
        for n, v in (("weight_ih", W_IH), ("weight_hh", W_HH), ("bias_ih", B_IH), ("bias_hh", B_HH)):
            getattr(cell, n).copy_(torch.from_numpy(v))
    x, h0 = torch.from_numpy(X).requires_grad_(), torch.from_numpy(H0).requires_grad_()
    h = cell(x, h0)
    (h * torch.from_numpy(DY)).sum().backward()
    r = {"2 h": h.detach().numpy(), "2 no state": cell(torch.from_numpy(X)).detach().numpy(),
         "4 grad x": x.grad.numpy(), "4 grad h0": h0.grad.numpy(), "4 grad weight_ih": cell.weight_ih.grad.numpy(),
         "4 grad bias_ih (MegEngine: summed over axis 0)": cell.bias_ih.grad.numpy()}
    print("3 1-D input:", tuple(cell(torch.from_numpy(X[0])).shape))
    np.savez(out, **r)


def megengine_side(out):
    import megengine
    from megengine.autodiff import GradManager

    cell = megengine.module.RNNCell(5, 4, True, "relu")
    print("1 RNNCell(5, 4, True, 'relu'):", cell.nonlinearity, {n: tuple(p.shape) for n, p in cell.named_parameters()})

    def make():
        c = megengine.module.RNNCell(5, 4)
        for n, v in (("weight_ih", W_IH), ("weight_hh", W_HH), ("bias_ih", B_IH), ("bias_hh", B_HH)):
            setattr(c, n, megengine.Parameter(v))
        return c

    cell = make()
    grads = []
    for _ in range(20):
        x, h0 = megengine.Tensor(X), megengine.Tensor(H0)
        gm = GradManager().attach([x, h0] + list(cell.parameters()))
        with gm:
            h = cell(x, h0)
            gm.backward((h * megengine.Tensor(DY)).sum())
        grads.append(np.concatenate([x.grad.numpy().ravel(), h0.grad.numpy().ravel(), cell.weight_ih.grad.numpy().ravel()]))
        bias_grad = cell.bias_ih.grad.numpy()
        for p in cell.parameters():
            p.grad = None
    print("6 twenty identical backward passes agree:", all(np.array_equal(g, grads[0]) for g in grads))
    print("4 bias_ih grad shape", bias_grad.shape)
    r = {"2 h": h.numpy(), "2 no state": cell(megengine.Tensor(X)).numpy(),
         "4 grad x": x.grad.numpy() if x.grad is not None else grads[-1][:15].reshape(3, 5),
         "4 grad h0": grads[-1][15:27].reshape(3, 4), "4 grad weight_ih": grads[-1][27:].reshape(4, 5),
         "4 grad bias_ih (MegEngine: summed over axis 0)": bias_grad.sum(axis=0)}
    try:
        y = cell(megengine.Tensor(X[0]))
        print("3 1-D input: the call returns", tuple(y.shape), "(the error comes when the value is used)")
        y.numpy()
    except Exception as e:
        print("3 1-D input:", type(e).__name__)
    cell = make()
    gm = GradManager().attach(cell.parameters())
    opt = megengine.optimizer.SGD(cell.parameters(), lr=0.1)
    with gm:
        gm.backward((cell(megengine.Tensor(X), megengine.Tensor(H0)) * megengine.Tensor(DY)).sum())
    opt.step()
    print("5 bias_ih after one SGD step:", tuple(cell.bias_ih.shape))
    cell = make()
    gm = GradManager().attach(cell.parameters())
    with gm:
        gm.backward(cell(megengine.Tensor(X[:1]), megengine.Tensor(H0[:1])).sum())
    print("7 N=1: bias_ih grad", tuple(cell.bias_ih.grad.shape))
    np.savez(out, **r)


def main():
    if len(sys.argv) > 2:
        {"torch": torch_side, "megengine": megengine_side}[sys.argv[1]](sys.argv[2])
        return
    here = os.path.abspath(__file__)
    with tempfile.TemporaryDirectory() as folder:
        files = {}
        for side, python in (("torch", sys.executable), ("megengine", MGE_PYTHON)):
            files[side] = os.path.join(folder, side + ".npz")
            out = subprocess.run([python, here, side, files[side]], capture_output=True, text=True, check=False)
            print(f"== {side}")
            print(out.stdout.rstrip())
            if out.returncode:
                print(out.stderr[-2000:])
        t, m = np.load(files["torch"]), np.load(files["megengine"])
        print("== compared")
        for name in sorted(m.files):
            same = t[name].shape == m[name].shape and np.allclose(t[name], m[name], atol=1e-4, rtol=1e-3)
            print(name, "match" if same else "DIFFER")


if __name__ == "__main__":
    main()
