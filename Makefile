# Insatskatalogen: `make run` sets up and serves; `make test` runs the whole suite.
# Every step is idempotent: run again, it skips what is already done.
PYTHON ?= python3.11
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
REPORT ?= fixtures/tabellbilaga-regionalt-utvecklingsarbete-2023.txt
HOST ?= 127.0.0.1
PORT ?= 8000
WEB_CONCURRENCY ?= 3
PYTEST_ARGS ?=
BENCH_ARGS ?=

.PHONY: run setup data index serve editor test check lint format bench clean

$(PY):
	$(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip setuptools

# Runtime dependencies for `make run`; the test tools on top of them for `make test`.
$(BIN)/.installed-run: requirements.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

$(BIN)/.installed-dev: requirements.txt requirements-dev.txt | $(PY)
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $(BIN)/.installed-run $@

setup: $(BIN)/.installed-run
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0

# Import the bundled report unless this very file is already imported (the import rebuilds the
# search index).
data: setup
	$(PY) manage.py import_report $(REPORT) --if-changed

# The same entry point as the Docker image: builds the index if it is missing, then gunicorn.
serve: $(BIN)/.installed-run
	PATH="$(abspath $(BIN)):$$PATH" BIND=$(HOST):$(PORT) WEB_CONCURRENCY=$(WEB_CONCURRENCY) \
		docker/entrypoint.sh web

# An account for the admin (/admin/): asks for a user name, an e-mail address and a password.
# The first account is a superuser; give further editors the group "Redaktör" in the admin.
editor: setup
	$(PY) manage.py createsuperuser

run: data
	@echo "Insatskatalogen: http://$(HOST):$(PORT)/"
	$(MAKE) --no-print-directory serve

test: $(BIN)/.installed-dev
	$(BIN)/pytest $(PYTEST_ARGS)

check: $(BIN)/.installed-dev
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run

lint: $(BIN)/.installed-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(BIN)/.installed-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Benchmarks (about 40 minutes, not part of the tests): see README.md, "Benchmarks".
# Datasette 0.65 gets a venv of its own; wrk comes from Debian (apt-get install wrk).
bench/.venv-datasette/bin/datasette:
	$(PYTHON) -m venv bench/.venv-datasette || python3 -m venv bench/.venv-datasette
	bench/.venv-datasette/bin/pip install --quiet 'datasette==0.65.*'

bench: $(BIN)/.installed-dev bench/.venv-datasette/bin/datasette
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf var .pytest_cache
