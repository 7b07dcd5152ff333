# The two set-up commands of the README: `make demo` and `make test`.
VENV ?= .venv
PYTHON ?= python3
PY := $(VENV)/bin/python
PG_URL ?= postgresql+psycopg://postgres@127.0.0.1:5432/test
PYTEST_ARGS ?= -n 2 -q

.PHONY: demo test install install-test system-packages services test-sqlite test-postgres lint translations vendor bench bench-io bench-load

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip

install: $(PY)
	$(PY) -m pip install -q -e .

install-test: $(PY)
	$(PY) -m pip install -q -e '.[test]'

demo: install
	$(VENV)/bin/kht demo

system-packages:
	bash scripts/install_system_packages.sh

services:
	bash scripts/start_services.sh

test-sqlite: install-test
	$(PY) -m pytest $(PYTEST_ARGS)

test-postgres: install-test services
	KHT_TEST_DATABASE_URL=$(PG_URL) $(PY) -m pytest $(PYTEST_ARGS)

test: system-packages install-test services
	$(PY) -m ruff check .
	PY=$(PY) PG_URL=$(PG_URL) PYTEST_ARGS="$(PYTEST_ARGS)" bash scripts/test_both_databases.sh

lint: install-test
	$(PY) -m ruff check .

translations: install-test
	$(PY) scripts/update_translations.py

vendor:
	$(PYTHON) scripts/vendor_frontend.py

bench: install-test services
	$(PY) -m bench --db both

bench-io: install-test services
	$(PY) -m bench io --n 100000 --rows 100000 --db both

bench-load: install-test services
	$(PY) -m bench load --seconds 20 --workers 1 2
