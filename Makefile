# The two commands a newcomer needs are `make run` and `make test`; the rest serve developers.
.DEFAULT_GOAL := help
SHELL := /bin/bash

# The newest Python 3.12+ that actually starts (pyenv shims exist for versions that are not active).
PYTHON ?= $(shell for p in python3.14 python3.13 python3.12 \
	$$(ls -d $$HOME/.pyenv/versions/3.1[2-9]*/bin/python3 2>/dev/null | sort -rV) python3; do \
	$$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1 && { echo $$p; break; }; done)
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
STAMP := $(VENV)/.installed

.PHONY: help setup run test test-postgres test-browser lint format migrations-check messages bench clean

help:
	@echo "make run    set up, migrate, load the demo data, serve http://127.0.0.1:8000 with a task worker"
	@echo "make test   set up and run the whole suite (SQLite; browser tests when Chromium is present)"
	@echo "make lint | format | migrations-check | messages | bench | clean"

$(STAMP): pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12 or newer is needed (python3.13 or python3.12 on PATH)."; exit 1; }
	@echo "Using $(PYTHON) ($$($(PYTHON) --version))"
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)
	@mkdir -p var

run: setup
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	@echo "Serving on http://127.0.0.1:8000 with a task worker and the nightly scheduler beside it (Ctrl-C stops all three)."
	@export TASKS_BACKEND=database; \
	$(MANAGE) db_worker & worker=$$!; \
	$(MANAGE) crontask --no-heartbeat & scheduler=$$!; \
	trap 'kill $$worker $$scheduler 2>/dev/null' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:8000

test: setup
	$(PY) -m pytest -n 2 $(PYTEST_ARGS)

# Used by .ci/run; DATABASE_URL must point at a PostgreSQL server. The browser tests run here
# too, beside the rest; the demo's spread of dates runs in `make test` only (its date logic is in
# Python, not SQL: docs/decisions.md, "Tests and CI").
test-postgres: setup
	$(PY) -m pytest -n 2 -m "not dates" $(PYTEST_ARGS)

test-browser: setup
	WORKFORCE_REQUIRE_BROWSER=1 $(PY) -m pytest -m browser $(PYTEST_ARGS)

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: setup
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrations-check: setup
	$(MANAGE) makemigrations --check --dry-run

# Refresh the catalogues after changing strings; translate, then commit the .po and .mo files.
messages: setup
	$(MANAGE) makemessages -l zh_Hans -l fr --no-obsolete --ignore=.venv --ignore=var --ignore=tests --ignore=benchmarks --ignore=staticfiles
	$(MANAGE) compilemessages --ignore=.venv

bench: setup
	@for b in benchmarks/*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

clean:
	rm -rf $(VENV) var staticfiles
