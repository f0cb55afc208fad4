"""The worker script: ``python -u worker/__main__.py [--memory BYTES]`` in the framework's
interpreter, where ``sphinx_apidiff`` is not installed. It loads its own folder as the
package ``apidiff_worker`` (its modules import each other relatively) and serves the
parent (:func:`.protocol.main`).

Python 3.8+ and the standard library only.
"""

import importlib
import importlib.util
import os
import sys

PACKAGE = "apidiff_worker"


def load():
    """The worker's loop module, its folder loaded as the package :data:`PACKAGE`. The folder
    leaves ``sys.path`` (Python puts a script's folder first): its module names (``state``,
    ``values``) would hide any installed module of the same name from the snippets."""
    here = os.path.dirname(os.path.abspath(__file__))
    if sys.path and os.path.abspath(sys.path[0] or os.curdir) == here:
        del sys.path[0]
    spec = importlib.util.spec_from_file_location(
        PACKAGE, os.path.join(here, "__init__.py"), submodule_search_locations=[here]
    )
    package = importlib.util.module_from_spec(spec)
    sys.modules[PACKAGE] = package
    spec.loader.exec_module(package)
    return importlib.import_module(PACKAGE + ".protocol")


if __name__ == "__main__":
    load().main()
