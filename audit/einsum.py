"""einsum: claims of docs/pairs/einsum.yaml, re-run in both frameworks.

1. MegEngine 1.13 has no einsum (exists).
2. the page's ports: matmul with transpose_b, batched over leading axes (bik, scores); outer product
   by broadcasting (outer); trace by a product with eye and a sum (trace).
   Beyond: matmul broadcasting a 2-D right operand over a 4-D left one ("bhqd,dk->bhqk": broadcast_2d);
   transpose_a ("bji,bjk->bik": transpose_a); gradients through the ports (grad_scores).
FOUND: every claim holds. Nothing to fix.
"""
import sys



def data(rng):
    return (rng.randn(2, 3, 4).astype("float32"), rng.randn(2, 5, 4).astype("float32"), rng.randn(3).astype("float32"),
            rng.randn(4).astype("float32"), rng.randn(4, 4).astype("float32"), rng.randn(2, 2, 3, 4).astype("float32"),
            rng.randn(2, 2, 5, 4).astype("float32"), rng.randn(4, 6).astype("float32"), rng.randn(2, 2, 3, 5).astype("float32"))


def torch_side(rng):
    import torch
    a, b, u, v, m, q, k, w, dy = [torch.tensor(x) for x in data(rng)]
    e = torch.einsum
    out = {"exists": "yes", "bik": e("bij,bkj->bik", a, b).numpy(), "scores": e("bhqd,bhkd->bhqk", q, k).numpy(),
           "outer": e("i,j->ij", u, v).numpy(), "trace": e("ii->", m).item(),
           "broadcast_2d": e("bhqd,dk->bhqk", q, w).numpy(), "transpose_a": e("bji,bjk->bik", a, a).numpy()}
    qq = q.clone().requires_grad_()
    (e("bhqd,bhkd->bhqk", qq, k) * dy).sum().backward()
    out["grad_scores"] = qq.grad.numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    a, b, u, v, m, q, k, w, dy = [megengine.Tensor(x) for x in data(rng)]
    out = {"exists": "yes" if hasattr(F, "einsum") else "no", "bik": F.matmul(a, b, transpose_b=True).numpy(),
           "scores": F.matmul(q, k, transpose_b=True).numpy(),
           "outer": (F.expand_dims(u, 1) * F.expand_dims(v, 0)).numpy(), "trace": (m * F.eye(4)).sum().item()}
    try:
        out["broadcast_2d"] = F.matmul(q, w).numpy()
    except Exception as exc:  # noqa: BLE001
        out["broadcast_2d"] = type(exc).__name__
    out["transpose_a"] = F.matmul(a, a, transpose_a=True).numpy()
    qq = megengine.Parameter(q.numpy())
    gm = GradManager().attach([qq])
    with gm:
        gm.backward((F.matmul(qq, k, transpose_b=True) * dy).sum())
    out["grad_scores"] = qq.grad.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
