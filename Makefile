# Two commands do everything on a fresh machine (Python 3.11, Debian):
#   make book   build the book into _build/html
#   make test   run every test (lint, types, data check, pytest in a random order)
# Both create .venv from requirements.lock first if it is missing or out of date.
# Dependencies: declared in pyproject.toml, every version (transitive ones too) pinned in requirements.lock;
# `make lock` writes the lock again after pyproject.toml changed (the versions already locked are kept).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed
# pytest runs on two workers; pytest-randomly shuffles the order and prints its seed
# (`make test PYTEST_ARGS="--randomly-seed=N"` reruns that order; PYTEST_ARGS="-k name" picks tests).
PYTEST_ARGS ?=

.PHONY: book test test-fast lint check bench bench-preview bench-scale system-packages clean lock

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $(STAMP)

## Write requirements.lock again from pyproject.toml (runtime dependencies and the test and dev extras).
## To move one package: `make lock LOCK_ARGS="--upgrade-package altair"`; then `make book` installs it.
LOCK_ARGS ?=
lock: $(STAMP)
	$(BIN)/pip-compile --quiet --extra test --extra dev --strip-extras --allow-unsafe --no-emit-index-url \
		--no-emit-find-links --output-file requirements.lock $(LOCK_ARGS) pyproject.toml

# axe-core, vnu-jar and Lighthouse, pinned in package.json / package-lock.json
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## Build the book into _build/html (runs only the sections whose inputs changed).
book: $(STAMP)
	$(BIN)/caravan-book build

## The Debian packages the tests call (chromium, poppler-utils, a Java runtime, npm): installed when missing
## and apt-get can be used, otherwise one line saying what to install.
system-packages:
	@bash .ci/system-packages

## Run every test: lint and types, data checks, real kernels and papermill, real Sphinx builds, headless chromium.
test: system-packages $(STAMP) $(NODE_STAMP) lint
	$(BIN)/caravan-book check
	$(BIN)/python -m pytest -n 2 $(PYTEST_ARGS)

## The fast lane: in-process tests only (`-m unit`, under a minute; no kernel, build or browser).
test-fast: $(STAMP)
	$(BIN)/python -m pytest -m unit -n 0 $(PYTEST_ARGS)

## ruff (lint and format, the notebooks' code too), mypy, import-linter (the layers), codespell (words it must not correct: [tool.codespell]
## in pyproject.toml) and notebooks committed without outputs; the versions pinned in requirements.lock
## (.pre-commit-config.yaml runs the same, with the standard file checks).
SPELLED := caravan_book book/*.md book/templates notebooks data/README.md README.md CONTRIBUTING.md
lint: $(STAMP)
	$(BIN)/ruff check caravan_book tests benchmarks notebooks
	$(BIN)/ruff format --check caravan_book tests benchmarks notebooks
	$(BIN)/mypy
	$(BIN)/lint-imports
	$(BIN)/codespell $(SPELLED)
	$(BIN)/python -m pytest -q -n 0 -p no:randomly -o addopts= tests/test_house.py

## Validate the data folder only.
check: $(STAMP)
	$(BIN)/caravan-book check

## Measure build speed, page weight in the browser and Lighthouse scores (see benchmarks/README.md).
bench: $(STAMP) $(NODE_STAMP)
	$(BIN)/python benchmarks/build_benchmark.py

## The live preview's edit-to-page times and `run` on its warm kernels; the book with its data x1, x10, x100.
bench-preview: $(STAMP)
	$(BIN)/python benchmarks/preview_benchmark.py
bench-scale: $(STAMP)
	$(BIN)/python benchmarks/scale_benchmark.py

clean:
	rm -rf _build book/generated book/failed
