"""Audit of docs/pairs/rnn.yaml (torch.nn.RNN vs megengine.module.RNN).

Claims checked (page as found, before this audit):
 1. The 4th positional argument: nonlinearity in PyTorch, bias in MegEngine ("relu" is taken as
    bias; the layer stays tanh); nonlinearity is keyword-only in MegEngine.
 2. proj_size is accepted by MegEngine's base class and unused by RNN.
 3. The forward pass reads only _flatten_weights (hidden_size, -1): per layer, then per
    direction, weight_ih.ravel(), weight_hh.ravel(), bias_ih, bias_hh. Same output and h_n
    (one relu layer; two tanh layers with batch_first).
 4. Assigning the per-cell parameters changes nothing.
 5. Shapes as PyTorch's, batch_first included.
 6. Unbatched 2-D input: a wrong shape, then the process crashes (segmentation fault).
    MISLEADING as stated: in these runs the shape is wrong, MKL prints errors and the process
    ends normally (exit status 0); a crash happens only in some runs.
 7. dropout defaults to zero in both.
Beyond the page:
 8. bidirectional=True with two layers: the packing order "per layer, then per direction".
 9. An initial state h0 passed as the second argument.
10. The backward pass (the LSTM page documents wrong gradients on CPU): gradients with respect
    to x and to the weights against PyTorch, and repeated identical backward passes (MISSING on
    the page: they differ from PyTorch and from each other; the page's example 4 counts the
    passes that agree with finite differences).

Run: .venv/bin/python audit/rnn.py (the MegEngine half runs in
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
X = rng.standard_normal((6, 2, 3)).astype("float32")
H0 = rng.standard_normal((4, 2, 4)).astype("float32") * 0.5  # 2 layers x 2 directions
DY = rng.standard_normal((6, 2, 8)).astype("float32")
# bidirectional, 2 layers: layer 0 (input 3) and layer 1 (input 8), each two directions
SIZES = [(4, 3), (4, 4), (4,), (4,)] * 2 + [(4, 8), (4, 4), (4,), (4,)] * 2
FLAT = (rng.standard_normal(sum(int(np.prod(s)) for s in SIZES)) * 0.4).astype("float32")


def torch_side(out):
    import torch

    r = {}
    rnn = torch.nn.RNN(3, 4, 1, "relu")
    print("1 RNN(3, 4, 1, 'relu'):", rnn.nonlinearity)
    rnn = torch.nn.RNN(3, 4, num_layers=2, bidirectional=True)
    offset = 0
    with torch.no_grad():
        for layer in range(2):
            for suffix in ("", "_reverse"):
                for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
                    p = getattr(rnn, f"{name}_l{layer}{suffix}")
                    p.copy_(torch.from_numpy(FLAT[offset:offset + p.numel()]).reshape(p.shape))
                    offset += p.numel()
    x = torch.from_numpy(X).requires_grad_()
    y, h = rnn(x, torch.from_numpy(H0))
    r["8/9 bidirectional 2 layers, h0: y"] = y.detach().numpy()
    r["8/9 bidirectional 2 layers, h0: h_n"] = h.detach().numpy()
    (y * torch.from_numpy(DY)).sum().backward()
    r["10 grad x"] = x.grad.numpy()
    r["10 grad weight_hh_l0"] = rnn.weight_hh_l0.grad.numpy()
    try:
        y, h = torch.nn.RNN(3, 4)(torch.from_numpy(X[:, 0]))
        print("6 unbatched (6, 3):", tuple(y.shape), tuple(h.shape))
    except Exception as e:
        print("6 unbatched:", type(e).__name__)
    np.savez(out, **r)


def megengine_side(out):
    import inspect

    import megengine
    from megengine.autodiff import GradManager

    r = {}
    rnn = megengine.module.RNN(3, 4, 1, "relu")
    print("1 RNN(3, 4, 1, 'relu'):", rnn.nonlinearity, "bias:", rnn.bias)
    print("1/7 signature", inspect.signature(megengine.module.RNN.__init__))
    rnn = megengine.module.RNN(3, 4, proj_size=2)
    y, h = rnn(megengine.Tensor(X))
    print("2 proj_size=2: output", tuple(y.shape), "h_n", tuple(h.shape))
    rnn = megengine.module.RNN(3, 4, num_layers=2, bidirectional=True)
    print("3 _flatten_weights", tuple(rnn._flatten_weights.shape), "elements", FLAT.size)
    rnn._flatten_weights = megengine.Parameter(FLAT.reshape(rnn._flatten_weights.shape))
    x = megengine.Tensor(X)
    gm = GradManager().attach([x, rnn._flatten_weights])
    with gm:
        y, h = rnn(x, megengine.Tensor(H0))
        gm.backward((y * megengine.Tensor(DY)).sum())
    r["8/9 bidirectional 2 layers, h0: y"] = y.numpy()
    r["8/9 bidirectional 2 layers, h0: h_n"] = h.numpy()
    r["10 grad x"] = x.grad.numpy()
    g = rnn._flatten_weights.grad.numpy().reshape(-1)
    r["10 grad weight_hh_l0"] = g[12:28].reshape(4, 4)
    grads = []
    for _ in range(5):
        x = megengine.Tensor(X)
        gm = GradManager().attach([x])
        with gm:
            y, _ = rnn(x, megengine.Tensor(H0))
            gm.backward((y * megengine.Tensor(DY)).sum())
        grads.append(x.grad.numpy())
    spread = max(float(np.abs(gx - grads[0]).max()) for gx in grads)
    print("10 five identical backward passes: the gradients", "agree" if spread < 1e-6 else "DIFFER")
    np.savez(out, **r)


def megengine_unbatched():
    import megengine

    y, h = megengine.module.RNN(3, 4)(megengine.Tensor(X[:, 0]))
    print("6 unbatched (6, 3):", tuple(y.shape), tuple(h.shape), flush=True)
    print("6 values:", float(y.numpy().sum()), flush=True)


def main():
    if len(sys.argv) > 1 and sys.argv[1] == "megengine-unbatched":
        megengine_unbatched()
        return
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
        out = subprocess.run([MGE_PYTHON, here, "megengine-unbatched"], capture_output=True, text=True, check=False)
        print("== megengine, unbatched input in its own process")
        print(out.stdout.rstrip(), f"(exit status {out.returncode})")
        t, m = np.load(files["torch"]), np.load(files["megengine"])
        print("== compared")
        for name in sorted(m.files):
            ref, got = t[name], m[name]
            same = ref.shape == got.shape and np.allclose(ref, got, atol=1e-4, rtol=1e-3)
            print(name, "match" if same else f"DIFFER (largest deviation {np.abs(ref - got).max():.2f})")


if __name__ == "__main__":
    main()
