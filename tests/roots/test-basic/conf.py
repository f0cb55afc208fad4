extensions = ["sphinx_apidiff"]
project = "apidiff-test"
