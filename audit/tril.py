"""Audit of docs/pairs/tril.yaml (torch.tril): the claims of audit/triu.py with the mask
j - i <= k. Run: .venv/bin/python audit/tril.py."""
import os
import runpy
import sys

os.environ["AUDIT_FUNC"] = "tril"
sys.argv[0] = os.path.join(os.path.dirname(os.path.abspath(__file__)), "triu.py")
runpy.run_path(sys.argv[0], run_name="__main__")
