"""Typed results: what a worker replied, and what introspection and examples gave.

A worker's wire dict becomes a :class:`Reply` once, where it arrives; a failure
that never reached a worker (a timeout, a dead worker, a framework that does
not import) is made by :meth:`Reply.failure`, the one place that says what a
failure reply holds. The other classes are what the engine hands back and the
cache and the results store keep (``to_json``/``from_json``).

No Sphinx imports here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from sphinx_apidiff.execution.comparison import Comparison, PairDeviation, group_frameworks
from sphinx_apidiff.execution.stability import Spread
from sphinx_apidiff.model.example import ExampleSpec, SweepCell
from sphinx_apidiff.model.signature import Signature
from sphinx_apidiff.model.vocabulary import FrameworkStatus, ResultKind, Status


@dataclass(frozen=True)
class Reply:
    """A worker's answer to one request (any op), parsed once from the wire."""

    ok: bool
    error: str | None = None
    crashed: bool = False  # no answer from the snippet: a timeout, a dead or missing worker
    stdout: str = ""
    stderr: str = ""  # the worker's stderr tail, when it died
    frames: list[list[Any]] = field(default_factory=list)  # [line in snippet, function, text]
    elapsed: float | None = None
    values: dict[str, Any] = field(default_factory=dict)  # run: encoded values by name
    grads: dict[str, Any] = field(default_factory=dict)  # run: encoded gradients by label
    params: list[dict[str, Any]] | None = None  # signature: the inspect parameters
    doc: str = ""  # signature: the head of the docstring
    parent: str | None = None  # signature, failed: the object that lacks the attribute
    candidates: list[str] = field(default_factory=list)  # ... and its public names
    version: str | None = None  # the framework's version (import; set by the engine on run)
    factory: str | None = None  # import: the tensor factory's name

    @classmethod
    def parse(cls, data: dict[str, Any]) -> Reply:
        """The reply a worker wrote (a JSON object)."""
        elapsed = data.get("elapsed")
        return cls(
            ok=bool(data.get("ok")),
            error=data.get("error"),
            crashed=bool(data.get("crashed")),
            stdout=data.get("stdout", ""),
            stderr=data.get("stderr", ""),
            frames=data.get("frames", []),
            elapsed=None if elapsed is None else float(elapsed),
            values=data.get("values", {}),
            grads=data.get("grads", {}),
            params=data.get("params"),
            doc=data.get("doc") or "",
            parent=data.get("parent"),
            candidates=data.get("candidates", []),
            version=data.get("version"),
            factory=data.get("factory"),
        )

    @classmethod
    def failure(cls, error: str, *, crashed: bool = True, stderr: str = "") -> Reply:
        """A request that got no answer from a snippet: the one failure reply."""
        return cls(ok=False, error=error, crashed=crashed, stderr=stderr)


