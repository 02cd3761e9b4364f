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
	$(BIN)/evwatch render $(if $(CORPUS),--corpus $(CORPUS)) $(if $(DATE),--date $(DATE)) $(if $(FOCUS),--focus $(FOCUS)) $(if $(FORCE),--force)

test: setup
	$(BIN)/ruff check src tests benchmarks tools
	$(BIN)/ruff format --check src tests benchmarks tools
	$(BIN)/python -m pytest --nbval --nbval-sanitize-with tests/nbval_sanitize.cfg tests notebooks

# Re-execute the committed notebooks in place (refresh nbval's reference outputs after a deliberate change).
notebooks: setup
	$(BIN)/python -m helpers.notebooks

# JupyterLab on notebooks/ (00-start-here open), the project's kernel registered in .venv. The server's root is
# the project folder so notebook links to ../seeds/metadata.csv and ../README.md work (as on Binder) and
# data/raw/ is reachable for uploads; kernels run in notebooks/. Loopback only. No display (SSH, container):
# no browser; open the printed http://127.0.0.1:PORT/... URL (through `ssh -L PORT:127.0.0.1:PORT host` when
# remote). As root (containers) it adds --allow-root. Options: make lab LAB_PORT=8890 LAB_ARGS='...'.
LAB_PORT ?= 8888
lab: setup
	$(BIN)/python -m ipykernel install --sys-prefix --name ev-alliance-watch --display-name "Python (ev-alliance-watch)"
	@browser=; if [ "$$(uname -s)" != Darwin ] && [ -z "$${DISPLAY:-}$${WAYLAND_DISPLAY:-}" ]; then \
	  browser=--no-browser; echo "No display found: open the http://127.0.0.1:... URL printed below in a browser."; fi; \
	if [ "$$(id -u)" = 0 ]; then browser="$$browser --allow-root"; fi; \
	PATH="$(CURDIR)/$(BIN):$$PATH" exec $(BIN)/jupyter lab --ServerApp.root_dir=. --ServerApp.ip=127.0.0.1 \
	  --ServerApp.port=$(LAB_PORT) --LabApp.default_url=/lab/tree/notebooks/00-start-here.ipynb $$browser $(LAB_ARGS)

bench: setup
	$(BIN)/python -m pip install -q -e '.[dev,bench]'
	$(BIN)/evwatch bench

lint: setup
	$(BIN)/ruff check src tests benchmarks tools

format: setup
	$(BIN)/ruff format src tests benchmarks tools
	$(BIN)/ruff check --fix src tests benchmarks tools
