# Kyodo Office portal. `make run` serves the demo; `make test` runs every test against PostgreSQL.
.DEFAULT_GOAL := help
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed
APPS := core accounts maillog groups facilities events news newsletter bulletin reports pages

.PHONY: help run test test-deps lint format install db migrate messages compilemessages seed bench bench-held backup restore

help: ## Show the commands
	@grep -E '^[a-z-]+:.*##' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-16s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the portal with its development tools

db: install ## Make sure PostgreSQL answers and the database exists
	$(PY) -m kyodo_office.database

compilemessages: install ## Compile the Japanese translations
	@$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules -v 0

messages: install ## Update the Japanese .po catalogues (each app keeps its own in <app>/locale/)
	$(PY) manage.py makemessages -l ja --no-obsolete --ignore=.venv --ignore=node_modules --ignore=tests --ignore=bench

migrate: db compilemessages ## Apply database migrations
	$(PY) manage.py migrate --no-input -v 0
	$(PY) manage.py createcachetable

seed: migrate ## Load demo data (idempotent)
	$(PY) manage.py seed_demo

run: seed ## Install, prepare the database, load demo data and serve on http://127.0.0.1:8000
	@echo "Serving the portal on http://127.0.0.1:8000 (Ctrl-C to stop)"
	$(PY) manage.py runserver 127.0.0.1:8000

worker: migrate ## Run the background worker (newsletter sending) until Ctrl-C
	$(PY) manage.py procrastinate worker

test: db compilemessages test-deps ## Run the whole test suite against PostgreSQL (CLOCK=closure: the whole run at one fixed clock)
	$(PY) -m pytest $(if $(CLOCK),--clock=$(CLOCK))

test-deps: ## Install Chromium, CJK fonts, Java and the vnu HTML checker when missing (as root)
	@bash tools/install_test_deps.sh

bench: db compilemessages ## Load benchmark: seed kyodo_bench (scale 10), gunicorn + wrk, table and JSON in bench/results/
	@bash tools/install_test_deps.sh wrk
	$(PY) -m bench.run

bench-held: db compilemessages ## Held load: 50 signed-in members on mixed pages for 10 minutes (3 workers × 4 threads), JSON in bench/results/
	@bash tools/install_test_deps.sh wrk
	$(PY) -m bench.held

backup: install ## Dump the database and archive the uploads into backups/
	$(PY) tools/backup.py backup

restore: install ## Restore a backup into an empty database: make restore BACKUP=backups/kyodo-<time>
	@test -n "$(BACKUP)" || { echo "Say which: make restore BACKUP=backups/kyodo-<time> (one of:)"; ls backups/*.dump 2>/dev/null | sed 's/\.dump$$//'; exit 2; }
	$(PY) tools/backup.py restore "$(BACKUP)"

lint: install ## ruff check and format check, then the import contracts (lint-imports)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports --no-cache

format: install ## Fix what ruff can fix and format the code
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .
