"""The words every stage shares: statuses, expectations, modes, tags, categories, dtypes,
warning subtypes.

Each is a :class:`~enum.StrEnum` (or a frozen dataclass), so it is written to
JSON, the store and the pages exactly as the plain strings were, and compared
with them; the rules over them (is an example as expected, which category
wins) are here once. No Sphinx, no numpy.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from enum import StrEnum


class Subtype(StrEnum):
    """The subtype of an ``apidiff`` warning: what users name in ``suppress_warnings``
    (``apidiff.exec``). docs/configuration.rst "Warnings" lists each (a test checks)."""

    YAML = "yaml"  # malformed YAML, unsafe tags
    SPEC = "spec"  # unknown keys, wrong types
    FRAMEWORK = "framework"  # a framework not in ``apis``
    API = "api"  # an API that does not exist
    PARAM = "param"  # a parameter that does not exist
    SIGNATURE = "signature"  # a signature that cannot be read
    RUNTIME = "runtime"  # a framework that cannot be imported, or no usable interpreter
    CONFIG = "config"  # an option of conf.py with a bad value, or an unused runtime
    WORKERS = "workers"  # warm workers refused: the socket directory is not private
    EXEC = "exec"  # an example contradicting its ``expect``
    RECIPE = "recipe"  # a documented difference without a recipe, or a recipe that fails
    SWEEP = "sweep"  # a sweep that failed in every framework in every cell
    EVIDENCE = "evidence"  # ``check --uncited``: a changed default that cites no example
    STALE = "stale"  # a stored result that no longer fits its pair
    STORE = "store"  # a results store file that cannot be used
    CACHE = "cache"  # an execution cache entry that cannot be used (a miss)
    REPORT = "report"  # the build report cannot be written
    INTERNAL = "internal"  # a bug of sphinx-apidiff


class Status(StrEnum):
    """What running an example gave."""

    MATCH = "match"
    DIFFER = "differ"
    ERROR = "error"
    NOT_RUN = "not-run"
    UNSTABLE = "unstable"  # repeated runs disagree (values, shapes, dtypes or status)


class FrameworkStatus(StrEnum):
    """What one framework did in a run (the others are compared all the same)."""

    RAN = "ran"  # its snippet ran to the end: its values are compared
    ERROR = "error"  # its snippet raised
    CRASHED = "crashed"  # no answer: a timeout, a dead worker, a framework that cannot import
    REJECTED = "rejected"  # a sweep cell's dtype it fails with while others run it


class Expect(StrEnum):
    """What the author claims an example gives (``expect:``)."""

    MATCH = "match"
    DIFFER = "differ"
    ERROR = "error"
    UNSTABLE = "unstable"  # its runs disagree: the framework is nondeterministic here


class DtypeExpect(StrEnum):
    """What the author claims of the compared values' dtypes (``dtype:``)."""

    SAME = "same"
    DIFFERS = "differs"


class Verdict(StrEnum):
    """An example's status judged against what its author expects."""

    AS_EXPECTED = "as-expected"  # a match expected as a match, an error expected as one
    DOCUMENTED = "documented"  # a difference its author documents (expect: differ, unstable)
    UNEXPECTED = "unexpected"  # ran, and gave something else than expected
    NOT_RUN = "not-run"  # no result to judge


def verdict(
    expect: str, status: str, *, dtype_expect: str = "same", dtype_equal: bool = True
) -> Verdict:
    """The one rule that says whether an example is as expected: its status is the one
    expected, and when values were compared, their dtypes agree or differ as stated. An
    unstable result its author documents (``expect: unstable``) is a documented problem,
    whatever its first run's dtypes."""
    if status == Status.NOT_RUN:
        return Verdict.NOT_RUN
    if status != expect:
        return Verdict.UNEXPECTED
    if status == Status.UNSTABLE:
        return Verdict.DOCUMENTED
    if status in (Status.MATCH, Status.DIFFER):
        if dtype_equal != (dtype_expect == DtypeExpect.SAME):
            return Verdict.UNEXPECTED
        if not dtype_equal:
            return Verdict.DOCUMENTED
    return Verdict.DOCUMENTED if status == Status.DIFFER else Verdict.AS_EXPECTED


class Mode(StrEnum):
    """``apidiff_execution_mode``: where example results come from."""

    AUTO = "auto"  # the cache, else a live run
    FORCE = "force"  # always a live run
    CACHE = "cache"  # the cache, else the results store; nothing runs
    OFF = "off"  # nothing runs, nothing is looked up


class TagKind(StrEnum):
    """A kind of difference: of a parameter row (the first four), or of a whole pair."""

    RENAMED = "renamed"
    DEFAULT = "default"  # the defaults differ
    MISSING = "missing"  # the framework has no such parameter
    UNKNOWN = "unknown"  # the YAML names one the signature lacks
    MEANING = "meaning"  # the author says: the values mean different things
    USAGE = "usage"  # the author says: inputs are used differently
    TYPES = "types"
    RETURNS = "returns"
    COMPOSITE = "composite"
    UNSUPPORTED = "unsupported"
    VALUES = "values"  # an example's values differ
    DTYPE = "dtype"  # an example's values have other dtypes
    ERROR = "error"  # an example fails in a framework (as its author says)
    GRADIENTS = "gradients"  # an example's gradients differ
    SUPPORT = "support"  # a sweep's dtype runs in some frameworks only (per framework: fails there)


