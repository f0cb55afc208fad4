"""avg_pool2d: claims of docs/pairs/avg_pool2d.yaml, re-run in both frameworks.

1. without padding both agree (no_pad); stride defaults to the kernel size on both sides (default_stride).
2. with padding the defaults differ (pad_default); mode="average" == PyTorch's default (pad_average);
   count_include_pad=False == MegEngine's default (pad_exclude).
3. MegEngine rounds the output size down (floor_shape).
4. ceil_mode=True: zero padding alone counts the zeros (ceil_zero_pad, 0.24 apart on the page's
   input); dividing by the pooled count of a padded ones mask matches (ceil_mask).
   Beyond: ceil_mode with padding=1, both count_include_pad values (ceil_pad1_include,
   ceil_pad1_exclude), with a mask that counts the padding but not the ceil extension; a size where
   PyTorch drops the last window because it would start in the padding (ceil_drop_shape).
5. divisor_override=d: AvgPool2d(k, mode="average")(x) * k * k / d (divisor).
6. gradients with padding: defaults differ, mode="average" gives PyTorch's (grad_default, grad_average).
FOUND: every claim holds; the ceil_mode port covered padding=0 and one extra row only.
FIXED: usage (output size, extra padding, what the mask counts), ceil_mode row, example 8.
"""
import sys



def data(rng):
    return (rng.randn(1, 2, 6, 6).astype("float32"), rng.randn(1, 2, 5, 5).astype("float32"),
            rng.randn(1, 2, 3, 3).astype("float32"), rng.randn(1, 1, 7, 7).astype("float32"))


def torch_side(rng):
    import torch
    x, x5, dy, x7 = [torch.tensor(a) for a in data(rng)]
    P = torch.nn.AvgPool2d
    out = {}
    out["no_pad"] = P(2, stride=2)(x).numpy()
    out["default_stride"] = P(3)(x).numpy()
    out["pad_default"] = P(3, stride=2, padding=1)(x).numpy()
    out["pad_average"] = out["pad_default"]
    out["pad_exclude"] = P(3, stride=2, padding=1, count_include_pad=False)(x).numpy()
    out["floor_shape"] = list(P(3, stride=2)(x5).shape)
    out["ceil_zero_pad"] = P(3, stride=2, ceil_mode=True)(x).numpy()
    out["ceil_mask"] = out["ceil_zero_pad"]
    out["ceil_pad1_include"] = P(3, stride=2, padding=1, ceil_mode=True)(x).numpy()
    out["ceil_pad1_exclude"] = P(3, stride=2, padding=1, ceil_mode=True, count_include_pad=False)(x).numpy()
    out["ceil_drop_shape"] = list(P(2, stride=2, padding=1, ceil_mode=True)(x7).shape)
    out["divisor"] = P(2, stride=2, divisor_override=3)(x).numpy()
    for key, kw in (("grad_default", {}), ("grad_average", {})):
        xx = x5.clone().requires_grad_()
        (P(3, stride=2, padding=1, **kw)(xx) * dy).sum().backward()
        out[key] = xx.grad.numpy()
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    from megengine.autodiff import GradManager
    x, x5, dy, x7 = [megengine.Tensor(a) for a in data(rng)]
    P = megengine.module.AvgPool2d
    out = {}
    out["no_pad"] = P(2, stride=2)(x).numpy()
    out["default_stride"] = P(3)(x).numpy()
    out["pad_default"] = P(3, stride=2, padding=1)(x).numpy()
    out["pad_average"] = P(3, stride=2, padding=1, mode="average")(x).numpy()
    out["pad_exclude"] = out["pad_default"]
    out["floor_shape"] = list(P(3, stride=2)(x5).shape)
    width = ((0, 0), (0, 0), (0, 1), (0, 1))
    out["ceil_zero_pad"] = P(3, stride=2)(F.nn.pad(x, width)).numpy()
    avg = P(3, stride=2, mode="average")
    out["ceil_mask"] = (avg(F.nn.pad(x, width)) / avg(F.nn.pad(F.ones_like(x), width))).numpy()

    def ceil_pool(x, k, s, p, include_pad):
        """PyTorch's ceil_mode=True: explicit padding p, then zeros for the extra windows."""
        h = x.shape[2]
        out_size = -(-(h + 2 * p - k) // s) + 1
        if (out_size - 1) * s >= h + p:  # the last window would start in the padding
            out_size -= 1
        extra = max(0, (out_size - 1) * s + k - (h + 2 * p))
        both = ((0, 0), (0, 0), (p, p + extra), (p, p + extra))
        ones = F.ones_like(x)
        counted = F.nn.pad(F.nn.pad(ones, ((0, 0), (0, 0), (p, p), (p, p)), constant_value=1.0 if include_pad else 0.0),
                           ((0, 0), (0, 0), (0, extra), (0, extra)))
        pool = P(k, stride=s, mode="average")
        return pool(F.nn.pad(x, both)) / pool(counted)
    out["ceil_pad1_include"] = ceil_pool(x, 3, 2, 1, True).numpy()
    out["ceil_pad1_exclude"] = ceil_pool(x, 3, 2, 1, False).numpy()
    out["ceil_drop_shape"] = list(ceil_pool(x7, 2, 2, 1, True).shape)
    out["divisor"] = (P(2, stride=2, mode="average")(x) * 4 / 3).numpy()
    for key, mode in (("grad_default", "average_count_exclude_padding"), ("grad_average", "average")):
        xx = megengine.Parameter(x5.numpy())
        gm = GradManager().attach([xx])
        with gm:
            gm.backward((P(3, stride=2, padding=1, mode=mode)(xx) * dy).sum())
        out[key] = xx.grad.numpy()
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
