"""What a run leaves behind that cannot be undone (threads, child processes, timers,
signal handlers, the signal mask): found after every run, and said in its error.

Runs in the framework's interpreter: Python 3.8+, the standard library, numpy and the
framework only (see the package's docstring).
"""

import contextlib
import os
import re
import signal
import sys
import threading
import time
from typing import Any  # noqa: F401 - for the type comments (Python 3.8 syntax)

from .shared import _TIMERS, THREAD_GRACE, _baselines, _process


def _live_threads():
    """The idents of the threads started from Python that are alive in this process, and
    of the other threads that run Python code at this moment. A framework's native thread
    that once called back into Python stays in ``threading`` as a dummy thread that never
    ends: it counts only while it runs Python code."""
    idents = set(sys._current_frames())
    dummy = getattr(threading, "_DummyThread", ())
    idents.update(
        t.ident for t in threading.enumerate() if t.is_alive() and not isinstance(t, dummy)
    )
    idents.discard(None)
    return idents


def _thread_label(ident):
    """A thread as its error names it: its target function, or its name, without the
    process-wide counter in ``Thread-3`` (it would differ from worker to worker)."""
    thread = threading._active.get(ident)  # type: ignore[attr-defined]
    if thread is None:
        return "a thread started with _thread"
    if isinstance(thread, getattr(threading, "_DummyThread", ())):
        return "a thread started outside Python"
    target = getattr(thread, "_target", None)
    if target is not None:
        return "%s()" % getattr(target, "__qualname__", getattr(target, "__name__", "?"))
    name = re.sub(r"^(Thread|Dummy)-\d+ ?", "", thread.name).strip("() ")
    return name or type(thread).__name__


def _become_subreaper():
    """Have the orphans of the processes a snippet starts (a grandchild left by a child
    that exited) become this worker's children (Linux), so that the list of its children
    shows them too; whether that worked."""
    try:
        import ctypes

        return ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0) == 0  # CHILD_SUBREAPER
    except Exception:
        return False


def _children():
    """The processes this worker started and has not reaped, and its other descendants,
    as pids: from the kernel's list of our children when we reap orphans (see
    :func:`_become_subreaper`), else from ``/proc`` (our children, and what is alive in
    our session); empty where ``/proc`` is missing."""
    if _process.get("subreaper"):
        try:
            pids = []
            for task in os.listdir("/proc/self/task"):
                with open("/proc/self/task/%s/children" % task) as handle:
                    pids.extend(int(pid) for pid in handle.read().split())
            return pids
        except (OSError, ValueError):
            pass
    me = os.getpid()
    session = os.getsid(0) == me  # only a session of our own is ours to look through
    found = []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return found
    for entry in entries:
        if not entry.isdigit() or int(entry) == me:
            continue
        try:
            with open("/proc/%s/stat" % entry, "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except (OSError, IndexError):
            continue
        state, ppid, sid = fields[0], int(fields[1]), int(fields[3])
        if ppid == me or (session and sid == me and state != b"Z"):
            found.append(int(entry))
    return found


def _end_children(pids):
    """Kill the processes ``pids`` and reap those that are ours."""
    for pid in pids:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    for pid in pids:
        while time.monotonic() < deadline:
            try:
                done, _ = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:  # not ours (a grandchild): init reaps it
                break
            if done:
                break
            time.sleep(0.01)


def _exit_if_forked():
    """In a child that a snippet forked and that came back here: end it at once, so that it
    never writes to the protocol (its reply would answer a later request)."""
    if _process["pid"] is not None and os.getpid() != _process["pid"]:
        os._exit(0)


def _sigmask():
    if not hasattr(signal, "pthread_sigmask"):
        return None
    return signal.pthread_sigmask(signal.SIG_BLOCK, [])


def leftovers(framework, threads_before):
    """What a run left behind that cannot be undone (threads still running, child
    processes, pending timers, signal handlers that cannot be put back), as phrases for
    its error; the timers are cancelled and the children killed. Signal handlers and the
    signal mask that can be put back are, silently."""
    base = _baselines.get(framework)
    if base is None:
        return []
    found = []
    for name, label in _TIMERS:
        which = getattr(signal, name, None)
        if which is not None and signal.getitimer(which) != (0.0, 0.0):
            signal.setitimer(which, 0)
            found.append(("timer", label))
    deadline = time.monotonic() + THREAD_GRACE
    new = _live_threads() - threads_before
    while new and time.monotonic() < deadline:
        time.sleep(0.01)
        new &= _live_threads()
    if new:
        labels = sorted(_thread_label(ident) for ident in new)
        what = "a thread" if len(labels) == 1 else "%d threads" % len(labels)
        found.append(("thread", "%s still running (%s)" % (what, ", ".join(labels))))
    children = [pid for pid in _children() if pid not in base["children"]]
    if children:
        _end_children(children)
        what = "a child process" if len(children) == 1 else "%d child processes" % len(children)
        found.append(("child", "%s not waited for (killed)" % what))
    for signum, handler in base["signals"].items():
        try:
            if signal.getsignal(signum) is handler:
                continue
            if handler is None:  # set outside Python: nothing to put back
                raise ValueError
            signal.signal(signum, handler)
        except (OSError, ValueError, TypeError):
            found.append(("signal", "a handler of %s that cannot be put back" % _signame(signum)))
    if base["sigmask"] is not None and _sigmask() != base["sigmask"]:
        signal.pthread_sigmask(signal.SIG_SETMASK, base["sigmask"])
    return found


def _signame(signum):
    try:
        return signal.Signals(signum).name
    except ValueError:
        return "signal %d" % signum


#: How to fix a snippet that left one kind of thing behind.
_FIXES = {
    "timer": "cancel its alarms and timers before it ends (signal.alarm(0))",
    "thread": "join every thread it starts (Thread.join) before it ends",
    "child": "wait for every process it starts (subprocess.run, Popen.wait, os.waitpid), "
    "and end a forked child with os._exit",
    "signal": "put back the signal handlers it changes",
}


def left_behind_error(found):
    """The error of a run that left ``found`` (see :func:`leftovers`) behind."""
    kinds = []
    for kind, _ in found:
        if kind not in kinds:
            kinds.append(kind)
    return (
        "the snippet left behind %s; the worker that ran it was replaced, so that no later "
        "example runs in a changed process. To fix the snippet: %s."
        % ("; ".join(label for _, label in found), "; ".join(_FIXES[k] for k in kinds))
    )
