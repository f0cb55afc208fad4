"""PyTorch in the worker (see the package's docstring for what each name does)."""

import torch

FACTORY = "tensor"


def to_tensor(array, cast):
    tensor = torch.tensor(array)
    return tensor.to(getattr(torch, cast)) if cast else tensor


def to_numpy(value):
    if not isinstance(value, torch.Tensor):
        return None
    tensor = value.detach().cpu()
    try:
        return tensor.numpy()
    except TypeError:  # a dtype numpy lacks (bfloat16, float8): its values as float32
        return tensor.float().numpy()


def dtype_name(value):
    dtype = getattr(value, "dtype", None)
    return None if dtype is None else str(dtype).replace("torch.", "")


def seed():
    torch.manual_seed(0)


def settings():
    found = []
    pairs = [
        ("get_default_dtype", "set_default_dtype"),
        ("is_grad_enabled", "set_grad_enabled"),
        ("are_deterministic_algorithms_enabled", "use_deterministic_algorithms"),
        ("get_num_threads", "set_num_threads"),
        ("get_default_device", "set_default_device"),
        ("is_anomaly_enabled", "set_anomaly_enabled"),
        ("get_float32_matmul_precision", "set_float32_matmul_precision"),
    ]
    for getter, setter in pairs:
        if hasattr(torch, getter) and hasattr(torch, setter):
            found.append((getattr(torch, getter), getattr(torch, setter)))
    backends = getattr(torch, "backends", None)
    flags = [("mkldnn", "enabled"), ("cudnn", "enabled"), ("cudnn", "deterministic")]
    flags += [("cudnn", "benchmark"), ("opt_einsum", "enabled")]
    for backend, flag in flags:
        owner = getattr(backends, backend, None)
        if owner is not None and hasattr(owner, flag):
            found.append(
                (
                    lambda owner=owner, flag=flag: getattr(owner, flag),
                    lambda value, owner=owner, flag=flag: setattr(owner, flag, value),
                )
            )
    if hasattr(torch, "set_flush_denormal"):
        # no getter: a denormal float32 that survives a multiplication says it is off
        def flushing():
            tiny = torch.full((1,), 1e-39, dtype=torch.float32, device="cpu")
            return bool((tiny * 1.0).item() == 0.0)

        found.append((flushing, torch.set_flush_denormal))
    opts = getattr(getattr(torch, "_tensor_str", None), "PRINT_OPTS", None)
    if opts is not None:
        found.append((lambda: dict(vars(opts)), lambda saved: vars(opts).update(saved)))
    return found
