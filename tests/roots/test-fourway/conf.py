extensions = ["sphinx_apidiff"]
project = "apidiff-fourway"
apidiff_execution_timeout = 120
