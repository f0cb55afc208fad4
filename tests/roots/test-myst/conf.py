extensions = ["myst_parser", "sphinx_apidiff"]
project = "apidiff-myst"
