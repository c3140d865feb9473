# Two commands do everything on a fresh machine (Python 3.11, Debian):
#   make book   build the book into _build/html
#   make test   run every test
# Both create .venv from requirements.txt first if it is missing or out of date.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
NODE_STAMP := node_modules/.installed

.PHONY: book test check bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

# axe-core, pinned in package.json / package-lock.json, for the accessibility tests
$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $(NODE_STAMP)

## Build the book into _build/html (runs only the sections whose inputs changed).
book: $(STAMP)
	$(BIN)/caravan-book build

## Run every test: data checks, real kernels and papermill, real Sphinx builds, headless chromium.
test: $(STAMP) $(NODE_STAMP)
	$(BIN)/caravan-book check
	$(BIN)/python -m pytest -n 2 --dist loadgroup

## Validate the data folder only.
check: $(STAMP)
	$(BIN)/caravan-book check

## Measure build speed and page weight (see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/build_benchmark.py

clean:
	rm -rf _build book/generated
