"""gru: claims of docs/pairs/gru.yaml, re-run in both frameworks.

1. MegEngine 1.13 has RNN and LSTM but no GRU nor GRUCell (has).
2. the recurrence with gates r, z, n (b_hn inside the product with r) on PyTorch's tensors as they
   are gives PyTorch's output and h_n (one_y, one_h).
3. batch_first: transpose in and out (bf_y).
4. bidirectional: the _reverse weights over the reversed sequence, reversed back, concatenated (bi_y, bi_h).
5. several layers: each layer's output feeds the next; h_n stacks each layer's last state (two_y, two_h).
   Beyond: gradients of the written recurrence with respect to the input and the weights
   (grad_x, grad_w_ih); PyTorch's initialisation, uniform in +-1/sqrt(hidden_size) (init_bound).
FOUND: every claim holds; the page did not say how h_n stacks for several layers, that the
gradients agree, nor how PyTorch initialises (for training from scratch).
FIXED: usage; example 4 (two layers, h_n, the input gradient).
"""
import sys



def data(rng):
    x = rng.randn(5, 2, 3).astype("float32")
    w = [rng.uniform(-0.5, 0.5, s).astype("float32") for s in ((12, 3), (12, 4), (12,), (12,))]
    w2 = [rng.uniform(-0.5, 0.5, s).astype("float32") for s in ((12, 4), (12, 4), (12,), (12,))]
    wr = [rng.uniform(-0.5, 0.5, s).astype("float32") for s in ((12, 3), (12, 4), (12,), (12,))]
    dy = rng.randn(5, 2, 4).astype("float32")
    return x, w, w2, wr, dy


def torch_side(rng):
    import torch
    x, w, w2, wr, dy = data(rng)
    x, dy = torch.tensor(x), torch.tensor(dy)
    names = ("weight_ih", "weight_hh", "bias_ih", "bias_hh")

    def load(gru, tensors, suffix):
        with torch.no_grad():
            for name, value in zip(names, tensors):
                getattr(gru, name + suffix).copy_(torch.tensor(value))
    out = {"has": "GRU GRUCell"}
    gru = torch.nn.GRU(3, 4)
    load(gru, w, "_l0")
    xx = x.clone().requires_grad_()
    y, h = gru(xx)
    out["one_y"], out["one_h"] = y.detach().numpy(), h.detach().numpy()
    (y * dy).sum().backward()
    out["grad_x"], out["grad_w_ih"] = xx.grad.numpy(), gru.weight_ih_l0.grad.numpy()
    bf = torch.nn.GRU(3, 4, batch_first=True)
    load(bf, w, "_l0")
    out["bf_y"] = bf(x.transpose(0, 1))[0].detach().numpy()
    bi = torch.nn.GRU(3, 4, bidirectional=True)
    load(bi, w, "_l0")
    load(bi, wr, "_l0_reverse")
    y, h = bi(x)
    out["bi_y"], out["bi_h"] = y.detach().numpy(), h.detach().numpy()
    two = torch.nn.GRU(3, 4, num_layers=2)
    load(two, w, "_l0")
    load(two, w2, "_l1")
    y, h = two(x)
    out["two_y"], out["two_h"] = y.detach().numpy(), h.detach().numpy()
    torch.manual_seed(0)
    out["init_bound"] = round(max(p.abs().max().item() for p in torch.nn.GRU(3, 16).parameters()) * 4, 2)
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, w, w2, wr, dy = data(rng)
    x, dy = megengine.Tensor(x), megengine.Tensor(dy)
    w, w2, wr = [[megengine.Tensor(a) for a in ws] for ws in (w, w2, wr)]
    out = {"has": " ".join(n for n in ("GRU", "GRUCell") if hasattr(megengine.module, n)) or "neither"}

    def gru(x, w_ih, w_hh, b_ih, b_hh, h):
        ys = []
        for t in range(x.shape[0]):
            i_r, i_z, i_n = F.split(F.matmul(x[t], w_ih, transpose_b=True) + b_ih, 3, 1)
            h_r, h_z, h_n = F.split(F.matmul(h, w_hh, transpose_b=True) + b_hh, 3, 1)
            r = F.sigmoid(i_r + h_r)
            z = F.sigmoid(i_z + h_z)
            n = F.tanh(i_n + r * h_n)
            h = (1 - z) * n + z * h
            ys.append(h)
        return F.stack(ys), F.expand_dims(h, 0)
    h0 = F.zeros((2, 4))
    xx = megengine.Parameter(x.numpy())
    w_ih = megengine.Parameter(w[0].numpy())
    gm = GradManager().attach([xx, w_ih])
    with gm:
        y, h = gru(xx, w_ih, w[1], w[2], w[3], h0)
        gm.backward((y * dy).sum())
    out["one_y"], out["one_h"] = y.numpy(), h.numpy()
    out["grad_x"], out["grad_w_ih"] = xx.grad.numpy(), w_ih.grad.numpy()
    out["bf_y"] = F.transpose(gru(x, *w, h0)[0], (1, 0, 2)).numpy()
    y_f, h_f = gru(x, *w, h0)
    y_b, h_b = gru(x[::-1], *wr, h0)
    out["bi_y"] = F.concat([y_f, y_b[::-1]], axis=2).numpy()
    out["bi_h"] = F.concat([h_f, h_b], axis=0).numpy()
    y1, h1 = gru(x, *w, h0)
    y2, h2 = gru(y1, *w2, h0)
    out["two_y"], out["two_h"] = y2.numpy(), F.concat([h1, h2], axis=0).numpy()
    out["init_bound"] = 1.0
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
