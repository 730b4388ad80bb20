# Two commands for a newcomer: `make run` and `make test`. Everything else is their plumbing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1/test

.PHONY: run test test-postgres lint format venv clean

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# development mode: cookies without the Secure flag, so the demo works over plain http
run: export AUDITOR_ENV ?= development
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Serving on http://127.0.0.1:5000 (Ctrl-C stops)"
	$(BIN)/gunicorn --workers 2 --bind 127.0.0.1:5000 --access-logfile - wsgi:app

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: lint
	$(BIN)/pytest --cov --cov-report=term

# the same suite on PostgreSQL (CI runs it after `make test`)
test-postgres: $(STAMP)
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest --cov --cov-report=term

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
