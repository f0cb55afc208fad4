"""Runs an audit script whose two sides print their findings, each in its framework's interpreter.

A script defines ``torch_side()`` and ``megengine_side()``, each printing what it finds, and ends
with ``run_sides(torch_side, megengine_side, __file__)``. ``python audit/x.py torch`` runs one side
here; ``python audit/x.py`` runs the torch side in this interpreter and the MegEngine side in the
repository's ``.venv-megengine`` (or ``APIDIFF_PYTHON_MEGENGINE``), and prints each under
``== torch`` and ``== megengine``, with the end of its standard error when it failed.
"""
import os
import subprocess
import sys

_REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # its .venv and .venv-megengine

MGE_PYTHON = os.environ.get("APIDIFF_PYTHON_MEGENGINE") or os.path.join(
    _REPO, ".venv-megengine", "bin", "python"
)


def run_sides(torch_side, megengine_side, script, tail=2000):
    """One side (named by the command line), or both in their interpreters; ``tail``: how
    much of a failed side's standard error to print."""
    if len(sys.argv) > 1:
        {"torch": torch_side, "megengine": megengine_side}[sys.argv[1]]()
        return
    here = os.path.abspath(script)
    for side, python in (("torch", sys.executable), ("megengine", MGE_PYTHON)):
        out = subprocess.run([python, here, side], capture_output=True, text=True, check=False)
        print(f"== {side}")
        print(out.stdout.rstrip())
        if out.returncode:
            print(out.stderr[-tail:])
