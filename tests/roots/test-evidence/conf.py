extensions = ["sphinx_apidiff"]
project = "apidiff-evidence"
apidiff_execution_timeout = 30
