extensions = ["sphinx_apidiff"]
project = "apidiff-bad"
