"""One example of a pair file -> typed model: its code, inputs, modules, gradients,
sweep and recipe, each with the file line it came from.

:func:`read_example` reads the validated ``examples[i]`` mapping of a pair file
(:mod:`sphinx_apidiff.model.spec` reads the rest); problems come back as
:class:`Diagnostic` objects, never raised. No Sphinx imports here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sphinx_apidiff import frameworks
from sphinx_apidiff.frameworks import Framework
from sphinx_apidiff.model.diagnostics import Diagnostic
from sphinx_apidiff.model.expectation import Stated, read_stated
from sphinx_apidiff.model.inputs import input_problem
from sphinx_apidiff.model.loader import LocatedDocument, ValidParts
from sphinx_apidiff.model.types import is_name, suggest
from sphinx_apidiff.model.vocabulary import (
    DEFAULT_ATOL,
    DEFAULT_DTYPE,
    DEFAULT_RTOL,
    DEFAULT_SEED,
    FLOAT_DTYPES,
    GENERATED_NAMES,
    SWEEP_TOLERANCE,
    DtypeExpect,
    Expect,
    Subtype,
    Weights,
)

Prose = str | dict[str, str]

#: Says whether a framework named at a path is one of the pair's (and warns if not).
CheckFramework = Callable[[str, tuple[Any, ...]], bool]


@dataclass
class Code:
    """A snippet of one framework, with the file line it starts at (for its tracebacks)."""

    text: str
    line: int  # file line of the first line of ``text``


@dataclass
class InputSpec:
    """One input of an example: a generated or literal numpy array, given to every
    framework's snippet as its tensor (or as the array itself, with ``as: numpy``)."""

    name: str
    shape: list[int] = field(default_factory=list)
    dtype: str = DEFAULT_DTYPE
    low: int | None = None
    high: int | None = None
    value: Any = None
    as_numpy: bool = False
    line: int | None = None

    def canonical(self) -> dict[str, Any]:
        """The content that determines the generated array (for cache keys)."""
        return {
            "name": self.name,
            "shape": self.shape,
            "dtype": self.dtype,
            "low": self.low,
            "high": self.high,
            "value": self.value,
            "as": "numpy" if self.as_numpy else "tensor",
        }


@dataclass
class ModuleSpec:
    """A module an example declares: built in every framework before its snippet runs, by
    default with the same parameter values on every side (``weights: shared``)."""

    name: str
    build: dict[str, Code]  # framework -> the expression that builds it
    weights: Weights = Weights.SHARED
    names: dict[str, dict[str, str]] = field(default_factory=dict)  # fw -> {reference: own}
    line: int | None = None


@dataclass
class GradSpec:
    """The gradients an example asks for: of ``of`` (against ``upstream``, an input, when
    given) with respect to inputs and to declared modules' parameters."""

    of: str
    wrt: list[str]
    upstream: str | None = None
    line: int | None = None

    def canonical(self) -> dict[str, Any]:
        """What decides the gradients (for cache keys)."""
        return {"of": self.of, "wrt": self.wrt, "upstream": self.upstream}


@dataclass(frozen=True)
class SweepCell:
    """One cell of a sweep: the dtype its swept inputs get, and the seed of the inputs."""

    dtype: str
    seed: int

    @property
    def id(self) -> str:
        """The cell's name in the store and the report: ``float16/0``."""
        return f"{self.dtype}/{self.seed}"


@dataclass
class SweepSpec:
    """Run an example again per dtype and seed, each run a job (one cell of a matrix)."""

    dtypes: list[str]
    seeds: list[int]
    inputs: list[str]
    atol: dict[str, float] = field(default_factory=dict)
    rtol: dict[str, float] = field(default_factory=dict)
    line: int | None = None

    def cells(self) -> list[SweepCell]:
        """Every cell, dtype by dtype."""
        return [SweepCell(dtype, seed) for dtype in self.dtypes for seed in self.seeds]