@dataclass(frozen=True, order=True)
class Tag:
    """A difference of a parameter row; ``framework`` for the per-framework kinds."""

    kind: TagKind
    framework: str | None = None

    def __str__(self) -> str:  # the report's form: "renamed", "missing:torch"
        return self.kind.value if self.framework is None else f"{self.kind}:{self.framework}"

    @classmethod
    def parse(cls, text: str) -> Tag:
        """The tag of a report's text (``renamed``, ``missing:torch``): the inverse of ``str``."""
        kind, _, framework = text.partition(":")
        return cls(TagKind(kind), framework or None)

    def covers(self, other: Tag) -> bool:
        """Whether a filter's tag asks for ``other``: ``unsupported`` asks for every
        framework's ``unsupported:<framework>``, ``unsupported:megengine`` for that one only."""
        return self.kind is other.kind and self.framework in (None, other.framework)


class Category(StrEnum):
    """The headline of a page. The first six are computed; the others an author sets."""

    IDENTICAL = "identical"
    RENAMED = "renamed"
    EXTRA_PARAMS = "extra-params"  # more parameters in the other framework
    DEFAULTS = "defaults"
    MISSING_PARAMS = "missing-params"  # more parameters in the reference
    BEHAVIOUR = "behaviour"  # an example's results differ: above what signatures say
    USAGE = "usage"
    TYPES = "types"
    RETURNS = "returns"
    COMPOSITE = "composite"
    UNSUPPORTED = "unsupported"
    UNKNOWN = "unknown"  # computed when a signature is missing; not for authors

    @property
    def rank(self) -> int:
        """Order of the computed categories: the highest that applies wins."""
        return COMPUTED_CATEGORIES.index(self) if self in COMPUTED_CATEGORIES else -1


COMPUTED_CATEGORIES = (
    Category.IDENTICAL,
    Category.RENAMED,
    Category.EXTRA_PARAMS,
    Category.DEFAULTS,
    Category.MISSING_PARAMS,
    Category.BEHAVIOUR,
)
#: What ``category:`` accepts.
AUTHOR_CATEGORIES = tuple(c for c in Category if c is not Category.UNKNOWN)

# -- inputs ---------------------------------------------------------------------------

FLOAT_DTYPES = ("float16", "float32", "float64")
INT_DTYPES = ("int8", "uint8", "int16", "int32", "int64")
DTYPES = (*FLOAT_DTYPES, *INT_DTYPES, "bool")

#: What a sweep may give its inputs: the input dtypes, and bfloat16 (numpy has none: its
#: values travel as float32 rounded to bfloat16, and each framework casts them).
SWEEP_DTYPES = (*FLOAT_DTYPES, "bfloat16", *INT_DTYPES, "bool")
#: A sweep cell's default tolerance by dtype (atol, rtol), where the example's is tighter:
#: half-precision results carry rounding error of about their machine epsilon.
SWEEP_TOLERANCE = {"float16": (1.0e-3, 1.0e-3), "bfloat16": (1.0e-2, 1.0e-2)}
#: How many seeds a sweep may have (each cell is one job).
MAX_SWEEP_CELLS = 64
#: Most runs of one example (``repeat:`` and ``apidiff_repeat``); each is a run of every job.
MAX_REPEAT = 100


#: Names the generated code around a snippet defines (modules, gradients), which an
#: example's own inputs, modules and compared names must not take.
GENERATED_NAMES = (
    "grads",
    "grad_manager",
    "same_weights",
    "weights",
    "params",
    "grad",
    "param_name",
    "zlib",
    "snippet",
    "pullback",
)


class ResultKind(StrEnum):
    """What a compared value is: a value of the snippet, or a gradient computed after it."""

    VALUE = "value"
    GRAD = "grad"


class Weights(StrEnum):
    """A declared module's initial parameters (``modules.<name>.weights``)."""

    SHARED = "shared"  # the same values in every framework, drawn per parameter name
    OWN = "own"  # each framework's own initialisation (after the random state is reset)


#: The defaults of an input and of an example, said once (schema help, parser, inputs).
DEFAULT_DTYPE = "float32"
DEFAULT_LOW = 0
DEFAULT_HIGH = 10
DEFAULT_ATOL = 1.0e-6
DEFAULT_RTOL = 1.0e-5
DEFAULT_SEED = 0

#: Most elements of one input array (generated or literal).
MAX_ELEMENTS = 2**24
#: Bounds of the integer dtypes, inclusive.
INT_RANGES = {
    "int8": (-(2**7), 2**7 - 1),
    "uint8": (0, 2**8 - 1),
    "int16": (-(2**15), 2**15 - 1),
    "int32": (-(2**31), 2**31 - 1),
    "int64": (-(2**63), 2**63 - 1),
}
#: Largest finite value of the float dtypes.
FLOAT_MAX = {"float16": 65504.0, "float32": 3.4028234663852886e38, "float64": sys.float_info.max}
