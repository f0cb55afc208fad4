"""Audit of docs/pairs/multihead_attention.yaml (torch.nn.MultiheadAttention vs
megengine.module.MultiHeadAttention).

Claims checked (page as found, before this audit):
 1. PyTorch takes (L, N, E) by default, (N, L, E) with batch_first=True; MegEngine always (N, L, E).
 2. The packing: io_weight_bias (1, 4E*E + 4E) = q, k, v, out weights, each transposed and
    flattened, then the four biases; (1, 4E*E) with bias=False. Same outputs with the same weights.
 3. need_weights / average_attn_weights default True in PyTorch, False in MegEngine (second item None).
 4. Per-head weights: (N, H, L, S) in PyTorch, (N * H, L, S) in MegEngine (reshape gives PyTorch's).
 5. A boolean key_padding_mask (N, S): True marks a key to ignore, in both.
 6. The constructor resets attn_dropout and out_dropout to 0; setting the attribute afterwards works.
 7. add_bias_kv=True and add_zero_attn=True fail with AssertionError in MegEngine 1.13.
 8. It runs on CPU.
 9. Gradients agree for the inputs and for the weights through the packing.
Beyond the page:
10. attn_mask, boolean (L, S), True = not allowed (a causal mask): same meaning in both?
11. attn_mask, float (additive, -inf): same in both?
12. is_causal=True without attn_mask.
13. kdim/vdim different from embed_dim.
14. A 3-D attn_mask (N * H, L, S).
15. Repeats (issue 21): boolean masks in MegEngine give results that change from call to call and
    from process to process (the first call often ignores the mask; NaN at times): the
    single-run matches of 5, 10, 12 and 14 above are luck. Float masks (-inf where True) give
    PyTorch's result in every call of every process. (The counts printed vary from run to run:
    that is the finding.)

Run: .venv/bin/python audit/multihead_attention.py (the MegEngine half runs in
.venv-megengine/bin/python); each half writes its outputs to a temporary .npz and
the driver compares them.
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
E, H, N, L, S = 4, 2, 2, 3, 5
Q = rng.standard_normal((N, L, E)).astype("float32")
K = rng.standard_normal((N, S, E)).astype("float32")
IN_W = rng.standard_normal((3 * E, E)).astype("float32") * 0.5
IN_B = rng.standard_normal(3 * E).astype("float32") * 0.5
OUT_W = rng.standard_normal((E, E)).astype("float32") * 0.5
OUT_B = rng.standard_normal(E).astype("float32") * 0.5
PAD = np.array([[0, 0, 0, 0, 1], [0, 0, 0, 1, 1]], bool)
CAUSAL_LS = np.triu(np.ones((L, S), bool), k=1)  # True above the diagonal: not allowed
CAUSAL_LL = np.triu(np.ones((L, L), bool), k=1)
FLOAT_MASK = np.where(CAUSAL_LS, -np.inf, 0.0).astype("float32")
MASK3 = np.stack([CAUSAL_LS, ~CAUSAL_LS & (np.arange(S) < 4)] * N)  # (N*H, L, S)
MASK3[:, :, 0] = False  # keep a key in every row


def torch_side(out):
    import torch

    def make(bias=True, batch_first=True, **kw):
        m = torch.nn.MultiheadAttention(E, H, bias=bias, batch_first=batch_first, **kw)
        with torch.no_grad():
            m.in_proj_weight.copy_(torch.from_numpy(IN_W))
            if bias:
                m.in_proj_bias.copy_(torch.from_numpy(IN_B))
                m.out_proj.bias.copy_(torch.from_numpy(OUT_B))
            m.out_proj.weight.copy_(torch.from_numpy(OUT_W))
        return m

    q, k = torch.from_numpy(Q), torch.from_numpy(K)
    res = {}
    m = make(batch_first=False)
    y, w = m(q.transpose(0, 1), k.transpose(0, 1), k.transpose(0, 1), key_padding_mask=torch.from_numpy(PAD))
    res["2_5 packed, padding mask: out"] = y.transpose(0, 1).detach().numpy()
    res["2_5 packed, padding mask: weights"] = w.detach().numpy()
    print("3 default second item", None if w is None else tuple(w.shape))
    _, w = make()(q, k, k, average_attn_weights=False)
    print("4 per-head weights", tuple(w.shape))
    res["4 per-head"] = w.detach().numpy()
    res["10 bool attn_mask (L, S)"] = make()(q, k, k, attn_mask=torch.from_numpy(CAUSAL_LS))[0].detach().numpy()
    res["11 float attn_mask (L, S)"] = make()(q, k, k, attn_mask=torch.from_numpy(FLOAT_MASK))[0].detach().numpy()
    res["14 3-D bool attn_mask"] = make()(q, k, k, attn_mask=torch.from_numpy(MASK3))[0].detach().numpy()
    try:
        y = make()(q, q, q, is_causal=True)[0]
        print("12 is_causal=True without attn_mask: runs")
    except Exception as e:
        print("12 is_causal=True without attn_mask:", type(e).__name__, str(e)[:70])
    res["12 causal via attn_mask (L, L)"] = make()(q, q, q, attn_mask=torch.from_numpy(CAUSAL_LL))[0].detach().numpy()
    m = torch.nn.MultiheadAttention(E, H, batch_first=True, kdim=3, vdim=6)
    print("13 kdim=3 vdim=6:", {n: tuple(p.shape) for n, p in m.named_parameters()})
    kv = np.random.default_rng(1)
    kk, vv = kv.standard_normal((N, S, 3)).astype("float32"), kv.standard_normal((N, S, 6)).astype("float32")
    res["13 kdim=3 vdim=6, packed"] = m(q, torch.from_numpy(kk), torch.from_numpy(vv))[0].detach().numpy()
    for n, p in m.state_dict().items():
        res["weights " + n] = p.numpy()
    res["inputs k"], res["inputs v"] = kk, vv
    np.savez(out, **res)


def megengine_side(out):
    import megengine

    def make(bias=True, **kw):
        m = megengine.module.MultiHeadAttention(E, H, bias=bias, **kw)
        w = [IN_W[:E].T, IN_W[E:2 * E].T, IN_W[2 * E:].T, OUT_W.T]
        parts = [t.flatten() for t in w] + ([IN_B, OUT_B] if bias else [])
        m.io_weight_bias = megengine.Parameter(np.concatenate(parts)[None])
        return m

    q, k = megengine.Tensor(Q), megengine.Tensor(K)
    res = {}
    m = make()
    print("2 io_weight_bias", tuple(m.io_weight_bias.shape), "bias=False:",
          tuple(megengine.module.MultiHeadAttention(E, H, bias=False).io_weight_bias.shape))
    y, w = m(q, k, k, key_padding_mask=megengine.Tensor(PAD), need_weights=True, average_attn_weights=True)
    res["2_5 packed, padding mask: out"] = y.numpy()
    res["2_5 packed, padding mask: weights"] = w.numpy()
    print("3 default second item", m(q, k, k)[1])
    _, w = make()(q, k, k, need_weights=True)
    print("4 per-head weights", tuple(w.shape))
    res["4 per-head"] = w.numpy().reshape(N, H, L, S)
    m = megengine.module.MultiHeadAttention(E, H, attn_dropout=0.5, out_dropout=0.5)
    print("6 after the constructor: attn_dropout", m.attn_dropout, "out_dropout", m.out_dropout)
    for kw in ({"add_bias_kv": True}, {"add_zero_attn": True}):
        try:
            megengine.module.MultiHeadAttention(E, H, **kw)(q, q, q)
            print("7", kw, "runs")
        except Exception as e:
            print("7", kw, type(e).__name__)
    for name, mask in (("10 bool attn_mask (L, S)", CAUSAL_LS), ("11 float attn_mask (L, S)", FLOAT_MASK),
                       ("14 3-D bool attn_mask", MASK3)):
        try:
            res[name] = make()(q, k, k, attn_mask=megengine.Tensor(mask))[0].numpy()
        except Exception as e:
            print(name, type(e).__name__, str(e).splitlines()[0][:80])
    try:
        res["12 causal via attn_mask (L, L)"] = make()(q, q, q, attn_mask=megengine.Tensor(CAUSAL_LL))[0].numpy()
        y = make()(q, q, q, is_causal=True)[0].numpy()
        res["12 is_causal=True without attn_mask (vs PyTorch's mask)"] = y
    except Exception as e:
        print("12", type(e).__name__, str(e).splitlines()[0][:80])
    t = np.load(os.path.join(os.path.dirname(out), "torch.npz"))
    m = megengine.module.MultiHeadAttention(E, H, kdim=3, vdim=6)
    print("13 kdim=3 vdim=6: io_weight_bias", tuple(m.io_weight_bias.shape))
    parts = [t["weights " + n].T for n in ("q_proj_weight", "k_proj_weight", "v_proj_weight", "out_proj.weight")]
    m.io_weight_bias = megengine.Parameter(np.concatenate(
        [p.flatten() for p in parts] + [t["weights in_proj_bias"], t["weights out_proj.bias"]])[None])
    res["13 kdim=3 vdim=6, packed"] = m(q, megengine.Tensor(t["inputs k"]), megengine.Tensor(t["inputs v"]))[0].numpy()
    np.savez(out, **res)


def megengine_repeat(kind):
    """Four calls of one layer in a fresh process; prints the distinct sums of the outputs."""
    import megengine

    m = megengine.module.MultiHeadAttention(E, H)
    w = [IN_W[:E].T, IN_W[E:2 * E].T, IN_W[2 * E:].T, OUT_W.T]
    m.io_weight_bias = megengine.Parameter(np.concatenate([t.flatten() for t in w] + [IN_B, OUT_B])[None])
    q, k = megengine.Tensor(Q), megengine.Tensor(K)
    mask = {"bool key_padding_mask": PAD, "bool attn_mask": CAUSAL_LS,
            "float key_padding_mask": np.where(PAD, -np.inf, 0).astype("float32"),
            "float attn_mask": FLOAT_MASK}[kind]
    arg = "key_padding_mask" if "padding" in kind else "attn_mask"
    sums = [float(m(q, k, k, **{arg: megengine.Tensor(mask)})[0].numpy().sum()) for _ in range(4)]
    print(" ".join(f"{v:.4f}" for v in sums))


def repeats():
    import torch

    here = os.path.abspath(__file__)
    m = torch.nn.MultiheadAttention(E, H, batch_first=True)
    with torch.no_grad():
        m.in_proj_weight.copy_(torch.from_numpy(IN_W))
        m.in_proj_bias.copy_(torch.from_numpy(IN_B))
        m.out_proj.weight.copy_(torch.from_numpy(OUT_W))
        m.out_proj.bias.copy_(torch.from_numpy(OUT_B))
    q, k = torch.from_numpy(Q), torch.from_numpy(K)
    with torch.no_grad():
        refs = {"key_padding_mask": float(m(q, k, k, key_padding_mask=torch.from_numpy(PAD))[0].sum()),
                "attn_mask": float(m(q, k, k, attn_mask=torch.from_numpy(CAUSAL_LS))[0].sum())}
    print("== repeats: 8 fresh MegEngine processes x 4 calls, output sums against PyTorch's")
    for kind in ("bool key_padding_mask", "bool attn_mask", "float key_padding_mask", "float attn_mask"):
        ref = refs[kind.split()[1]]
        wrong = total = 0
        for _ in range(8):
            out = subprocess.run([MGE_PYTHON, here, "megengine-repeat", kind], capture_output=True, text=True, check=False)
            for v in out.stdout.split():
                total += 1
                wrong += not abs(float(v) - ref) < 1e-3
        print(f"15 {kind}: PyTorch {ref:.4f}; wrong in {'some' if wrong else 'none'} of {total} calls"
              + (" (NaN or another value)" if wrong else ""))


def main():
    if len(sys.argv) > 2 and sys.argv[1] == "megengine-repeat":
        megengine_repeat(" ".join(sys.argv[2:]))
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
        t, m = np.load(files["torch"]), np.load(files["megengine"])
        print("== compared (largest absolute deviation)")
        for name in sorted(m.files):
            ref = t[name if name in t.files else "12 causal via attn_mask (L, L)"]
            dev = np.nanmax(np.abs(ref - m[name])) if ref.shape == m[name].shape else f"shapes {ref.shape} {m[name].shape}"
            print(name, dev if isinstance(dev, str) else ("match" if dev < 1e-5 else "DIFFER"))
    repeats()


if __name__ == "__main__":
    main()
