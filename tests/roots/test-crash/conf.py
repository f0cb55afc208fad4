extensions = ["sphinx_apidiff"]
project = "apidiff-crash"
apidiff_execution_mode = "off"  # every case is about reading, nothing needs to run
