"""Warm workers: a pool server per runtime that outlives the build that started it.

A build that asks for warm workers leases its workers from a *pool server*, one
process per runtime key (the interpreter, the versions of Python, numpy and the
framework, the framework module's mtime, the environment variables that steer
numerics, the workers' memory limit, and the code of the worker and of the runtime's
modules: see :func:`.key.pool_key`),
so a second build, ``sphinx-apidiff check`` then the build, or every rebuild of
``sphinx-autobuild`` finds the framework already imported. The server owns the
worker processes (the same :class:`~sphinx_apidiff.execution.runtime.process.Worker`
over pipes) and relays the same length-prefixed JSON protocol between a
client's Unix socket and the worker it leased; a connection is a lease, and
closing it gives the worker back. A client that closes its connection while
its request runs (a timeout), or that discards its worker (a run left the
worker changed: a ``discard`` frame), has the worker killed; a worker that dies is
reported to its client as a ``died`` frame, as a local worker's death is.

Local only, and for us only: the socket lives in a directory of ours with mode
0700 (:func:`.shared.pool_dir` refuses any other), the socket itself is 0600, and both
ends check the other's uid with ``SO_PEERCRED`` where the system has it. The
server ends itself after ``idle`` seconds without a lease, when its socket is
removed, or when asked (``sphinx-apidiff workers stop``).

The client (:mod:`.client`), the server (:mod:`.server`) and the listing and stopping
of pools (:mod:`.admin`) share :mod:`.shared` and the key (:mod:`.key`); import from
them: this module exports nothing.
No Sphinx imports here.
"""
