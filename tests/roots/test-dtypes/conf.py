extensions = ["sphinx_apidiff"]
project = "apidiff-dtypes"
apidiff_execution_timeout = 60
