# The two commands of the README's Quick start, and a few more.
# Each target bootstraps what it needs (scripts/bootstrap.sh) first.
SHELL := /bin/bash
export APIDIFF_PYTHON_MEGENGINE ?= $(CURDIR)/.venv-megengine/bin/python
SPHINXOPTS ?= -W --keep-going -j 2

.PHONY: docs docs-zh test bootstrap lint bench store clean

bootstrap:
	@scripts/bootstrap.sh

docs: bootstrap  ## build the guide (live: introspects and executes), English
	.venv/bin/sphinx-build $(SPHINXOPTS) -b html docs docs/_build/html

docs-zh: bootstrap  ## the same guide in Chinese
	.venv/bin/sphinx-build $(SPHINXOPTS) -b html -D language=zh_CN docs docs/_build/html-zh_CN

test: bootstrap  ## the test suite, on the real torch and MegEngine
	.venv/bin/python -m pytest $(PYTEST_ARGS)

lint: bootstrap
	.venv/bin/pip install --quiet --disable-pip-version-check -e ".[lint]"
	.venv/bin/python -m ruff check sphinx_apidiff tests benchmarks tools
	.venv/bin/python -m mypy sphinx_apidiff

store: bootstrap  ## refresh the committed results store (docs/_apidiff_store) from a live build
	.venv/bin/sphinx-build -E -W --keep-going -b html -D apidiff_store_update=1 docs docs/_build/html

bench: bootstrap  ## the speed benchmark against jupyter-sphinx (see benchmarks/)
	.venv/bin/pip install --quiet --disable-pip-version-check -e ".[bench]"
	.venv-megengine/bin/pip install --quiet --disable-pip-version-check ipykernel
	.venv/bin/python benchmarks/bench_build.py

clean:
	rm -rf docs/_build
