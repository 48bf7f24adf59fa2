# Two commands on a fresh machine: `make site` and `make test`.
# Each creates (or reuses) .venv and reinstalls only when pyproject.toml changed.
PYTHON ?= python3
DATA   ?= data
ARGS   ?=
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
BROWSER_DIR := tests/browser
export NO_MKDOCS_2_WARNING := 1

.PHONY: site offline serve test lint check fmt bench bench-site bench-search bench-build bench-preview bench-offline clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# One stamp per extra set, so `make site` does not pull in test tools.
$(VENV)/.installed-base: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-lint: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[lint]'
	touch $@ $(VENV)/.installed-base

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed-base $(VENV)/.installed-lint

# axe-core for the accessibility checks in the browser tests; reinstalled only when the lock changes.
$(BROWSER_DIR)/node_modules/.installed: $(BROWSER_DIR)/package.json $(BROWSER_DIR)/package-lock.json
	cd $(BROWSER_DIR) && npm ci --no-audit --no-fund --loglevel=error
	touch $@

check: $(VENV)/.installed-base
	$(BIN)/kb check $(ARGS) $(DATA)

# Check, render docs/ and build site/ (open site/index.html, or `make serve` to search too).
site: $(VENV)/.installed-base
	$(BIN)/kb build $(DATA)

# The offline edition: site-offline/ and site-offline.zip (unzip anywhere, open index.html from the disk).
# Needs npm once, to fetch the iframe-worker shim into .kb-cache/vendor/ (README, "Offline edition").
offline: $(VENV)/.installed-base
	$(BIN)/kb build --offline $(DATA)

# Live preview on http://127.0.0.1:$(PORT)/, re-rendered whenever $(DATA)/ changes.
serve: $(VENV)/.installed-base
	$(BIN)/kb serve $(DATA) --port $(PORT)

test: $(VENV)/.installed-test $(BROWSER_DIR)/node_modules/.installed
	$(BIN)/python -m pytest

# Style (ruff), types (mypy, strict on the package) and the layers of the package (import-linter).
lint: $(VENV)/.installed-lint
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/ruff format --check scripts tests benchmarks
	$(BIN)/mypy
	$(BIN)/lint-imports

# Put fact files into canonical form; `make fmt ARGS=--check` lists what would change.
fmt: $(VENV)/.installed-base
	$(BIN)/kb fmt $(ARGS) $(DATA)

bench: $(VENV)/.installed-base
	$(BIN)/python benchmarks/bench_check.py

bench-site: $(VENV)/.installed-base
	$(BIN)/python benchmarks/bench_site.py

# Issue 11 (scale), on realistic trees (benchmarks/realistic.py): search side by side in Chromium
# (needs `pip install 'pagefind[extended]'` for the Pagefind option, npm for the offline edition),
# and build time, memory, page sizes and Zensical. ARGS: sizes and options, e.g. ARGS="10000 --offline".
bench-search: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_search.py $(ARGS)

bench-build: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_build.py $(ARGS)

# The offline edition from file:// at 130 (data/) and 10,000 facts (README, "Offline edition"); needs npm.
bench-offline: $(VENV)/.installed-test
	$(BIN)/python benchmarks/bench_offline.py $(ARGS)

# The live preview (kb serve) after typical edits, on a realistic tree of FACTS facts (default 10,000).
FACTS ?= 10000
bench-preview: $(VENV)/.installed-base
	$(BIN)/python benchmarks/realistic.py benchmarks/out/realistic-$(FACTS) --facts $(FACTS)
	$(BIN)/python benchmarks/bench_preview.py benchmarks/out/realistic-$(FACTS) $(ARGS)

clean:
	rm -rf $(VENV) site site-offline site-offline.zip build .pytest_cache $(BROWSER_DIR)/node_modules
