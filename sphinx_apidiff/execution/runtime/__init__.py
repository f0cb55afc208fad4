"""Framework runtimes: worker processes per framework, talking over pipes.

A runtime (:mod:`.runtime`) runs its framework's worker script (:mod:`.worker`) in a process
of its own (:mod:`.process`), or leases a warm one from a pool server that outlives the
build (:mod:`.pool`); :mod:`.probe` fingerprints an interpreter, :mod:`.frames` reads and
writes the length-prefixed frames they all speak. Import from those modules: this one
exports nothing.

No Sphinx imports here.
"""
