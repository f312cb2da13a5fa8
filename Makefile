# ascolto: `make demo` and `make test` are the two commands of the README quick start.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)
# the tests also cover the transformers backend, so they install its extra (torch CPU)
TSTAMP := $(VENV)/.tests-$(shell cat pyproject.toml | cksum | cut -d' ' -f1)

.PHONY: demo test bench lint install clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev]'
	rm -f $(VENV)/.installed-* && touch $@

$(TSTAMP): $(STAMP)
	$(BIN)/python -m pip install -q --disable-pip-version-check -e '.[dev,transformers]'
	rm -f $(VENV)/.tests-* && touch $@

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/ascolto demo

test: $(TSTAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/mypy
	$(BIN)/pytest -n 2 -m "not slow"

bench: $(TSTAMP)
	$(BIN)/python bench/ingest.py
	$(BIN)/python bench/enrich.py --cards
	$(BIN)/python bench/enrich_transformers.py
	$(BIN)/python bench/responses.py
	$(BIN)/python bench/search.py
	$(BIN)/python bench/themes.py

lint: $(STAMP)
	$(BIN)/ruff check src tests bench scripts
	$(BIN)/ruff format --check src tests bench scripts
	$(BIN)/mypy

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache demo-workspace
