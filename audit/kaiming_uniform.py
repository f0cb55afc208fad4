"""kaiming_uniform: claims of docs/pairs/kaiming_uniform.yaml, re-run in both frameworks.

1. defaults a=0, mode="fan_in", nonlinearity="leaky_relu": gain sqrt(2) (gain_default); fans of
   2-D and 4-D weights agree (fans_2d, fans_4d).
2. calculate_gain knows linear, conv, sigmoid, tanh, relu, leaky_relu in both (gains); selu only in
   PyTorch, 0.75 (selu).
3. 5-D: fan_in 216 in PyTorch, 27 in MegEngine for (16, 8, 3, 3, 3) (fans_5d).
4. PyTorch returns the tensor, MegEngine None (returns).
   Beyond: 3-D Conv1d weights (fans_3d); a 1-D tensor (fans_1d).
FOUND: every claim holds; 3-D weights get the same fans too, 1-D tensors fail in both. Nothing to fix.
"""
import sys

import numpy as np

SHAPES = {"fans_2d": (64, 32), "fans_3d": (16, 8, 5), "fans_4d": (16, 8, 3, 3), "fans_5d": (16, 8, 3, 3, 3)}


def torch_side(rng):
    import torch
    init = torch.nn.init
    out = {"gain_default": round(init.calculate_gain("leaky_relu", 0), 4)}
    for key, shape in SHAPES.items():
        out[key] = list(init._calculate_fan_in_and_fan_out(torch.empty(shape)))
    out["gains"] = [round(init.calculate_gain(n), 4) for n in ("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu")]
    out["selu"] = init.calculate_gain("selu")
    out["returns"] = type(init.kaiming_uniform_(torch.empty(4, 4))).__name__
    try:
        init.kaiming_uniform_(torch.empty(5))
        out["fans_1d"] = "runs"
    except ValueError:
        out["fans_1d"] = "ValueError"
    return out


def megengine_side(rng):
    import megengine
    init = megengine.module.init
    out = {"gain_default": round(init.calculate_gain("leaky_relu", 0), 4)}
    for key, shape in SHAPES.items():
        out[key] = list(init.calculate_fan_in_and_fan_out(megengine.Tensor(np.zeros(shape, "float32"))))
    out["gains"] = [round(init.calculate_gain(n), 4) for n in ("linear", "conv2d", "sigmoid", "tanh", "relu", "leaky_relu")]
    try:
        out["selu"] = init.calculate_gain("selu")
    except ValueError as exc:
        out["selu"] = "ValueError: " + str(exc)
    out["returns"] = type(init.msra_uniform_(megengine.Parameter(np.zeros((4, 4), "float32")))).__name__
    try:
        init.msra_uniform_(megengine.Parameter(np.zeros(5, "float32")))
        out["fans_1d"] = "runs"
    except Exception as exc:  # noqa: BLE001
        out["fans_1d"] = type(exc).__name__
    return out


if __name__ == "__main__":
    sys.path.insert(0, __file__.rsplit("/", 1)[0])
    from _both import main
    main(torch_side, megengine_side, __file__)
