# Golive: `make run` for the demo, `make test` for the suite. Both set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
HOST ?= 127.0.0.1
PORT ?= 8000
PYTEST_ARGS ?=

.PHONY: run test check lint format install install-test migrate seed worker clean lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.base-installed: requirements/base.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/base.lock
	touch $@

$(VENV)/.test-installed: requirements/test.lock | $(BIN)/python
	$(BIN)/pip install --quiet --require-hashes -r requirements/test.lock
	touch $@ $(VENV)/.base-installed

install: $(VENV)/.base-installed
install-test: $(VENV)/.test-installed

migrate: install
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

# Web server and a Celery worker (with its beat schedule) side by side. With no REDIS_URL the
# worker uses kombu's filesystem transport under var/, so nothing else needs installing.
run: seed
	@echo "Golive is starting on http://$(HOST):$(PORT)/ (Ctrl+C stops web and worker)"
	@trap 'kill 0' INT TERM EXIT; \
	$(BIN)/celery -A golive worker --beat --pool solo --concurrency 1 \
		--without-mingle --without-gossip --loglevel WARNING \
		--schedule var/celery/beat-schedule & \
	$(BIN)/python manage.py runserver --noreload $(HOST):$(PORT)

worker: install
	$(BIN)/celery -A golive worker --beat --pool solo --loglevel INFO --schedule var/celery/beat-schedule

test: install-test
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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
