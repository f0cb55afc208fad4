"""The code that runs around a snippet: declared modules, shared weights, gradients.

Each framework computes gradients its own way: PyTorch marks the inputs
``requires_grad`` and calls ``backward`` on the result; PaddlePaddle clears their
``stop_gradient`` and does the same; MegEngine attaches the inputs and the modules'
parameters to a ``GradManager`` that records the snippet; JAX has no recorded
tensors, so the snippet becomes a function of the inputs in ``wrt`` and ``jax.grad``
under ``jax.jit`` (or ``jax.vjp`` of the jitted function, against an upstream gradient)
differentiates it. The framework's
adapter (:mod:`sphinx_apidiff.frameworks`) holds those calls as templates; this
module writes the code from them, as text: the worker runs exactly this text around
the snippet, and the page shows it in the runnable code, so what a reader pastes is
what ran.

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

import re

from sphinx_apidiff import frameworks
from sphinx_apidiff.frameworks import Framework
from sphinx_apidiff.model.example import ExampleSpec, ModuleSpec
from sphinx_apidiff.model.vocabulary import Weights

#: The variable the finishing code leaves the gradients in: ``{"x.grad": ..., ...}``.
GRADS = "grads"
#: The helper that fills a parameter (or its view) with the shared values.
SAME_WEIGHTS = "same_weights"
#: A module's parameters as numpy copies, filled before they are loaded back.
WEIGHTS = "weights"
#: A module's parameters by this framework's names, where the gradients are read.
PARAMS = "params"
#: A gradient read before its view is taken (a frozen parameter has none).
GRAD = "grad"
#: The loop variable over a module's parameter names.
LOOP = "param_name"
#: The snippet made a function of the inputs in ``wrt`` (functional gradients, JAX).
FUNCTION = "snippet"
#: What ``vjp`` gives besides the snippet's result: the gradients against an upstream.
PULLBACK = "pullback"


_HELPER = f'''\
import zlib


def {SAME_WEIGHTS}(part, name):
    """Fill a parameter's numpy copy (or the view of it that holds the reference's) with
    values uniform in [-0.5, 0.5), seeded by the reference's name: the same everywhere."""
    tag = zlib.crc32(f"{{seed}}:{{{{name}}}}".encode())
    part[...] = np.random.RandomState(tag).uniform(-0.5, 0.5, part.shape)'''

#: A parameter's name, then its view: ``"1.weight.T"`` -> ``("1.weight", ".T")``.
_VIEW = re.compile(r"([\w.]*?)((\[|\.reshape\(|\.transpose\(|\.T\b).*)?$")


def split_target(target: str) -> tuple[str, str]:
    """Where a reference parameter lives in a framework: its parameter's name there, and
    the view of it (``""`` for all of it). The schema admits no other text."""
    found = _VIEW.match(target)
    assert found is not None
    return found.group(1), found.group(2) or ""


def needs_code(example: ExampleSpec) -> bool:
    """Does the example run code around its snippet (declared modules, gradients)?"""
    return bool(example.modules) or example.grad is not None


def setup_code(example: ExampleSpec, framework: str) -> str:
    """The code run after the inputs are made and before the snippet: the declared
    modules, built and given their weights, and what gradients need."""
    adapter = frameworks.get(framework)
    blocks: list[str] = []
    shared = [m for m in example.modules if m.weights == Weights.SHARED]
    if shared and adapter is not None and adapter.load:
        blocks.append(_HELPER.format(seed=example.seed))
    lines: list[str] = []
    for module in example.modules:
        lines.append(f"{module.name} = {module.build[framework].text.strip()}")
        if module.weights == Weights.SHARED and adapter is not None and adapter.load:
            lines += _fill(module, framework, adapter)
    grad = example.grad
    if grad is not None and adapter is not None and adapter.module_gradients:
        inputs = [name for name in grad.wrt if name not in _module_names(example)]
        if adapter.requires_grad:
            lines += [adapter.requires_grad.format(name=name) for name in inputs]
        if adapter.record:
            tensors = [*inputs, *(f"*{m}.parameters()" for m in grad.wrt if m not in inputs)]
            lines.append(adapter.record.format(tensors=", ".join(tensors)))
    if lines:
        blocks.append("\n".join(lines))
    return "\n\n\n".join(blocks)


def _fill(module: ModuleSpec, framework: str, adapter: Framework) -> list[str]:
    """The lines that give a module the shared weights: its parameters copied to numpy,
    each filled by its reference name (one line per parameter the framework keeps under
    another name or in a view of another), and loaded back."""
    name = module.name
    lines = [f"{WEIGHTS} = {{n: {adapter.to_array} for n, p in {name}.named_parameters()}}"]
    mapped = module.names.get(framework, {})
    for ref, target in mapped.items():
        own, view = split_target(target)
        lines.append(f'{SAME_WEIGHTS}({WEIGHTS}["{own}"]{view}, "{name}.{ref}")')
    lines += _others(WEIGHTS, mapped)
    lines.append(f'    {SAME_WEIGHTS}({WEIGHTS}[{LOOP}], "{name}." + {LOOP})')
    lines.append(adapter.load.format(module=name))
    return lines


def _others(variable: str, mapped: dict[str, str]) -> list[str]:
    """The start of a ``for`` loop over a module's parameters by their own names: all of
    them, or those that hold no mapped parameter."""
    taken = sorted({split_target(target)[0] for target in mapped.values()})
    if not taken:
        return [f"for {LOOP} in {variable}:"]
    names = ", ".join(f'"{own}"' for own in taken)
    return [
        "# the other parameters, by their own names",
        f"for {LOOP} in {variable}.keys() - {{{names}}}:",
    ]


def finish_code(example: ExampleSpec, framework: str) -> str:
    """The code run after the snippet: back-propagation, and the gradients collected in
    :data:`GRADS` by name (``x.grad``; ``fc.weight.grad`` by the reference's names)."""
    grad = example.grad
    adapter = frameworks.get(framework)
    if grad is None or adapter is None or not adapter.gradients:
        return ""
    if adapter.functional:
        return _functional(example, framework, adapter)
    template = adapter.backward_upstream if grad.upstream else adapter.backward
    lines = [template.format(of=grad.of, upstream=grad.upstream)]
    modules = {m.name: m for m in example.modules}
    # in the order of ``wrt``: the inputs before the first module in one line, then the rest
    count = next((i for i, name in enumerate(grad.wrt) if name in modules), len(grad.wrt))
    leading = ", ".join(f'"{name}.grad": {name}.grad' for name in grad.wrt[:count])
    lines.append(f"{GRADS} = {{{leading}}}")
    for name in grad.wrt[count:]:
        if name in modules:
            lines += _module_grads(modules[name], framework)
        else:
            lines.append(f'{GRADS}["{name}.grad"] = {name}.grad')
    return "\n".join(lines)


def _functional(example: ExampleSpec, framework: str, adapter: Framework) -> str:
    """The snippet as a function of the inputs in ``wrt`` that returns ``of``, then its
    gradients: ``grad`` of it (``of`` a scalar) or ``vjp`` against the upstream. The
    other inputs and the modules stay global. The function runs the snippet again."""
    grad = example.grad
    assert grad is not None
    body = example.code[framework].text.strip("\n")
    args = ", ".join(grad.wrt)
    labels = ", ".join(f'"{name}.grad"' for name in grad.wrt)
    lines = [
        f"def {FUNCTION}({args}):",
        *(f"    {line}" if line.strip() else "" for line in body.splitlines()),
        f"    return {grad.of}",
        "",
        "",
    ]
    if grad.upstream:
        vjp = adapter.vjp.format(function=FUNCTION, args=args)
        lines.append(f"_, {PULLBACK} = {vjp}")
        lines.append(f"{GRADS} = dict(zip([{labels}], {PULLBACK}({grad.upstream})))")
    else:
        count = len(grad.wrt)
        argnums = f"({', '.join(str(i) for i in range(count))}{',' if count == 1 else ''})"
        taken = adapter.grad.format(function=FUNCTION, argnums=argnums, args=args)
        lines.append(f"{GRADS} = dict(zip([{labels}], {taken}))")
    return "\n".join(lines)


def _module_grads(module: ModuleSpec, framework: str) -> list[str]:
    """The lines that collect a module's gradients by the reference's parameter names."""
    name = module.name
    mapped = module.names.get(framework, {})
    lines = [f"{PARAMS} = dict({name}.named_parameters())"]
    lines += _others(PARAMS, mapped)
    lines.append(f'    {GRADS}["{name}." + {LOOP} + ".grad"] = {PARAMS}[{LOOP}].grad')
    for ref, target in mapped.items():
        own, view = split_target(target)
        label = f"{name}.{ref}.grad"
        if view:  # a frozen parameter has no gradient to take a view of
            lines.append(f'{GRAD} = {PARAMS}["{own}"].grad')
            lines.append(f'{GRADS}["{label}"] = None if {GRAD} is None else {GRAD}{view}')
        else:
            lines.append(f'{GRADS}["{label}"] = {PARAMS}["{own}"].grad')
    return lines


def _module_names(example: ExampleSpec) -> set[str]:
    return {module.name for module in example.modules}
