"""The worker: runs in a framework's own interpreter, started as a script (``__main__.py``).

It needs only the standard library, numpy and the framework, and runs on
Python 3.8 or later (MegEngine 1.13 lives on Python <= 3.10 with numpy < 2).
Its modules import each other relatively and nothing of ``sphinx_apidiff``: the
script loads this folder as a package of its own, and the parent imports the few
names it shares (:mod:`.shared`, :mod:`.values`) from ``sphinx_apidiff``. What it
knows of a framework comes from the framework's adapter (:mod:`.adapter`): a module
loaded by the file path the ``import`` request names (``adapters/`` holds those that
ship), or the generic behaviour for a framework without one.

Protocol: the parent writes requests to our stdin and reads replies from the
file descriptor that was our stdout at start; each message is a 4-byte
big-endian length followed by UTF-8 JSON. Arrays travel as base64 ``.npy``
bytes, which numpy 1.x and 2.x both read (pickles do not). Everything else
that writes to fd 1 (C libraries, stray prints) is sent to stderr, so nothing
can corrupt the protocol; the parent never shows stderr on a page.
"""
