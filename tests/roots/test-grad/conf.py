extensions = ["sphinx_apidiff"]
project = "apidiff-grad"
apidiff_execution_timeout = 60
