extensions = ["sphinx_apidiff"]
project = "apidiff-limits"
apidiff_execution_timeout = 20
apidiff_worker_memory = "1G"
