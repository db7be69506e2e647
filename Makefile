# Guanxi: `make run` installs and starts everything; `make test` installs and runs every test.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
export GUANXI_DATA_DIR ?= $(CURDIR)/var

.PHONY: run test install install-dev assets lint typecheck test-sqlite test-postgres test-e2e messages clean

run: install assets
	$(BIN)/guanxi init
	$(BIN)/guanxi serve

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

install: $(BIN)/python
	$(BIN)/pip install --quiet -e .

install-dev: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[dev]'

assets: node_modules/.package-lock.json
	node scripts/copy-assets.mjs

node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund

lint: install-dev
	$(BIN)/ruff check src tests scripts bench
	$(BIN)/ruff format --check src tests scripts bench

typecheck: install-dev
	$(BIN)/mypy src

# SQLite, then PostgreSQL (GUANXI_TEST_DATABASE_URL, default: the local server), then the browser.
test: install-dev assets lint typecheck test-sqlite test-postgres test-e2e

test-sqlite:
	GUANXI_DATABASE_URL= $(BIN)/pytest -m "not e2e" -q

test-postgres:
	GUANXI_DATABASE_URL=$${GUANXI_TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/guanxi} \
		$(BIN)/pytest -m "not e2e" -q

test-e2e:
	GUANXI_DATABASE_URL= $(BIN)/pytest -m e2e -q

messages: install-dev
	cd src/guanxi && ../../$(BIN)/django-admin makemessages -l zh_Hans --no-obsolete --settings guanxi.settings
	cd src/guanxi && ../../$(BIN)/django-admin compilemessages -l zh_Hans --settings guanxi.settings

clean:
	rm -rf $(VENV) node_modules src/guanxi/static/vendor .pytest_cache .mypy_cache .ruff_cache