@dataclass
class ExampleSpec:
    """One entry of ``examples``: the code run in each framework, its inputs, what is
    compared and the status the author expects."""

    index: int
    title: Prose | None
    code: dict[str, Code]
    inputs: list[InputSpec] = field(default_factory=list)
    compare: list[str] = field(default_factory=list)
    atol: float = DEFAULT_ATOL
    rtol: float = DEFAULT_RTOL
    expect: Expect = Expect.MATCH
    seed: int = DEFAULT_SEED
    timeout: float | None = None
    repeat: int | None = None  # runs of it (None: apidiff_repeat's)
    line: int | None = None
    dtype: DtypeExpect = DtypeExpect.SAME  # do the compared values' dtypes differ?
    # per framework (``expect: {differs: [jax]}``): who fails and who differs; ``expect``
    # and ``dtype`` then hold the word these imply
    stated: Stated | None = None
    dtype_stated: Stated | None = None
    recipe: RecipeSpec | None = None
    modules: list[ModuleSpec] = field(default_factory=list)
    grad: GradSpec | None = None
    sweep: SweepSpec | None = None

    def with_code(self, code: dict[str, Code]) -> ExampleSpec:
        """The same example with some frameworks' code replaced (a recipe's run)."""
        return dataclasses.replace(self, code={**self.code, **code}, recipe=None, sweep=None)

    def for_cell(self, cell: SweepCell) -> ExampleSpec:
        """The example as one cell of its sweep runs it: the swept inputs of the cell's
        dtype, the cell's seed, the tolerance of the dtype."""
        assert self.sweep is not None
        sweep = self.sweep
        floor_atol, floor_rtol = SWEEP_TOLERANCE.get(cell.dtype, (0.0, 0.0))
        inputs = [
            dataclasses.replace(spec, dtype=cell.dtype, low=None, high=None)
            if spec.name in sweep.inputs
            else spec
            for spec in self.inputs
        ]
        return dataclasses.replace(
            self,
            inputs=inputs,
            seed=cell.seed,
            atol=sweep.atol.get(cell.dtype, max(self.atol, floor_atol)),
            rtol=sweep.rtol.get(cell.dtype, max(self.rtol, floor_rtol)),
            recipe=None,
            sweep=None,
        )


@dataclass
class RecipeSpec:
    """How to get the same result as the other framework, or why no code does."""

    code: dict[str, Code] = field(default_factory=dict)
    reason: Prose | None = None  # ``none:``: no equivalent exists, and why
    line: int | None = None


def read_example(
    index: int,
    valid: ValidParts,
    doc: LocatedDocument,
    diags: list[Diagnostic],
    check_framework: CheckFramework,
    frameworks: list[str],
) -> ExampleSpec | None:
    """The example at ``examples[index]``, or None when it cannot be run."""
    base = ("examples", index)

    def get(*key: Any, default: Any = None) -> Any:
        return valid.get(*base, *key, default=default)

    code: dict[str, Code] = {}
    for fw, text in get("code", default={}).items():
        if check_framework(fw, (*base, "code", fw)):
            line = doc.content_lines.get((*base, "code", fw)) or doc.line((*base, "code", fw))
            code[fw] = Code(text=text, line=line)
    timeout = get("timeout")
    example = ExampleSpec(
        index=index,
        title=get("title"),
        code=code,
        compare=list(get("compare", default=[])),
        atol=float(get("atol", default=DEFAULT_ATOL)),
        rtol=float(get("rtol", default=DEFAULT_RTOL)),
        expect=Expect(_word(get("expect"), Expect.MATCH)),
        seed=int(get("seed", default=DEFAULT_SEED)),
        timeout=None if timeout is None else float(timeout),
        repeat=get("repeat"),
        line=doc.line(base),
        dtype=DtypeExpect(_word(get("dtype"), DtypeExpect.SAME)),
    )
    for key in ("expect", "dtype"):
        failing = example.stated.error if example.stated else ()
        stated = read_stated(
            get(key), (*base, key), doc, diags, check_framework, list(code), failing
        )
        if stated is not None and key == "expect":
            example.stated, example.expect = stated, stated.expect
        elif stated is not None:
            example.dtype_stated, example.dtype = stated, stated.dtype
    ok = _recipe(example, get("recipe"), doc, diags, check_framework, (*base, "recipe"))
    reserved = {"np", "rng"} | {fw.split(".")[0] for fw in frameworks}
    for name, spec in get("inputs", default={}).items():
        path = (*base, "inputs", name)
        problem = input_problem(name, spec, reserved)
        if problem:
            diags.append(Diagnostic(Subtype.SPEC, f"input {name!r}: {problem}", doc.line(path)))
            ok = False
            continue
        example.inputs.append(
            InputSpec(
                name=name,
                shape=list(spec.get("shape") or []),
                dtype=spec.get("dtype", DEFAULT_DTYPE),
                low=spec.get("low"),
                high=spec.get("high"),
                value=spec.get("value"),
                as_numpy=spec.get("as") == "numpy",
                line=doc.line(path),
            )
        )
    module_names = _modules(example, get("modules", default={}), doc, diags, check_framework, base)
    ok = _grad(example, get("grad"), module_names, doc, diags, base) and ok
    ok = _sweep(example, get("sweep"), doc, diags, base) and ok
    if example.modules or example.grad is not None:
        taken = [s.name for s in example.inputs] + list(module_names) + example.compare
        for name in dict.fromkeys(n for n in taken if n in GENERATED_NAMES):
            message = f"{name!r} is a name the code run around the snippet defines: rename it"
            diags.append(Diagnostic(Subtype.SPEC, message, doc.line(base)))
            ok = False
    for j, name in enumerate(example.compare):
        if not is_name(name):
            diags.append(
                Diagnostic(
                    Subtype.SPEC,
                    f"compare: {name!r} is not a variable name",
                    doc.line((*base, "compare", j)),
                )
            )
            ok = False
    if example.compare and len(code) < 2:
        diags.append(
            Diagnostic(
                Subtype.SPEC,
                "compare needs code for at least two frameworks",
                doc.line((*base, "code")),
            )
        )
        ok = False
    return example if ok and code else None


