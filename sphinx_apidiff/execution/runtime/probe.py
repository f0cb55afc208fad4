"""What a runtime is: its interpreter's versions, probed without importing the framework.

No Sphinx imports here.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import signal
import subprocess
import time
from dataclasses import dataclass
from typing import Any

from sphinx_apidiff import frameworks

#: Run in the target interpreter without importing the framework: what the
#: cache keys need (versions), at the cost of a bare interpreter start.
_PROBE = r"""
import json, sys
from importlib import metadata, util
def version(dist):
    try:
        return metadata.version(dist)
    except Exception:
        return None
framework, distribution = sys.argv[1], sys.argv[2]
spec = util.find_spec(framework)
origin = getattr(spec, "origin", None) if spec else None
mtime = None
if origin:
    import os
    try:
        mtime = os.stat(origin).st_mtime_ns
    except OSError:
        pass
print(json.dumps({"executable": sys.executable, "python": sys.version.split()[0],
                  "numpy": version("numpy"), "framework": version(distribution),
                  "found": spec is not None, "origin": origin, "mtime": mtime}))
"""


class RuntimeUnavailable(Exception):
    """The interpreter of a runtime is missing or broken."""


@dataclass(frozen=True)
class Fingerprint:
    """What a runtime is: its interpreter and the versions of Python, numpy and the framework."""

    framework: str
    python_path: str
    executable: str
    python: str
    numpy: str | None
    version: str | None
    found: bool
    mtime: int | None

    def key(self) -> dict[str, Any]:
        """The part that decides results (for cache keys)."""
        return {
            "executable": self.executable,
            "python": self.python,
            "numpy": self.numpy,
            "framework": self.version,
            "mtime": self.mtime,
        }


#: What a probe may print, at most (its answer is one line of a few hundred bytes): more
#: is not an answer, and reading it all could exhaust memory.
PROBE_LIMIT = 64 * 1024


def probe(framework: str, python: str, timeout: float = 60.0) -> Fingerprint:
    """Versions of Python, numpy and the framework in ``python``, without importing it (the
    framework's version is its distribution's, which its adapter names: ``paddlepaddle``).

    Raises :class:`RuntimeUnavailable` when ``python`` does not run, fails, or is not a
    Python interpreter (it does not print the probe's answer: ``/bin/true``, a script).
    """
    if not (os.path.isfile(python) and os.access(python, os.X_OK)):
        raise RuntimeUnavailable(f"interpreter {python} does not exist or is not executable")
    top = framework.split(".", maxsplit=1)[0]
    adapter = frameworks.get(framework)
    args = [python, "-I", "-c", _PROBE, top, adapter.dist if adapter is not None else top]
    try:
        code, stdout, stderr = _run_bounded(args, timeout, PROBE_LIMIT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise RuntimeUnavailable(f"interpreter {python} cannot run: {exc}") from exc
    if stdout is None:
        more = f"more than {PROBE_LIMIT // 1024} KiB"
        raise RuntimeUnavailable(f"{python} is not a Python interpreter (it printed {more})")
    if code != 0:
        tail = (stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeUnavailable(f"interpreter {python} failed: {tail}")
    found = _probe_answer(framework, python, stdout)
    if found is None:
        text = stdout.strip()
        shown = repr(text[:80] + ("..." if len(text) > 80 else "")) if text else "nothing"
        raise RuntimeUnavailable(f"{python} is not a Python interpreter (it printed {shown})")
    return found


#: The probe's answer: each key and the types its value may have.
_ANSWER_TYPES: dict[str, tuple[type, ...]] = {
    "executable": (str,),
    "python": (str,),
    "numpy": (str, type(None)),
    "framework": (str, type(None)),
    "found": (bool,),
    "mtime": (int, type(None)),
}


def _probe_answer(framework: str, python: str, stdout: str) -> Fingerprint | None:
    """The fingerprint in the last line of the probe's output; None when that is not the
    probe's answer (whatever else a wrapper script prints before it is ignored)."""
    lines = stdout.strip().splitlines()
    try:
        data = json.loads(lines[-1]) if lines else None
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    for key, types in _ANSWER_TYPES.items():
        value = data.get(key)
        if not isinstance(value, types) or (isinstance(value, bool) and bool not in types):
            return None
    return Fingerprint(
        framework=framework,
        python_path=python,
        executable=data["executable"],
        python=data["python"],
        numpy=data["numpy"],
        version=data["framework"],
        found=data["found"],
        mtime=data["mtime"],
    )


def _run_bounded(args: list[str], timeout: float, limit: int) -> tuple[int, str | None, str]:
    """Run ``args`` to its end: its exit code, its stdout and the tail of its stderr (at most
    ``limit`` bytes each, decoded leniently). A process that writes more than ``limit``
    bytes to stdout is killed, and its stdout is None. Raises ``subprocess.TimeoutExpired``
    after ``timeout`` seconds (the process is killed), and OSError."""
    process = subprocess.Popen(
        args,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,  # killed as a group: a script's children go with it
    )
    assert process.stdout is not None and process.stderr is not None
    out, err = process.stdout.fileno(), process.stderr.fileno()
    received = {out: b"", err: b""}
    reading = {out, err}
    deadline = time.monotonic() + timeout
    try:
        while reading:
            ready, _, _ = select.select(
                list(reading), [], [], max(0.0, deadline - time.monotonic())
            )
            if not ready:
                raise subprocess.TimeoutExpired(args, timeout)
            for fd in ready:
                chunk = os.read(fd, 65536)
                if not chunk:
                    reading.discard(fd)
                    continue
                received[fd] = (received[fd] + chunk)[-(limit + 1) :]
            if len(received[out]) > limit:
                return -1, None, ""
        code = process.wait(max(0.0, deadline - time.monotonic()))
    finally:
        if process.poll() is None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        process.stdout.close()
        process.stderr.close()
    return code, received[out].decode("utf-8", "replace"), received[err].decode("utf-8", "replace")
