"""embedding: claims of docs/pairs/embedding.yaml, re-run in both frameworks.

1. same table, same lookup (lookup); weights (num_embeddings, embedding_dim) from N(0, 1) (init_std).
2. padding_idx, max_norm, norm_type other than None raise ValueError in MegEngine (unsupported).
3. from_pretrained exists in both, freeze=True by default (pretrained, freeze_default); beyond:
   whether a frozen MegEngine table still gets a gradient when its parameters are attached (frozen_grad).
4. repeated indices add up their gradients (grad_repeat); the keep-mask trick gives no gradient to the
   padding row (grad_padding).
   Beyond: an index out of range (out_of_range, in a process of its own, MegEngine's default
   dispatch) and a negative index (negative); int64 indices (int64); max_norm: PyTorch renormalises
   the stored rows in place; renormalising the looked-up rows in MegEngine gives the values
   (max_norm_values) but other weight gradients (max_norm_grad) unless the scale is detached
   (max_norm_grad_detached); renormalising the table's rows in place before recording gives
   PyTorch's values, gradient and stored table (max_norm_inplace_grad, max_norm_table).
FOUND: negative indices read from the end in MegEngine (PyTorch: IndexError); an index past the
end returns a zero row without an error under MegEngine's default dispatch; the max_norm port
("renormalise the looked-up rows") gives other gradients and leaves the table unchanged.
FIXED: usage (max_norm, Indices out of range), max_norm row, examples 6 (negative index) and 7
(the in-place renormalisation, values, table and gradient).
"""
import sys

import numpy as np

OUT_OF_RANGE = """
import numpy as np, megengine
emb = megengine.module.Embedding(4, 2)
try:
    y = emb(megengine.Tensor(np.array([1, 7], dtype="int32")))
    values = y.numpy()
    print("returns", values.shape, flush=True)
except Exception as exc:
    print("raises", type(exc).__name__, flush=True)
"""


def data(rng):
    return (rng.randn(10, 3).astype("float32"), rng.randint(0, 10, (2, 4)).astype("int32"),
            rng.randn(2, 4, 3).astype("float32"))


def torch_side(rng):
    import torch
    w, idx, dy = data(rng)
    w, dy, idx = torch.tensor(w), torch.tensor(dy), torch.tensor(idx)
    out = {}
    emb = torch.nn.Embedding(10, 3)
    with torch.no_grad():
        emb.weight.copy_(w)
    out["lookup"] = emb(idx).detach().numpy()
    out["init_std"] = round(float(torch.nn.Embedding(1000, 64).weight.std()), 1)
    out["unsupported"] = "accepted"
    out["pretrained"] = torch.nn.Embedding.from_pretrained(w)(idx).numpy()
    frozen = torch.nn.Embedding.from_pretrained(w)
    out["freeze_default"] = not frozen.weight.requires_grad
    out["frozen_grad"] = "no gradient"
    r = torch.tensor([[0, 2, 2, 5], [5, 5, 1, 2]])
    emb = torch.nn.Embedding(10, 3)
    with torch.no_grad():
        emb.weight.copy_(w)
    (emb(r) * dy).sum().backward()
    out["grad_repeat"] = emb.weight.grad.numpy()
    p = torch.nn.Embedding(10, 3, padding_idx=0)
    with torch.no_grad():
        p.weight.copy_(w)
    (p(torch.tensor([[0, 2, 2, 5], [5, 0, 1, 0]])) * dy).sum().backward()
    out["grad_padding"] = p.weight.grad.numpy()
    try:
        emb(torch.tensor([1, 17]))
        out["out_of_range"] = "runs"
    except IndexError:
        out["out_of_range"] = "IndexError"
    try:
        emb(torch.tensor([-1]))
        out["negative"] = "runs"
    except IndexError:
        out["negative"] = "IndexError"
    out["int64"] = emb(idx.long()).detach().numpy()
    m = torch.nn.Embedding(10, 3, max_norm=1.0)
    with torch.no_grad():
        m.weight.copy_(w)
    y = m(idx)
    out["max_norm_values"] = y.detach().numpy()
    (y * dy).sum().backward()
    out["max_norm_grad"] = out["max_norm_grad_detached"] = m.weight.grad.numpy()
    out["max_norm_inplace_grad"], out["max_norm_table"] = m.weight.grad.numpy(), m.weight.detach().numpy()
    return out


