"""Audit of docs/pairs/std.yaml (torch.std vs megengine.functional.std): the claims of audit/var.py,
with the recipe factor sqrt(N / (N - 1)). Run: .venv/bin/python audit/std.py."""
import os
import runpy
import sys

os.environ["AUDIT_FUNC"] = "std"
sys.argv[0] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "var.py")
runpy.run_path(sys.argv[0], run_name="__main__")
