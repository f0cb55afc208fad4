"""The YAML format of a comparison page, declared once.

The same declaration validates a parsed file (with "did you mean" suggestions
and a path to every problem) and exports the JSON Schema shipped to editors
(``sphinx-apidiff schema``), so the two cannot drift apart. The types it is
declared with live in :mod:`sphinx_apidiff.model.types`.

No Sphinx imports here.
"""

from __future__ import annotations

from typing import Any

from sphinx_apidiff.model.types import (
    AnyValue,
    CountOrList,
    Dict,
    Enum,
    Key,
    List,
    Localized,
    Map,
    Number,
    Problem,
    Str,
    StrOrMap,
)
from sphinx_apidiff.model.vocabulary import (
    AUTHOR_CATEGORIES,
    DEFAULT_ATOL,
    DEFAULT_DTYPE,
    DEFAULT_HIGH,
    DEFAULT_LOW,
    DEFAULT_RTOL,
    DEFAULT_SEED,
    DTYPES,
    MAX_REPEAT,
    MAX_SWEEP_CELLS,
    SWEEP_DTYPES,
    SWEEP_TOLERANCE,
    DtypeExpect,
    Expect,
    Weights,
)

SCHEMA_ID = "https://sphinx-apidiff.readthedocs.io/schema/pair-v1.json"
#: The schema's file name in a site's ``_static/`` folder and in a project
#: (``sphinx-apidiff new``), where editors find it by a pair file's first line.
SCHEMA_NAME = "apidiff.schema.json"


def _number(value: float) -> str:
    """A default as people write it: ``1e-6``, not ``1e-06``."""
    return f"{value:g}".replace("e-0", "e-")


#: Most dimensions of an input (numpy 1.x, MegEngine's, allows 32).
MAX_DIMS = 32
#: Longest timeout of one example, in seconds (a day).
MAX_TIMEOUT = 86400.0

EXPECT = tuple(e.value for e in Expect)
DTYPE_EXPECT = tuple(d.value for d in DtypeExpect)

INPUT = Map(
    doc="One input, built once as a numpy array and given to every framework as its tensor.",
    keys={
        "shape": Key(
            List(
                Number(integer=True, minimum=0),
                doc="Shape of a generated array.",
                max_items=MAX_DIMS,
            )
        ),
        "dtype": Key(Enum(DTYPES, doc=f"Element type (default {DEFAULT_DTYPE}).")),
        "low": Key(
            Number(integer=True, doc=f"Lowest integer drawn (inclusive, default {DEFAULT_LOW}).")
        ),
        "high": Key(
            Number(integer=True, doc=f"Highest integer drawn (exclusive, default {DEFAULT_HIGH}).")
        ),
        "value": Key(AnyValue(doc="A literal value (nested lists) instead of random data.")),
        "as": Key(
            Enum(("tensor", "numpy"), doc="Give the snippet a tensor (default) or the numpy array.")
        ),
    },
)

RECIPE = Map(
    doc="How to get the same result: per framework, code that replaces the example's code "
    "(the other frameworks keep theirs); or 'none' with the reason no equivalent exists.",
    keys={"none": Key(Localized(doc="Why no code gets the same result."))},
    extra=Str(doc="Python code replacing this framework's snippet."),
)


#: Where a framework keeps a reference parameter: its own parameter's name, and the view of
#: it that holds the reference's values (indexing, and reshapes): ``w``, ``bias[0, :, 0, 0]``,
#: ``_flatten_weights.reshape(-1)[0:128].reshape(32, 4)``.
NAME_TARGET = r"[A-Za-z0-9_][A-Za-z0-9_.]*?(\[[0-9:, -]*\]|\.(reshape|transpose)\([0-9, -]*\)|\.T)*"

