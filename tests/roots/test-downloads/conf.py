extensions = ["sphinx_apidiff"]
project = "apidiff-downloads"
apidiff_execution_timeout = 60
