extensions = ["sphinx_apidiff"]
project = "apidiff-dupids"
