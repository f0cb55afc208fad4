extensions = ["sphinx_apidiff"]
project = "apidiff-nway"
# Paddle and JAX run in this interpreter; MegEngine through APIDIFF_PYTHON_MEGENGINE
apidiff_execution_timeout = 120
