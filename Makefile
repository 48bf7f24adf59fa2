# Two commands on a fresh machine: `make site` and `make test`.
# Each creates (or reuses) .venv and reinstalls only when pyproject.toml changed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
export NO_MKDOCS_2_WARNING := 1

.PHONY: site serve test check fmt bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per extra set, so `make site` does not pull in test tools.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-base

check: $(VENV)/.installed-base
	$(BIN)/kb check data

fmt: $(VENV)/.installed-base
	$(BIN)/kb fmt $(ARGS) $(DATA)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

bench: $(VENV)/.installed-base
	$(BIN)/python benchmarks/bench_check.py

clean:
	rm -rf $(VENV) site build .pytest_cache
