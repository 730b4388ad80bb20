# Two commands for a newcomer: `make run` and `make test`. Everything else is their plumbing.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
FLASK := $(BIN)/flask --app wsgi
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1/test
CHROMIUM ?= /usr/bin/chromium

.PHONY: run test test-postgres lint format venv clean browser lighthouse

$(STAMP): setup.cfg pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

venv: $(STAMP)

# development mode: cookies without the Secure flag, so the demo works over plain http; the job
# worker (email, webhooks, reminders) runs in the background and stops with gunicorn
run: export AUDITOR_ENV ?= development
run: $(STAMP)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Serving on http://127.0.0.1:5000 with a job worker beside it (Ctrl-C stops both)"
	@$(FLASK) worker & worker=$$!; \
	trap 'kill -INT $$worker 2>/dev/null; wait $$worker' EXIT; \
	trap 'exit 130' INT TERM; \
	$(BIN)/gunicorn --workers 2 --worker-class gthread --threads 4 --timeout 30 --keep-alive 5 \
		--bind 127.0.0.1:5000 --access-logfile - wsgi:app

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# The browser tests drive Debian's chromium (never a downloaded build): install the package when
# it is missing and we may (root, or password-less sudo, with apt). Otherwise say so: the browser
# tests then fail with the same message; they never skip.
browser:
	@if [ -x "$(CHROMIUM)" ]; then :; \
	elif command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	elif command -v apt-get >/dev/null && sudo -n true 2>/dev/null; then \
	  echo "installing chromium (Debian package) for the browser tests"; \
	  sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else \
	  echo "chromium is missing at $(CHROMIUM) and cannot be installed here:" \
	       "install the Debian package chromium (the browser tests will fail without it)"; \
	fi

test: lint browser
	$(BIN)/pytest --cov --cov-report=term

# the same suite on PostgreSQL (CI runs it after `make test`)
test-postgres: $(STAMP) browser
	TEST_DATABASE_URL=$(PG_URL) $(BIN)/pytest --cov --cov-report=term

# Lighthouse (npm, run with npx) on the auditor pages in mobile mode; needs Node.js
lighthouse: $(STAMP) browser
	bench/lighthouse.sh

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .coverage htmlcov
