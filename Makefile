# Two commands do everything on a fresh machine: `make book` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: book test check bench clean

$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

## Build the book into _build/html (runs only the sections whose inputs changed).
book: $(STAMP)
	$(BIN)/caravan-book build

## Run every test: data checks, real kernels, a real Sphinx build, headless chromium.
test: $(STAMP)
	$(BIN)/caravan-book check
	$(BIN)/python -m pytest -n 2 --dist loadgroup

## Validate the data folder only.
check: $(STAMP)
	$(BIN)/caravan-book check

## Measure build speed (see benchmarks/README.md).
bench: $(STAMP)
	$(BIN)/python benchmarks/build_benchmark.py

clean:
	rm -rf _build book/generated