def _word(given: Any, default: str) -> str:
    """The word form of ``expect:`` or ``dtype:``; the default for the mapping form (its
    word is the statement's) and for none."""
    return given if isinstance(given, str) else default


def _modules(
    example: ExampleSpec,
    given: dict[str, Any],
    doc: LocatedDocument,
    diags: list[Diagnostic],
    check_framework: CheckFramework,
    base: tuple[Any, ...],
) -> set[str]:
    """Read an example's validated ``modules:``; the names of those usable."""
    names = set()
    taken = {spec.name for spec in example.inputs}
    for name, module in given.items():
        path = (*base, "modules", name)
        if name in taken:
            diags.append(
                Diagnostic(Subtype.SPEC, f"module {name!r}: an input has that name", doc.line(path))
            )
            continue
        build = {}
        for fw, text in module.items():
            if fw in ("weights", "names") or not check_framework(fw, (*path, fw)):
                continue
            build[fw] = Code(text=text, line=doc.line((*path, fw)))
        lacking = [fw for fw in example.code if fw not in build]
        if lacking:
            message = f"module {name!r}: no expression for {', '.join(lacking)}"
            diags.append(Diagnostic(Subtype.SPEC, message, doc.line(path)))
            continue
        mapped = {
            fw: dict(names_)
            for fw, names_ in module.get("names", {}).items()
            if check_framework(fw, (*path, "names", fw))
        }
        example.modules.append(
            ModuleSpec(
                name, build, Weights(module.get("weights", Weights.SHARED)), mapped, doc.line(path)
            )
        )
        names.add(name)
    return names


def _grad(
    example: ExampleSpec,
    grad: dict[str, Any] | None,
    modules: set[str],
    doc: LocatedDocument,
    diags: list[Diagnostic],
    base: tuple[Any, ...],
) -> bool:
    """Read an example's validated ``grad:``; False if the example is unusable."""
    if grad is None:
        return True
    path = (*base, "grad")
    ok = True
    inputs = {spec.name: spec for spec in example.inputs}
    autodiff = frameworks.autodiff()
    unknown = [fw for fw in example.code if fw not in autodiff]
    if unknown:
        known = ", ".join(autodiff)
        message = f"grad: gradients are computed in {known}, not in {', '.join(unknown)}"
        diags.append(Diagnostic(Subtype.SPEC, message, doc.line(path)))
        ok = False
    functional = [
        fw for fw in example.code if fw not in unknown and not _adapter(fw).module_gradients
    ]
    for key in ("of", "upstream"):
        if key in grad and not is_name(grad[key]):
            diags.append(
                Diagnostic(
                    Subtype.SPEC,
                    f"grad.{key}: {grad[key]!r} is not a variable name",
                    doc.line((*path, key)),
                )
            )
            ok = False
    upstream = grad.get("upstream")
    if upstream is not None and upstream not in inputs:
        message = f"grad.upstream: {upstream!r} is no input{suggest(upstream, list(inputs))}"
        diags.append(Diagnostic(Subtype.SPEC, message, doc.line((*path, "upstream"))))
        ok = False
    for j, name in enumerate(grad["wrt"]):
        where = doc.line((*path, "wrt", j))
        if name in modules and functional:
            message = (
                f"grad.wrt: {name!r} is a module, and {', '.join(functional)} takes gradients "
                "of functions only (no module parameters): list inputs, or leave "
                f"{', '.join(functional)} out of this example"
            )
            diags.append(Diagnostic(Subtype.SPEC, message, where))
            ok = False
        if name in modules:
            continue
        if name not in inputs:
            hint = suggest(name, [*inputs, *modules], cutoff=0.5)
            message = f"grad.wrt: {name!r} is neither an input nor a module{hint}"
            diags.append(Diagnostic(Subtype.SPEC, message, where))
            ok = False
        elif inputs[name].dtype not in FLOAT_DTYPES or inputs[name].as_numpy:
            message = f"grad.wrt: input {name!r} is no float tensor ({inputs[name].dtype})"
            diags.append(Diagnostic(Subtype.SPEC, message, where))
            ok = False
    if len(set(grad["wrt"])) < len(grad["wrt"]):
        diags.append(
            Diagnostic(Subtype.SPEC, "grad.wrt: lists a name twice", doc.line((*path, "wrt")))
        )
        ok = False
    if len(example.code) < 2:
        message = "grad needs code for at least two frameworks"
        diags.append(Diagnostic(Subtype.SPEC, message, doc.line(path)))
        ok = False
    example.grad = GradSpec(grad["of"], list(grad["wrt"]), upstream, doc.line(path))
    return ok


