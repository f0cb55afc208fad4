# The two commands of the README's Quick start, and a few more.
# Each target bootstraps what it needs (scripts/bootstrap.sh) first.
SHELL := /bin/bash
export APIDIFF_PYTHON_MEGENGINE ?= $(CURDIR)/.venv-megengine/bin/python
SPHINXOPTS ?= -W --keep-going -j 2
# The suite in one process per core, a test file per process (a file's module-scoped builds
# are made once); `make test XDIST=` runs it in this process alone.
XDIST ?= -n auto --dist loadfile

.PHONY: docs docs-zh test test-newest bootstrap lock lint bench bench-scale bench-fourway store clean

bootstrap:
	@scripts/bootstrap.sh

docs: bootstrap  ## build the guide (live: introspects and executes), English
	.venv/bin/sphinx-build $(SPHINXOPTS) -b html docs docs/_build/html

docs-zh: bootstrap  ## the same guide in Chinese
	.venv/bin/sphinx-build $(SPHINXOPTS) -b html -D language=zh_CN docs docs/_build/html-zh_CN

test: bootstrap  ## the test suite, on the real torch and MegEngine, with the pinned tools
	.venv/bin/python -m pytest $(XDIST) $(PYTEST_ARGS)

test-newest:  ## the same suite against the newest Sphinx, Babel, pytest, ... (the frameworks stay pinned)
	@APIDIFF_VENV=.venv-newest APIDIFF_CONSTRAINTS=none scripts/bootstrap.sh
	.venv-newest/bin/python -m pytest $(XDIST) $(PYTEST_ARGS)

lock:  ## refresh constraints/*.txt from fresh, unpinned environments (then run `make test`)
	scripts/lock.sh

lint: bootstrap
	.venv/bin/python -m ruff check sphinx_apidiff tests benchmarks tools
	.venv/bin/python -m mypy sphinx_apidiff
	.venv/bin/lint-imports  # the layers: contracts in pyproject.toml

store: bootstrap  ## refresh the committed results store (docs/_apidiff_store) from a live build
	.venv/bin/sphinx-build -E -W --keep-going -b html -D apidiff_store_update=1 docs docs/_build/html

bench: bootstrap  ## the speed benchmark against jupyter-sphinx (see benchmarks/)
	.venv/bin/pip install --quiet --disable-pip-version-check -c constraints/py311.txt -e ".[bench]"
	.venv-megengine/bin/pip install --quiet --disable-pip-version-check -c constraints/megengine.txt ipykernel
	.venv/bin/python benchmarks/bench_build.py

bench-scale: bootstrap  ## build times at guide scale: 200 and 1600 generated pairs (PAIRS=200 for a short run)
	.venv/bin/python benchmarks/bench_scale.py --pairs $(or $(PAIRS),200 1600) $(BENCH_ARGS)

bench-fourway: bootstrap  ## the four-way pairs built two-way and four-way, JAX's compile cost (PAIRS_DIR=folder)
	.venv/bin/python benchmarks/bench_fourway.py $(if $(PAIRS_DIR),--pairs $(PAIRS_DIR)) $(BENCH_ARGS)

clean:
	rm -rf docs/_build
