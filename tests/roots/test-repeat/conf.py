extensions = ["sphinx_apidiff"]
project = "apidiff-repeat"
apidiff_repeat = 3
apidiff_execution_timeout = 60
apidiff_store_path = "store"
apidiff_store_update = True