@dataclass
class SignatureResult:
    """What introspecting one API in one framework gave."""

    framework: str
    api: str
    signature: Signature | None = None
    error: str | None = None  # the API does not exist
    suggestions: list[str] = field(default_factory=list)
    unavailable: str | None = None  # the runtime cannot introspect at all
    version: str | None = None

    def to_json(self) -> dict[str, Any]:
        """As the cache and the store keep it."""
        return {
            "framework": self.framework,
            "api": self.api,
            "signature": self.signature.to_json() if self.signature else None,
            "error": self.error,
            "suggestions": self.suggestions,
            "version": self.version,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SignatureResult:
        """From :meth:`to_json`'s form."""
        sig = data.get("signature")
        return cls(
            framework=data["framework"],
            api=data["api"],
            signature=Signature.from_json(sig) if sig else None,
            error=data.get("error"),
            suggestions=data.get("suggestions", []),
            version=data.get("version"),
        )


@dataclass
class SideResult:
    """What one framework's snippet did."""

    ok: bool
    stdout: str = ""
    error: str | None = None
    frames: list[list[Any]] = field(default_factory=list)  # [line in snippet, function, text]
    elapsed: float = 0.0
    crashed: bool = False

    @property
    def status(self) -> FrameworkStatus:
        """What this framework did: ran, raised, or gave no answer."""
        if self.ok:
            return FrameworkStatus.RAN
        return FrameworkStatus.CRASHED if self.crashed else FrameworkStatus.ERROR

    @classmethod
    def from_reply(cls, reply: Reply) -> SideResult:
        """The side of a live run, from its worker's reply."""
        return cls(
            ok=reply.ok,
            stdout=reply.stdout,
            error=reply.error,
            frames=reply.frames,
            elapsed=reply.elapsed or 0.0,
            crashed=reply.crashed,
        )

    def to_json(self) -> dict[str, Any]:
        """As the cache and the store keep it."""
        return {
            "ok": self.ok,
            "stdout": self.stdout,
            "error": self.error,
            "frames": self.frames,
            "elapsed": self.elapsed,
            "crashed": self.crashed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SideResult:
        """From :meth:`to_json`'s form."""
        return cls(
            **{k: data[k] for k in ("ok", "stdout", "error", "frames", "elapsed", "crashed")}
        )

    def traceback(self, filename: str, first_line: int) -> str:
        """The error as a traceback whose lines point into the YAML file."""
        lines = []
        if self.frames:
            lines.append("Traceback (most recent call last):")
            for lineno, name, text in self.frames:
                lines.append(f'  File "{filename}", line {lineno + first_line - 1}, in {name}')
                if text:
                    lines.append(f"    {text}")
        lines.append(self.error or "unknown error")
        return "\n".join(lines)


@dataclass
class ExampleResult:
    """What one example gave, and where that came from (a live run, the cache, the store)."""

    status: Status = Status.NOT_RUN
    results: dict[str, Comparison] = field(default_factory=dict)  # in compare order
    sides: dict[str, SideResult] = field(default_factory=dict)
    versions: dict[str, str | None] = field(default_factory=dict)
    key: str | None = None
    cached: bool = False
    reason: str | None = None  # why it did not run
    stale: str | None = None  # why a stored result no longer matches its example
    from_store: bool = False
    # stability (execution.stability): how many runs agree; the results are the first run's
    runs: int = 1
    stable: bool = True
    spread: Spread | None = None  # how the runs disagree, when they do

    @property
    def max_abs(self) -> float | None:
        """The largest absolute deviation of the compared values, if any has one."""
        values = [r.max_abs for r in self.results.values() if r.max_abs is not None]
        return max(values) if values else None

    @property
    def frameworks(self) -> dict[str, FrameworkStatus]:
        """Each framework's own status in this run, in declared order."""
        return {fw: side.status for fw, side in self.sides.items()}

    @property
    def compared(self) -> list[str]:
        """The frameworks whose values were compared (those that ran), in declared order."""
        found = list(dict.fromkeys(fw for c in self.results.values() for fw in c.frameworks))
        return [fw for fw in self.sides if fw in found] + [
            fw for fw in found if fw not in self.sides
        ]

    @property
    def groups(self) -> list[list[str]] | None:
        """The frameworks that ran, grouped by agreement on every compared value (two agree
        when each value both produced is within tolerance between them; grouped as
        :func:`~sphinx_apidiff.execution.comparison.group_frameworks` does); None when
        nothing was compared."""
        return self._grouped(lambda pair: pair.within)

    @property
    def dtype_groups(self) -> list[list[str]] | None:
        """The frameworks that ran, grouped by the dtypes of every compared value (the
        dtype rule of :attr:`Comparison.dtype_equal`, pair by pair); None when nothing was
        compared."""
        return self._grouped(lambda pair: pair.dtype_equal is not False)

    def _grouped(self, agree: Callable[[PairDeviation], bool]) -> list[list[str]] | None:
        if not self.results:
            return None

        def agreeing(first: str, second: str) -> bool:
            pairs = (c.pair(first, second) for c in self.results.values())
            return all(agree(pair) for pair in pairs if pair is not None)

        return group_frameworks(self.compared, agreeing)

    def to_json(self) -> dict[str, Any]:
        """As the cache and the store keep it (the store drops timings and the key).

        With gradients, ``order`` keeps the order of the results: the store writes its
        keys sorted, and a module's parameters come in the order the module lists them,
        which nothing else records (results of values only stay as they were)."""
        data: dict[str, Any] = {
            "status": self.status,
            "results": {name: r.to_json() for name, r in self.results.items()},
            "sides": {fw: s.to_json() for fw, s in self.sides.items()},
            "versions": self.versions,
            "key": self.key,
            "reason": self.reason,
        }
        if any(r.kind is ResultKind.GRAD for r in self.results.values()):
            data["order"] = list(self.results)
        data |= self.stability_json()
        return data

    def stability_json(self) -> dict[str, Any]:
        """``runs``, ``stable`` and ``spread``, where the result was run more than once
        (results of one run stay as they were written before repeats existed)."""
        if self.runs == 1 and self.stable:
            return {}
        data: dict[str, Any] = {"runs": self.runs, "stable": self.stable}
        if self.spread is not None:
            data["spread"] = self.spread.to_json()
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExampleResult:
        """From :meth:`to_json`'s form, in the order it was written (``order`` first)."""
        order = [n for n in data.get("order", []) if n in data["results"]]
        names = list(dict.fromkeys([*order, *data["results"]]))
        return cls(
            status=Status(data["status"]),
            results={n: Comparison.from_json(data["results"][n]) for n in names},
            sides={fw: SideResult.from_json(s) for fw, s in data["sides"].items()},
            versions=data.get("versions", {}),
            key=data.get("key"),
            reason=data.get("reason"),
            runs=data.get("runs", 1),
            stable=data.get("stable", True),
            spread=Spread.from_json(data["spread"]) if data.get("spread") else None,
        )


class CellStatus(StrEnum):
    """What one cell of a sweep gave: a finding, never a fault of the page."""

    MATCH = "match"
    DIFFER = "differ"
    UNSUPPORTED = "unsupported"  # some frameworks rejected the dtype (or the run), not all
    ERROR = "error"  # every framework failed
    NOT_RUN = "not-run"
    UNSTABLE = "unstable"  # its repeated runs disagree


@dataclass(frozen=True)
class CellOutcome:
    """A sweep cell's status, and the frameworks that failed it (with their last line)."""

    status: CellStatus
    failed: dict[str, str] = field(default_factory=dict)
    frameworks: dict[str, FrameworkStatus] = field(default_factory=dict)  # each one's status


def cell_outcome(result: ExampleResult) -> CellOutcome:
    """What a sweep's cell gave: where only some frameworks fail, the dtype is unsupported
    there (a finding); where every framework fails, an error. An unstable cell keeps the
    frameworks that failed its first run (the others' values changed between runs)."""
    if result.status not in (Status.ERROR, Status.UNSTABLE):
        return CellOutcome(CellStatus(result.status), frameworks=result.frameworks)
    failed = {
        fw: (side.error or "").strip().splitlines()[0] if side.error else ""
        for fw, side in result.sides.items()
        if not side.ok
    }
    if result.status == Status.UNSTABLE:
        return CellOutcome(CellStatus.UNSTABLE, failed, result.frameworks)
    every = len(failed) == len(result.sides)
    frameworks = result.frameworks
    if not every:  # where others run the dtype, a failure is the framework's rejection of it
        for fw in failed:
            if frameworks[fw] is FrameworkStatus.ERROR:
                frameworks[fw] = FrameworkStatus.REJECTED
    status = CellStatus.ERROR if every else CellStatus.UNSUPPORTED
    return CellOutcome(status, failed, frameworks)


@dataclass
class ExampleJob:
    """An example to run, and the frameworks whose code it has (reference first)."""

    example: ExampleSpec
    frameworks: list[str]
    label: str = ""
    pair_id: str = ""
    index: int = 0
    variant: str = ""  # "" the example itself; RECIPE its recipe; SWEEP a cell of its sweep
    cell: SweepCell | None = None  # the sweep's cell

    @property
    def slot(self) -> tuple[int, str, str]:
        """Which run of which example this job is: (example index, variant, cell id)."""
        return self.index, self.variant, self.cell.id if self.cell else ""


#: The variants of a job: the run of an example's recipe, and one cell of its sweep.
RECIPE = "recipe"
SWEEP = "sweep"


@dataclass
class Stats:
    """How a run's examples got their results, and what they were."""

    run: int = 0
    cached: int = 0  # from the cache or the results store
    not_run: int = 0
    statuses: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    worker_starts: int = 0
    warm_workers: int = 0  # leased from a pool, already imported
    recipes: dict[Status, int] = field(default_factory=lambda: dict.fromkeys(Status, 0))
    sweeps: dict[CellStatus, int] = field(default_factory=lambda: dict.fromkeys(CellStatus, 0))
    sweeps_run: int = 0

    def count(self, result: ExampleResult, live: bool, variant: str = "") -> None:
        """Count one example's result; ``live``: it ran in this run. A recipe's run and a
        sweep's cell are counted apart, by status (the other counts are the examples')."""
        if variant == RECIPE:
            self.recipes[result.status] += 1
            return
        if variant == SWEEP:
            self.sweeps[cell_outcome(result).status] += 1
            self.sweeps_run += live
            return
        if live:
            self.run += 1
        elif result.cached or result.from_store:
            self.cached += 1
        else:
            self.not_run += 1
        self.statuses[result.status] += 1

    def summary(self) -> str:
        """One line for the build's log: how many ran, came cached, matched, and so on."""
        s = self.statuses
        line = (
            f"{self.run} run, {self.cached} cached, {s[Status.MATCH]} matched, "
            f"{s[Status.DIFFER]} differed, {s[Status.ERROR]} errored"
            + (f", {s[Status.UNSTABLE]} unstable" if s[Status.UNSTABLE] else "")
            + (f", {s[Status.NOT_RUN]} not run" if s[Status.NOT_RUN] else "")
        )
        for name, counts in (("recipes", self.recipes), ("sweep cells", self.sweeps)):
            given = {status: n for status, n in counts.items() if n}
            if given:
                line += f"; {name}: " + ", ".join(f"{n} {status}" for status, n in given.items())
                if counts is self.sweeps:
                    line += f" ({self.sweeps_run} run)"
        return line
