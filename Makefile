# Two commands do all set-up: `make report` renders today's report from seeds/, `make test` runs every test.
# Both create .venv and install the project when missing or when pyproject.toml changed; re-runs are quick.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: setup report test notebooks lab bench lint format clean-processed

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP)

report: setup
	$(BIN)/evwatch render $(if $(DATE),--date $(DATE)) $(if $(FOCUS),--focus $(FOCUS)) $(if $(FORCE),--force)

test: setup
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg tests notebooks

# Re-execute the committed notebooks in place (refresh nbval's reference outputs after a deliberate change).
notebooks: setup
	$(BIN)/python -m helpers.notebooks

lab: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name ev-alliance-watch --display-name "Python (ev-alliance-watch)"
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: setup
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/evwatch bench

lint: setup
	$(BIN)/ruff check src tests benchmarks

format: setup
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
