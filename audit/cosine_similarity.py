"""cosine_similarity: claims of docs/pairs/cosine_similarity.yaml, re-run in both frameworks.

1. MegEngine 1.13 has no cosine_similarity (exists).
2. sum(normalize(a) * normalize(b)) with eps=1e-8 gives PyTorch's values (values).
   Beyond: a zero vector (zero); tiny vectors, norms below eps (tiny); broadcasting (N, D) with
   (1, D) (broadcast); the default dim=1 and eps=1e-8 (defaults); gradients (grad_a), and at a
   zero vector (grad_zero); the port with the maximum on the squared norm (grad_zero_safe, grad_a_safe).
FOUND: F.normalize's gradient at a zero vector is NaN (PyTorch's is finite).
FIXED: usage (new), example 2 (recipe: the maximum on the squared norm).
"""
import sys



def data(rng):
    a = rng.randn(4, 6).astype("float32")
    b = rng.randn(4, 6).astype("float32")
    a[2] = 0.0
    tiny = (rng.randn(2, 6) * 1e-6).astype("float32")
    return a, b, tiny, rng.randn(1, 6).astype("float32"), rng.randn(4).astype("float32")


def torch_side(rng):
    import torch
    import torch.nn.functional as F
    a, b, tiny, row, dy = [torch.tensor(v) for v in data(rng)]
    out = {"exists": "yes", "values": F.cosine_similarity(a[[0, 1, 3]], b[[0, 1, 3]], dim=1).numpy()}
    out["zero"] = F.cosine_similarity(a, b, dim=1).numpy()[2]
    out["tiny"] = F.cosine_similarity(tiny, tiny * 2 + 1e-7, dim=1).numpy()
    out["broadcast"] = F.cosine_similarity(b, row, dim=1).numpy()
    out["defaults"] = F.cosine_similarity(b, a).numpy()
    aa = a.clone().requires_grad_()
    (F.cosine_similarity(aa, b, dim=1) * dy).sum().backward()
    out["grad_a"] = aa.grad.numpy()[[0, 1, 3]]
    out["grad_zero"] = out["grad_zero_safe"] = aa.grad.numpy()[2]
    out["grad_a_safe"] = out["grad_a"]
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    a, b, tiny, row, dy = data(rng)

    def cos(x, y):
        x, y = F.broadcast_to(x, (max(x.shape[0], y.shape[0]), x.shape[1])), y
        return (F.normalize(x, axis=1, eps=1e-8) * F.normalize(y, axis=1, eps=1e-8)).sum(axis=1)
    T = megengine.Tensor
    out = {"exists": "yes" if hasattr(F.nn, "cosine_similarity") else "no",
           "values": cos(T(a[[0, 1, 3]]), T(b[[0, 1, 3]])).numpy()}
    out["zero"] = cos(T(a), T(b)).numpy()[2]
    out["tiny"] = cos(T(tiny), T(tiny * 2 + 1e-7)).numpy()
    out["broadcast"] = (F.normalize(T(b), axis=1, eps=1e-8) * F.normalize(T(row), axis=1, eps=1e-8)).sum(axis=1).numpy()
    out["defaults"] = cos(T(b), T(a)).numpy()
    aa = megengine.Parameter(a)
    gm = GradManager().attach([aa])
    with gm:
        gm.backward((cos(aa, T(b)) * T(dy)).sum())
    out["grad_a"] = aa.grad.numpy()[[0, 1, 3]]
    out["grad_zero"] = aa.grad.numpy()[2]

    def safe_normalize(x):  # x / max(||x||, eps) with the maximum taken on the squared norm
        return x / F.sqrt(F.maximum((x ** 2).sum(axis=1, keepdims=True), 1e-16))
    aa = megengine.Parameter(a)
    gm = GradManager().attach([aa])
    with gm:
        gm.backward(((safe_normalize(aa) * safe_normalize(T(b))).sum(axis=1) * T(dy)).sum())
    out["grad_zero_safe"] = aa.grad.numpy()[2]
    out["grad_a_safe"] = aa.grad.numpy()[[0, 1, 3]]
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
