# Two commands: `make run` serves the demo site, `make test` runs the whole suite.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
MANAGE := $(BIN)/python manage.py

.PHONY: run test test-fast lint format bench bench-archive bench-faults install demo clean chromium

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.lock pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $@

install: $(VENV)/.installed

demo: install
	$(MANAGE) migrate --noinput
	$(MANAGE) load_demo
	$(MANAGE) load_demo_comments

# A git-ignored .env (DEBUG on, a generated secret key) lets manage.py work in any shell.
.env:
	$(PYTHON) -m config.envfile .env

run: export DJANGO_DEBUG ?= 1
run: .env demo
	@$(MANAGE) load_demo --base-url http://127.0.0.1:$(PORT)
	@echo "Serving on http://127.0.0.1:$(PORT)/ with the task worker beside it (stop both with Ctrl-C)"
	@echo ""
	@echo "Next steps:"
	@echo "  1. In another terminal, create your account:  $(MANAGE) createsuperuser"
	@echo "  2. Sign in at http://127.0.0.1:$(PORT)/admin/ and set your full name (it is your byline)"
	@echo "  3. Write your first review under Blog > Posts > Add post; the demo's About page is yours to edit"
	@echo ""
	@$(MANAGE) run_tasks --no-reload --verbosity 0 & worker=$$!; \
		trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; \
		$(MANAGE) runserver 127.0.0.1:$(PORT)

# The seed review under load: gunicorn on 127.0.0.1 with a throwaway SQLite database, 8 and 200
# comments, load from wrk (installed when missing; a Python client stands in if that fails).
# DEBUG only for the command that drives the run; the measured server runs with DEBUG off.
bench: install
	@command -v wrk >/dev/null || { echo "== installing wrk (apt-get)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q wrk; } \
		|| echo "!! wrk could not be installed: the built-in Python client will load the server"; }
	@command -v nginx >/dev/null || test -x /usr/sbin/nginx || { echo "== installing nginx (apt-get)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nginx-light; } \
		|| echo "!! nginx could not be installed: the figures through nginx are left out"; }
	DJANGO_DEBUG=1 $(MANAGE) bench

# Archive, search, feeds and sitemap with 2000 generated posts (rolled back afterwards).
bench-archive: demo
	DJANGO_DEBUG=1 $(MANAGE) bench_archive --posts 2000

# Commenters and readers while Redis (and PostgreSQL, with DATABASE_URL=postgres://…) hangs for
# ten seconds and comes back: comments lost (must be 0), 5xx, p50/p99, time back to normal.
bench-faults: install
	DJANGO_DEBUG=1 $(MANAGE) bench_faults

test: install chromium
	$(BIN)/pytest

# The browser tests drive Debian's chromium; install it when missing and fail loudly if we cannot.
CHROMIUM ?= /usr/bin/chromium
chromium:
	@if [ ! -x "$(CHROMIUM)" ]; then \
		echo "== installing chromium for the browser tests (apt-get)"; \
		{ apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium chromium-driver; } \
		|| { echo "!! chromium could not be installed: the browser tests cannot run" >&2; exit 1; }; \
	fi
	@test -x "$(CHROMIUM)" || { echo "!! $(CHROMIUM) is missing: the browser tests cannot run" >&2; exit 1; }

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DJANGO_DEBUG=1 $(MANAGE) makemigrations --check --dry-run

format: install
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