MODULE = Map(
    doc="A module built before the snippet runs, in every framework (per framework: the "
    "expression that builds it), with the same parameters on every side by default.",
    keys={
        "weights": Key(
            Enum(
                tuple(w.value for w in Weights),
                doc="shared (default): every framework's parameters get the same values, "
                "uniform in [-0.5, 0.5), drawn per parameter name of the reference; own: each "
                "framework's own initialisation.",
            )
        ),
        "names": Key(
            Dict(
                Dict(
                    Str(
                        doc="This framework's parameter name, and the view of it that holds "
                        "the reference's where one parameter holds several (``w[:, 0:4]``, "
                        "``w.reshape(-1)[0:128].reshape(32, 4)``, ``w[:, 0:4].T``).",
                        pattern=NAME_TARGET,
                        pattern_help="a parameter name, then optional [index], "
                        ".reshape(...), .transpose(...) and .T views",
                    ),
                    key_pattern=r"^[A-Za-z0-9_][A-Za-z0-9_.]*$",
                    dotted=True,
                    doc="The reference's parameter name -> this framework's.",
                ),
                doc="Per framework, where its parameter names differ from the reference's.",
            )
        ),
    },
    extra=Str(doc="Python expression that builds the module in this framework."),
)

GRAD = Map(
    doc="Gradients computed after the snippet, in each framework its own way (PyTorch "
    "autograd, MegEngine's GradManager), compared like values.",
    keys={
        "of": Key(
            Str(doc="The snippet's variable differentiated (a scalar, or see upstream)."),
            required=True,
        ),
        "upstream": Key(
            Str(doc="An input: the gradient flowing into 'of' (needed where 'of' is no scalar).")
        ),
        "wrt": Key(
            List(
                Str(),
                doc="Inputs, and declared modules (all their parameters), to differentiate "
                "with respect to.",
                min_items=1,
            ),
            required=True,
        ),
    },
)

SWEEP = Map(
    doc="Run the example again for each dtype and seed: one cell of a matrix per pair.",
    keys={
        "dtypes": Key(
            List(
                Enum(SWEEP_DTYPES),
                doc="The dtypes given to the swept inputs, one cell each.",
                min_items=1,
                max_items=len(SWEEP_DTYPES),
            )
        ),
        "seeds": Key(
            CountOrList(
                doc="The seeds of the inputs: a count (3: the example's seed and the next "
                "two) or a list (default: the example's seed).",
                max_items=MAX_SWEEP_CELLS,
            )
        ),
        "inputs": Key(
            List(
                Str(),
                doc="The inputs the dtype applies to (default: every generated float input).",
                min_items=1,
            )
        ),
        "atol": Key(
            Dict(
                Number(minimum=0),
                doc="Absolute tolerance by dtype (default: the example's; float16 and "
                "bfloat16 at least "
                + ", ".join(f"{d} {_number(t[0])}" for d, t in SWEEP_TOLERANCE.items())
                + ").",
            )
        ),
        "rtol": Key(Dict(Number(minimum=0), doc="Relative tolerance by dtype (as atol).")),
    },
)

FRAMEWORKS = List(Str(), doc="Framework names, as in 'apis'.", min_items=1)

EXPECT_BY_FRAMEWORK = Map(
    doc="Per framework: the frameworks that fail, and how those that run fall into groups "
    "that agree; the frameworks not named agree with each other.",
    keys={
        "error": Key(FRAMEWORKS),
        "differs": Key(
            List(
                Str(),
                doc="The frameworks outside the one group of all the others (which agree).",
                min_items=1,
            )
        ),
        "groups": Key(
            List(
                List(Str(), min_items=1),
                doc="The frameworks that run, in the groups that agree (declared order).",
                min_items=1,
            )
        ),
    },
)

DTYPE_BY_FRAMEWORK = Map(
    doc="Per framework: who gives the compared values other dtypes.",
    keys={
        "differs": Key(EXPECT_BY_FRAMEWORK.keys["differs"].type),
        "groups": Key(EXPECT_BY_FRAMEWORK.keys["groups"].type),
    },
)

