"""The adapters that ship with the package: PyTorch, MegEngine, PaddlePaddle and JAX.

No Sphinx, numpy or framework imports here.
"""

from __future__ import annotations

from pathlib import Path

from sphinx_apidiff.frameworks.base import Framework

#: The worker's halves of these adapters.
WORKER_ADAPTERS = Path(__file__).resolve().parents[1] / "execution/runtime/worker/adapters"

#: Names the generated code gives to what it needs (kept in one place with the
#: templates; ``model.vocabulary.GENERATED_NAMES`` reserves them).
WEIGHTS = "weights"
GRAD_MANAGER = "grad_manager"


def _worker(name: str) -> str:
    return str(WORKER_ADAPTERS / f"{name}.py")


TORCH = Framework(
    name="torch",
    factory="tensor",
    worker=_worker("torch"),
    env_prefixes=("TORCH_", "PYTORCH_"),
    to_array="p.detach().numpy().copy()",
    load=(
        f"{{module}}.load_state_dict("
        f"{{{{n: torch.from_numpy(a) for n, a in {WEIGHTS}.items()}}}}, strict=False)"
    ),
    requires_grad="{name}.requires_grad_(True)",
    backward="{of}.backward()",
    backward_upstream="{of}.backward({upstream})",
)

MEGENGINE = Framework(
    name="megengine",
    factory="Tensor",
    worker=_worker("megengine"),
    env_prefixes=("MGE_", "MEGENGINE_"),
    to_array="p.numpy().copy()",
    load=f"{{module}}.load_state_dict({WEIGHTS}, strict=False)",
    record=(
        "from megengine.autodiff import GradManager\n"
        f"{GRAD_MANAGER} = GradManager().attach([{{tensors}}])\n"
        f"{GRAD_MANAGER}.record()"
    ),
    backward=f"{GRAD_MANAGER}.backward({{of}})",
    backward_upstream=f"{GRAD_MANAGER}.backward({{of}}, {{upstream}})",
)

PADDLE = Framework(
    name="paddle",
    distribution="paddlepaddle",
    factory="to_tensor",
    worker=_worker("paddle"),
    env_prefixes=("FLAGS_", "GLOG_"),
    to_array="p.numpy().copy()",
    load=f"{{module}}.set_state_dict({WEIGHTS})",
    requires_grad="{name}.stop_gradient = False",
    backward="{of}.backward()",
    backward_upstream="{of}.backward({upstream})",
)

JAX = Framework(
    name="jax",
    factory="numpy.asarray",
    worker=_worker("jax"),
    # the CPU, as every other framework here: no search for accelerators, no notice;
    # every compiled operation kept in the persistent compilation cache, not only those
    # that took a second to compile (eager operations take milliseconds each, and there
    # are hundreds), in the user's cache: a later worker, of this build or of any build
    # on the machine (a clean one, another clone), reads them instead of compiling again
    environ={"JAX_PLATFORMS": "cpu", "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0"},
    user_cache_env={"JAX_COMPILATION_CACHE_DIR": "jax"},
    env_prefixes=("JAX_", "XLA_"),
    # under jax.jit: the snippet and its gradient become one compiled program, where eager
    # differentiation compiles each operation of the forward and backward passes on its
    # own (on the four-way guide's gradient examples, 3-5x the time)
    grad="jax.jit(jax.grad({function}, argnums={argnums}))({args})",
    vjp="jax.vjp(jax.jit({function}), {args})",
)

BUILTIN = {adapter.name: adapter for adapter in (TORCH, MEGENGINE, PADDLE, JAX)}
