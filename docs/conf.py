"""The sphinx-apidiff documentation, and the PyTorch -> MegEngine migration guide built with it."""

import os

project = "sphinx-apidiff"
author = "The sphinx-apidiff developers"
copyright = "2026, " + author

extensions = ["sphinx_apidiff"]

html_theme = "furo"
html_title = "sphinx-apidiff"
exclude_patterns = ["_build"]
language = "en"
# `-D language=zh_CN` builds the Chinese guide: pairs carry both languages, the
# extension's own texts come with it, and these catalogues translate the rest.
locale_dirs = ["locale/"]
gettext_compact = False

# MegEngine 1.13 only runs on Python <= 3.10 with numpy < 2: it gets its own interpreter
# (made by scripts/bootstrap.sh). APIDIFF_PYTHON_MEGENGINE overrides the path.
# torch runs in the interpreter running Sphinx.
apidiff_runtimes = {"megengine": {"python": "../.venv-megengine/bin/python"}}

# Shared with `sphinx-apidiff check` and by the English and Chinese builds, whatever the
# output folder (tox builds elsewhere). It lies in the source folder, so live preview needs
# `sphinx-autobuild docs docs/_build/html --ignore docs/_build/apidiff-cache` (docs/ci.rst).
apidiff_cache_path = "_build/apidiff-cache"

# Every example, recipe and sweep cell of the guide runs three times, once in a worker of
# its own: a result that changes between runs is "unstable", never a match. The committed
# store (`make store`) and the tests' live build of the guide run the same way.
apidiff_repeat = 3

# Committed results: Read the Docs, which has neither framework, renders from them.
# Refresh with `make store`.
apidiff_store_path = "_apidiff_store"
apidiff_execution_mode = os.environ.get("APIDIFF_EXECUTION_MODE", "auto")
if os.environ.get("READTHEDOCS"):
    apidiff_execution_mode = "cache"