EXAMPLE = Map(
    doc="An example run in every framework on the same inputs.",
    keys={
        "title": Key(Localized(doc="Heading of the example.")),
        "inputs": Key(Dict(INPUT, doc="Variables made from the same numpy arrays on every side.")),
        "code": Key(
            Dict(Str(doc="Python code."), doc="The snippet of each framework.", min_items=1),
            required=True,
        ),
        "compare": Key(List(Str(), doc="Variables compared across frameworks after the run.")),
        "atol": Key(
            Number(minimum=0, doc=f"Absolute tolerance (default {_number(DEFAULT_ATOL)}).")
        ),
        "rtol": Key(
            Number(minimum=0, doc=f"Relative tolerance (default {_number(DEFAULT_RTOL)}).")
        ),
        "expect": Key(
            StrOrMap(
                Enum(EXPECT),
                EXPECT_BY_FRAMEWORK,
                doc="What the author claims the status is (default match), or per framework "
                "who fails and who differs ({differs: [jax]}, {error: [paddle]}, "
                "{groups: [[torch, paddle], [megengine, jax]]}).",
            )
        ),
        "seed": Key(
            Number(
                integer=True,
                minimum=0,
                doc=f"Seed of the generated inputs (default {DEFAULT_SEED}).",
            )
        ),
        "timeout": Key(
            Number(minimum=0, maximum=MAX_TIMEOUT, doc="Seconds before the example is stopped.")
        ),
        "repeat": Key(
            Number(
                integer=True,
                minimum=1,
                maximum=MAX_REPEAT,
                doc="Runs of the example, its recipe and each sweep cell (default "
                "apidiff_repeat); runs that disagree make the result 'unstable'.",
            )
        ),
        "dtype": Key(
            StrOrMap(
                Enum(DTYPE_EXPECT),
                DTYPE_BY_FRAMEWORK,
                doc="Whether the compared values' dtypes differ across frameworks (default "
                "same), or per framework who differs ({differs: [jax]}, {groups: [...]}).",
            )
        ),
        "recipe": Key(RECIPE),
        "modules": Key(Dict(MODULE, doc="Modules built before the snippet, by the name it uses.")),
        "grad": Key(GRAD),
        "sweep": Key(SWEEP),
    },
)

PARAM_ROW = Map(
    doc="One row of the parameter table: the name of the parameter in each framework that has it.",
    keys={
        "note": Key(Localized(doc="What differs, shown in the table and in its own subsection.")),
        "examples": Key(
            List(
                Number(integer=True, minimum=1),
                doc="The examples (numbered from 1) that show what the note says; the table "
                "shows their verdicts beside it.",
            )
        ),
        "meaning": Key(
            Enum(
                ("same", "differs"),
                doc="'differs': the names correspond but the values mean different things "
                "(shown as a difference; check --uncited asks for an example).",
            )
        ),
    },
    extra=Str(doc="The parameter's name in this framework."),
)

PAIR = Map(
    doc="A comparison page: two or more APIs that do the same job in different frameworks.",
    keys={
        "id": Key(
            Str(
                doc="Page id; the page gets the label comparison-<id>.",
                pattern=r"[A-Za-z0-9_][A-Za-z0-9_.-]*",
                pattern_help="letters, digits, '_', '-' and '.' (it names a label and a file)",
            )
        ),
        "title": Key(Localized(doc="Title (default: last component of the first API).")),
        "apis": Key(
            Dict(
                StrOrMap(
                    Str(doc="Full dotted name of the API."),
                    Map(
                        keys={
                            "none": Key(
                                Str(
                                    doc="The name the API would have: the build checks that "
                                    "it does not exist."
                                ),
                                required=True,
                            )
                        },
                        doc="This framework has no counterpart.",
                    ),
                ),
                doc="Framework -> API (or {none: name}: no counterpart). The first one is the "
                "reference.",
                min_items=2,
            ),
            required=True,
        ),
        "signatures": Key(Dict(Str(), doc="Signature text, only where introspection cannot work.")),
        "summary": Key(Localized(doc="One sentence on how the APIs relate.")),
        "usage": Key(Localized(doc="Usage differences, in the markup of the including document.")),
        "params": Key(List(PARAM_ROW, doc="Explicit parameter rows.")),
        "category": Key(Enum(AUTHOR_CATEGORIES, doc="Override of the computed category.")),
        "examples": Key(List(EXAMPLE, doc="Examples executed in every framework.")),
    },
)


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a pair file."""
    schema = PAIR.json()
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": SCHEMA_ID,
        "title": "sphinx-apidiff comparison pair",
        **schema,
    }


def validate(data: Any) -> list[Problem]:
    """The problems of a parsed pair file against the format (an empty list: valid)."""
    return list(PAIR.check(data, ()))
