"""Doctree regression: pages rendered from the committed results store, nothing runs.

The store (``_apidiff_store``) holds the signatures, versions and results of a
live run, so the pages are the same on every machine. Refresh it with
``sphinx-build -D apidiff_execution_mode=auto -D apidiff_store_update=1 . _build``
(then review tests/regression/ with APIDIFF_REGEN=1).
"""

extensions = ["sphinx_apidiff"]
project = "apidiff-regression"
exclude_patterns = ["_build"]
apidiff_execution_mode = "cache"
apidiff_store_path = "_apidiff_store"
