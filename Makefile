# Zhuli — the two commands a newcomer needs are `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.zhuli-installed
HOST ?= 127.0.0.1
PORT ?= 8000
# The CPU build of torch lies in /opt/wheels on the project's machines; an unpinned torch would
# pull a multi-GB CUDA build, so torch is installed first and pinned.
TORCH ?= torch==2.13.0
FIND_LINKS := $(if $(wildcard /opt/wheels),--find-links /opt/wheels,)
PG_CLUSTER = $(shell ls /etc/postgresql 2>/dev/null | head -n1)
# The console's browser tests drive Debian's Chromium; without a CJK font every Chinese glyph is a box.
BROWSER_PACKAGES := chromium fonts-wqy-microhei
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)

.PHONY: install run test lint bench db-up browser vendor clean help

help:
	@echo "make run    — install, migrate, load demo data on first start, serve http://$(HOST):$(PORT)/"
	@echo "make test   — install and run the whole suite on SQLite and PostgreSQL"
	@echo "make lint   — ruff + mypy"
	@echo "make bench  — print latency, throughput and memory figures"

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet $(FIND_LINKS) "$(TORCH)"
	$(BIN)/python -m pip install --quiet $(FIND_LINKS) -e '.[dev]'
	@touch $@

install: $(STAMP)

run: install
	$(BIN)/zhuli serve --host $(HOST) --port $(PORT)

db-up:
	@if command -v pg_isready >/dev/null && ! pg_isready -h 127.0.0.1 -p 5432 -q; then \
		echo "PostgreSQL is down; starting cluster $(PG_CLUSTER)"; \
		pg_ctlcluster --skip-systemctl-redirect $(PG_CLUSTER) main start; \
		for i in $$(seq 1 30); do pg_isready -h 127.0.0.1 -p 5432 -q && break; sleep 1; done; \
	fi

# Quiet when both are there; otherwise a non-interactive apt install (idempotent).
browser:
	@if ! dpkg-query -W -f='$${Status}\n' $(BROWSER_PACKAGES) 2>/dev/null | grep -c "ok installed" | grep -qx $(words $(BROWSER_PACKAGES)); then \
		echo "Installing $(BROWSER_PACKAGES) (apt) for the console's browser tests"; \
		$(SUDO) apt-get update -qq && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq \
			--no-install-recommends $(BROWSER_PACKAGES) >/dev/null; \
	fi

# Refresh the front-end assets in api/static/vendor/ from npm (versions pinned in its manifest.json).
vendor:
	$(PYTHON) tools/vendor_assets.py

test: install db-up browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