def megengine_side(rng):
    import subprocess
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    w, idx, dy = data(rng)
    idx_t, dy_t = megengine.Tensor(idx), megengine.Tensor(dy)
    E = megengine.module.Embedding
    out = {}
    emb = E(10, 3)
    emb.weight = megengine.Parameter(w)
    out["lookup"] = emb(idx_t).numpy()
    out["init_std"] = round(float(E(1000, 64).weight.numpy().std()), 1)
    errors = []
    for kw in ({"padding_idx": 0}, {"max_norm": 1.0}, {"norm_type": 2.0}):
        try:
            E(10, 3, **kw)
            errors.append("accepted")
        except ValueError:
            errors.append("ValueError")
    out["unsupported"] = "accepted" if errors == ["accepted"] * 3 else ", ".join(errors)
    frozen = E.from_pretrained(megengine.Tensor(w))
    out["pretrained"] = frozen(idx_t).numpy()
    out["freeze_default"] = bool(frozen.freeze)
    gm = GradManager().attach(frozen.parameters())
    with gm:
        gm.backward((frozen(idx_t) * dy_t).sum())
    out["frozen_grad"] = "no gradient" if frozen.weight.grad is None else "gets a gradient"
    emb = E(10, 3)
    emb.weight = megengine.Parameter(w)
    gm = GradManager().attach(emb.parameters())
    with gm:
        gm.backward((emb(megengine.Tensor(np.array([[0, 2, 2, 5], [5, 5, 1, 2]], "int32"))) * dy_t).sum())
    out["grad_repeat"] = emb.weight.grad.numpy()
    emb.weight.grad = None
    pidx = megengine.Tensor(np.array([[0, 2, 2, 5], [5, 0, 1, 0]], "int32"))
    with gm:
        y = emb(pidx)
        keep = F.expand_dims((pidx != 0).astype("float32"), -1)
        gm.backward(((y * keep + y.detach() * (1 - keep)) * dy_t).sum())
    out["grad_padding"] = emb.weight.grad.numpy()
    done = subprocess.run([sys.executable, "-c", OUT_OF_RANGE], capture_output=True, text=True)
    out["out_of_range"] = (done.stdout.strip() or "nothing") + ("; exit code %d" % done.returncode)
    try:
        out["negative"] = "returns %s" % (emb(megengine.Tensor(np.array([-1], "int32"))).numpy().shape,)
    except Exception as exc:  # noqa: BLE001
        out["negative"] = type(exc).__name__
    out["int64"] = emb(megengine.Tensor(idx.astype("int64"))).numpy()

    def renormed(detach):
        m = E(10, 3)
        m.weight = megengine.Parameter(w)
        gm = GradManager().attach(m.parameters())
        with gm:
            rows = m(idx_t)
            norm = F.sqrt((rows ** 2).sum(axis=-1, keepdims=True))
            scale = F.where(norm > 1.0, 1.0 / (norm + 1e-7), F.ones_like(norm))
            y = rows * (scale.detach() if detach else scale)
            gm.backward((y * dy_t).sum())
        return y.numpy(), m.weight.grad.numpy()
    out["max_norm_values"], out["max_norm_grad"] = renormed(False)
    _, out["max_norm_grad_detached"] = renormed(True)
    m = E(10, 3)
    m.weight = megengine.Parameter(w)
    table = m.weight.numpy().copy()
    rows = np.unique(idx)
    norms = np.linalg.norm(table[rows], axis=1, keepdims=True)
    table[rows] *= np.where(norms > 1.0, 1.0 / (norms + 1e-7), 1.0)
    m.weight[...] = megengine.Tensor(table)
    gm = GradManager().attach(m.parameters())
    with gm:
        gm.backward((m(idx_t) * dy_t).sum())
    out["max_norm_inplace_grad"], out["max_norm_table"] = m.weight.grad.numpy(), m.weight.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
