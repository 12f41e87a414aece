# siegewatch — every target sets up what it needs: a .venv built from pyproject.toml.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
CORPUS ?= data/raw
OUT    ?= reports

.PHONY: help setup report test lint bench bench-large browser clean

help:
	@echo "make report   build the HTML reports for the bundled corpus into $(OUT)/"
	@echo "make test     run lint, unit, notebook and browser tests"
	@echo "make bench    benchmark the pipeline (writes bench/results.md and .json)"

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	touch $(STAMP)

setup: $(STAMP)

# Debian's chromium, for the browser tests (no browser download is needed or attempted).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null; }

report: $(STAMP)
	$(BIN)/siegewatch report $(CORPUS) --out $(OUT)

lint: $(STAMP)
	$(BIN)/ruff check lib tests bench

test: $(STAMP) browser lint
	$(BIN)/python -m pytest

bench: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py --size 100MB

bench-large: $(STAMP)
	$(BIN)/python -m pip install --quiet -e '.[dev,bench]'
	$(BIN)/python bench/run.py --size 100MB --size 1GB

clean:
	rm -rf $(VENV) data/processed $(OUT) .pytest_cache .ruff_cache .hypothesis
