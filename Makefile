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

.PHONY: install run test lint bench db-up clean help

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

test: install db-up
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff format --check .
	$(BIN)/ruff check .
	$(BIN)/mypy

bench: install
	@for script in bench/[!_]*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
