extensions = ["sphinx_apidiff"]
project = "apidiff-poison"
# one worker per framework: every example runs after the ones above it, in the same worker
apidiff_workers = 1
apidiff_execution_timeout = 30
