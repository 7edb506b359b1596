# Golive: `make run` for the demo, `make test` for the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test check lint format install install-test migrate seed worker clean lock

# A stamp, not .venv/bin/python: a half-made venv (no python3-venv) must not count as made.
$(VENV)/.created:
	@$(PYTHON) -m venv $(VENV) || { rm -rf $(VENV); \
		echo "Could not create .venv: install Python 3.11 with venv (apt-get install python3-venv)"; \
		exit 1; }
	$(BIN)/pip install --quiet --upgrade pip
	touch $@

$(VENV)/.base-installed: requirements/base.lock | $(VENV)/.created
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	touch $@

$(VENV)/.test-installed: requirements/test.lock | $(VENV)/.created
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-test: $(VENV)/.test-installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Web server, a Celery worker and its beat scheduler side by side, in one process group:
# Ctrl+C, or any of them dying, stops all three (scripts/run_worker.sh). With no REDIS_URL the
# worker uses kombu's filesystem transport under var/, so nothing else needs installing.
run: seed
	@echo "Golive is starting on http://$(HOST):$(PORT)/ (Ctrl+C stops web, worker and beat)"
	@CELERY=$(BIN)/celery LOGLEVEL=WARNING scripts/run_worker.sh \
		$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

worker: install
	CELERY=$(BIN)/celery LOGLEVEL=INFO scripts/run_worker.sh

# Tests keep their own var/ (SQLite files, queued messages) apart from the demo's.
test: export GOLIVE_VAR_DIR ?= $(CURDIR)/var/test
test: install-test
	rm -rf "$(GOLIVE_VAR_DIR)"
	$(BIN)/python -m coverage run -m pytest $(PYTEST_ARGS)
	$(BIN)/python -m coverage report --skip-covered --sort=cover

check: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy .
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/djlint templates --lint

format: install-test
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Re-pin dependencies after editing pyproject.toml.
lock:
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --generate-hashes --python-version 3.11 -o requirements/base.lock
	$(BIN)/uv pip compile pyproject.toml --extra test --generate-hashes --python-version 3.11 -o requirements/test.lock

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache .coverage htmlcov
