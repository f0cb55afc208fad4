extensions = ["sphinx_apidiff"]
project = "apidiff-notitle"
