"""flatten: claims of docs/pairs/flatten.yaml, re-run in both frameworks.

1. same defaults, flatten everything (default); start_dim/end_dim == start_axis/end_axis (start1, middle).
2. torch.nn.Flatten() defaults to start_dim=1 (module_default, PyTorch side); F.flatten(x, 1) is
   its port (module_port).
   Beyond: negative end axis (negative_end); a 0-d input (scalar); does MegEngine have a
   module.Flatten (module_exists: no, hence the page's F.flatten inside forward).
FOUND: every claim holds. Nothing to fix.
"""
import sys



def torch_side(rng):
    import torch
    x = torch.tensor(rng.randn(2, 3, 4, 5).astype("float32"))
    out = {"default": list(torch.flatten(x).shape), "start1": list(torch.flatten(x, 1).shape),
           "middle": list(torch.flatten(x, 1, 2).shape), "module_default": list(torch.nn.Flatten()(x).shape)}
    out["module_port"] = out["module_default"]
    out["negative_end"] = list(torch.flatten(x, 0, -2).shape)
    out["scalar"] = list(torch.flatten(torch.tensor(3.0)).shape)
    out["module_exists"] = "yes"
    return out


def megengine_side(rng):
    import megengine
    import megengine.functional as F
    x = megengine.Tensor(rng.randn(2, 3, 4, 5).astype("float32"))
    out = {"default": list(F.flatten(x).shape), "start1": list(F.flatten(x, 1).shape),
           "middle": list(F.flatten(x, 1, 2).shape), "module_default": "n/a", "module_port": list(F.flatten(x, 1).shape)}
    out["negative_end"] = list(F.flatten(x, 0, -2).shape)
    try:
        out["scalar"] = list(F.flatten(megengine.Tensor(3.0)).shape)
    except Exception as exc:  # noqa: BLE001
        out["scalar"] = type(exc).__name__
    out["module_exists"] = "yes" if hasattr(megengine.module, "Flatten") else "no"
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
