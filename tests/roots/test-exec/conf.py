extensions = ["sphinx_apidiff"]
project = "apidiff-exec"
apidiff_execution_timeout = 20
