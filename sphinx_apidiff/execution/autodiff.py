"""The code that runs around a snippet: declared modules, shared weights, gradients.

Each framework computes gradients its own way: PyTorch marks the inputs
``requires_grad`` and calls ``backward`` on the result; MegEngine attaches the
inputs and the modules' parameters to a ``GradManager`` that records the
snippet. This module writes that code, per framework, as text: the worker runs
exactly this text around the snippet, and the page shows it in the runnable
code, so what a reader pastes is what ran.

Declared modules get the same parameters in every framework (``weights:
shared``): each parameter, by its name in the reference framework, is filled
with values drawn uniformly from [-0.5, 0.5) by numpy's ``RandomState``, seeded
by the example's seed and the parameter's name. ``RandomState``'s stream is
frozen by numpy's policy, so numpy 1.x (MegEngine's side) and 2.x (PyTorch's)
draw the same values. A framework whose parameter names differ says where each
reference parameter lives (``names``), a slice of a larger one included
(MegEngine's LSTM keeps every weight in ``_flatten_weights``).

No Sphinx imports here.
"""

from __future__ import annotations

from dataclasses import dataclass

from sphinx_apidiff.model.spec import ExampleSpec
from sphinx_apidiff.model.vocabulary import Weights

#: The variable the finishing code leaves the gradients in: ``{"x.grad": ..., ...}``.
GRADS = "grads"
#: MegEngine's gradient manager, as the generated code names it.
GRAD_MANAGER = "grad_manager"


@dataclass(frozen=True)
class Adapter:
    """How one framework does what the generated code needs."""

    to_array: str  # the numpy copy of a parameter ``p``
    from_array: str  # a state-dict value from the numpy array ``a``
    requires_grad: str  # code that makes the input ``{name}`` tracked, or ""
    record: str  # code that starts recording, given ``{tensors}`` to attach, or ""
    backward: str  # code that back-propagates ``{of}``
    backward_upstream: str  # ... against ``{upstream}``


ADAPTERS = {
    "torch": Adapter(
        to_array="p.detach().numpy().copy()",
        from_array="torch.from_numpy(a)",
        requires_grad="{name}.requires_grad_(True)",
        record="",
        backward="{of}.backward()",
        backward_upstream="{of}.backward({upstream})",
    ),
    "megengine": Adapter(
        to_array="p.numpy().copy()",
        from_array="a",
        requires_grad="",
        record=(
            "from megengine.autodiff import GradManager\n"
            f"{GRAD_MANAGER} = GradManager().attach([{{tensors}}])\n"
            f"{GRAD_MANAGER}.record()"
        ),
        backward=f"{GRAD_MANAGER}.backward({{of}})",
        backward_upstream=f"{GRAD_MANAGER}.backward({{of}}, {{upstream}})",
    ),
}

_HELPERS = '''\
def parameters(module, names):
    """Each reference parameter name -> (this framework's parameter, the view of it that
    holds the reference's: "" for all of it, or "[:, 0:4]", ".reshape(-1)[0:128]"...)."""
    import re
    pattern = r"([\\w.]*?)((\\[|\\.reshape\\(|\\.transpose\\(|\\.T\\b).*)?$"
    split = {{ref: re.match(pattern, t).groups()[:2] for ref, t in names.items()}}
    whole = {{name for name, _ in split.values()}}
    out = {{n: (n, "") for n, _ in module.named_parameters() if n not in whole}}
    out.update({{ref: (name, view or "") for ref, (name, view) in split.items()}})
    return out


def same_weights(module, prefix, names, seed):
    """Every parameter, by its reference name, uniform in [-0.5, 0.5): the same values
    in every framework (numpy's RandomState draws the same stream everywhere)."""
    import zlib
    arrays = {{n: {to_array} for n, p in module.named_parameters()}}
    for ref, (name, view) in parameters(module, names).items():
        tag = zlib.crc32(("%d:%s.%s" % (seed, prefix, ref)).encode())
        part = eval("a" + view, {{"a": arrays[name]}})  # a view: writing it writes the array
        values = np.random.RandomState(tag).uniform(-0.5, 0.5, np.size(part))
        part[...] = values.reshape(np.shape(part))
    module.load_state_dict({{n: {from_array} for n, a in arrays.items()}}, strict=False)


def module_grads(module, prefix, names):
    """The gradient of each parameter, by its reference name."""
    own = dict(module.named_parameters())
    out = {{}}
    for ref, (name, view) in parameters(module, names).items():
        grad = own[name].grad
        if grad is not None and view:
            grad = eval("g" + view, {{"g": grad}})  # the reference's part of the parameter
        out["%s.%s.grad" % (prefix, ref)] = grad
    return out
'''


def needs_code(example: ExampleSpec) -> bool:
    """Does the example run code around its snippet (declared modules, gradients)?"""
    return bool(example.modules) or example.grad is not None


def setup_code(example: ExampleSpec, framework: str) -> str:
    """The code run after the inputs are made and before the snippet: the declared
    modules, built and given their weights, and what gradients need."""
    adapter = ADAPTERS.get(framework)
    lines: list[str] = []
    if example.modules and adapter is not None:
        lines.append(_HELPERS.format(to_array=adapter.to_array, from_array=adapter.from_array))
    for module in example.modules:
        lines.append(f"{module.name} = {module.build[framework].text.strip()}")
        if module.weights == Weights.SHARED and adapter is not None:
            names = module.names.get(framework, {})
            lines.append(
                f"same_weights({module.name}, {module.name!r}, {names!r}, seed={example.seed})"
            )
    grad = example.grad
    if grad is not None and adapter is not None:
        inputs = [name for name in grad.wrt if name not in _module_names(example)]
        if adapter.requires_grad:
            lines += [adapter.requires_grad.format(name=name) for name in inputs]
        if adapter.record:
            tensors = [*inputs, *(f"*{m}.parameters()" for m in grad.wrt if m not in inputs)]
            lines.append(adapter.record.format(tensors=", ".join(tensors)))
    return "\n".join(lines)


def finish_code(example: ExampleSpec, framework: str) -> str:
    """The code run after the snippet: back-propagation, and the gradients collected in
    :data:`GRADS` by name (``x.grad``; ``fc.weight.grad`` by the reference's names)."""
    grad = example.grad
    adapter = ADAPTERS.get(framework)
    if grad is None or adapter is None:
        return ""
    template = adapter.backward_upstream if grad.upstream else adapter.backward
    lines = [template.format(of=grad.of, upstream=grad.upstream)]
    modules = _module_names(example)
    parts = []
    for name in grad.wrt:
        if name in modules:
            names = next(m.names.get(framework, {}) for m in example.modules if m.name == name)
            parts.append(f"**module_grads({name}, {name!r}, {names!r})")
        else:
            parts.append(f'"{name}.grad": {name}.grad')
    lines.append(f"{GRADS} = {{{', '.join(parts)}}}")
    return "\n".join(lines)


def _module_names(example: ExampleSpec) -> set[str]:
    return {module.name for module in example.modules}
