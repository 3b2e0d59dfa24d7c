# Threelines: `make demo` runs the app with the seed data, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
DEMO_ENV := DJANGO_DEBUG=true THREELINES_ALLOW_DEMO_ACCOUNTS=true
# Debian packages: the app needs pango for WeasyPrint (PDF reports) and a Japanese font to
# embed; the tests also need chromium for the browser tests.
APP_PACKAGES := libpango-1.0-0 libpangoft2-1.0-0 fonts-ipaexfont
TEST_PACKAGES := $(APP_PACKAGES) chromium

.PHONY: setup system-deps demo test test-unit test-live lint check

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# Reinstall only when the dependencies change.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

# Installs the Debian packages when run as root and one is missing; otherwise says what
# to install. `make system-deps PACKAGES="..."` picks the list (default: the tests').
PACKAGES ?= $(TEST_PACKAGES)
system-deps:
	@missing=$$(for p in $(PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "installing $$missing"; \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	else \
		echo "missing Debian packages: $$missing (run: sudo apt-get install $$missing)"; exit 1; \
	fi

demo: setup
	$(MAKE) system-deps PACKAGES="$(APP_PACKAGES)"
	mkdir -p var
	$(DEMO_ENV) $(BIN)/python manage.py migrate --noinput
	$(DEMO_ENV) $(BIN)/python manage.py load_seed --demo
	# The web server, a Celery worker and beat side by side (honcho; Ctrl-C stops all).
	PATH="$(CURDIR)/$(BIN):$$PATH" $(DEMO_ENV) $(BIN)/honcho -f Procfile.demo start

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Model checks need no real database.
CHECK_ENV := DJANGO_SETTINGS_MODULE=config.test_settings DATABASE_URL=sqlite://:memory:
# The layering contract (pyproject.toml: apps in layers, no cycle inside an app).
check: setup
	$(BIN)/lint-imports
	$(CHECK_ENV) $(BIN)/python manage.py check
	$(CHECK_ENV) $(BIN)/python manage.py makemigrations --check --dry-run

test-unit: setup system-deps
	$(BIN)/python -m pytest --ignore=tests/live

# A session of its own: browser and worker tests commit data and empty the database after each test.
test-live: setup system-deps
	$(BIN)/python -m pytest tests/live

# DATABASE_URL=postgres://... runs the suite on PostgreSQL (as CI does); SQLite otherwise.
test: lint check test-unit test-live