def _adapter(framework: str) -> Framework:
    adapter = frameworks.get(framework)
    assert adapter is not None  # a framework of frameworks.autodiff()
    return adapter


def _sweep(
    example: ExampleSpec,
    sweep: dict[str, Any] | None,
    doc: LocatedDocument,
    diags: list[Diagnostic],
    base: tuple[Any, ...],
) -> bool:
    """Read an example's validated ``sweep:``; False if the example is unusable."""
    if sweep is None:
        return True
    path = (*base, "sweep")
    inputs = {spec.name: spec for spec in example.inputs}
    default = [s.name for s in example.inputs if s.value is None and s.dtype in FLOAT_DTYPES]
    chosen = list(sweep.get("inputs", default))
    ok = True
    for j, name in enumerate(sweep.get("inputs", [])):
        if name not in inputs:
            message = f"sweep.inputs: {name!r} is no input{suggest(name, list(inputs))}"
            diags.append(Diagnostic(Subtype.SPEC, message, doc.line((*path, "inputs", j))))
            ok = False
    if not chosen:
        message = "sweep: no input to sweep (no generated float input; name them in 'inputs')"
        diags.append(Diagnostic(Subtype.SPEC, message, doc.line(path)))
        ok = False
    dtypes = list(dict.fromkeys(sweep.get("dtypes", [DEFAULT_DTYPE])))
    for key in ("atol", "rtol"):
        for dtype in sweep.get(key, {}):
            if dtype not in dtypes:
                message = f"sweep.{key}: {dtype!r} is not swept{suggest(dtype, dtypes)}"
                diags.append(Diagnostic(Subtype.SPEC, message, doc.line((*path, key, dtype))))
    seeds = sweep.get("seeds", 1)
    seeds = (
        list(seeds) if isinstance(seeds, list) else list(range(example.seed, example.seed + seeds))
    )
    example.sweep = SweepSpec(
        dtypes=dtypes,
        seeds=seeds,
        inputs=chosen,
        atol={k: float(v) for k, v in sweep.get("atol", {}).items()},
        rtol={k: float(v) for k, v in sweep.get("rtol", {}).items()},
        line=doc.line(path),
    )
    return ok


def _recipe(
    example: ExampleSpec,
    recipe: dict[str, Any] | None,
    doc: LocatedDocument,
    diags: list[Diagnostic],
    check_framework: CheckFramework,
    path: tuple[Any, ...],
) -> bool:
    """Read an example's validated ``recipe:`` into it; False if the example is unusable."""
    if recipe is None:
        return True
    line = doc.line(path)
    if "none" in recipe and len(recipe) > 1:
        problem = "recipe: 'none' (no equivalent) excludes code for a framework"
        diags.append(Diagnostic(Subtype.SPEC, problem, line))
        return False
    spec = RecipeSpec(reason=recipe.get("none"), line=line)
    for fw, text in recipe.items():
        if fw != "none" and check_framework(fw, (*path, fw)):
            code_line = doc.content_lines.get((*path, fw)) or doc.line((*path, fw))
            spec.code[fw] = Code(text=text, line=code_line)
    if spec.reason is None and not spec.code:
        return True  # its only framework was unknown: reported there
    example.recipe = spec
    return True
