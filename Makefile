# Fabrique — two commands on a fresh machine:
#   make run    install everything and start the app (SQLite, one process, no Redis)
#   make test   install everything and run the whole test suite
# Everything else here is what those two need, plus a few conveniences.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := wsgi

VENDOR := static/vendor
PO     := $(wildcard facilitation/translations/*/LC_MESSAGES/messages.po)
MO     := $(PO:.po=.mo)

.PHONY: run test setup install assets translations migrate services lint bench chaos account extract clean

run: setup migrate
	@$(BIN)/flask ensure-admin
	@echo "Fabrique is starting on http://$(HOST):$(PORT)/  (facilitators sign in at http://$(HOST):$(PORT)/login)"
	BIND=$(HOST):$(PORT) $(BIN)/gunicorn --config gunicorn.conf.py wsgi:app

# The suite in three runs: everything but the fault injection on SQLite, in parallel
# (one worker more than the cores: the browser tests wait on Chromium and their server,
# and a third worker on two cores took 366-371 s where two took 415-430 s; a file's
# tests stay on one worker); the fault injection without the other runs, because its
# resync times are a promise that a busy machine would blur (three scenarios at a
# time: each mostly waits on its fault); then the database-level tests again on
# PostgreSQL.
WORKERS ?= $(shell echo $$(( $$(nproc) + 1 )))
test: setup services
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest -n $(WORKERS) --dist loadfile -m "not chaos"
	$(BIN)/pytest -m chaos -n 3
	$(BIN)/pytest -n $(WORKERS) --database=postgresql -m "not browser and not processes"

setup: install assets translations

install: $(VENV)/.installed
$(VENV)/.installed: pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || { echo "Python 3.11 or newer is needed"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c requirements.lock -e '.[test,dev]'
	touch $@

assets: $(VENDOR)/.installed
$(VENDOR)/.installed: package.json package-lock.json
	npm ci --ignore-scripts --no-audit --no-fund
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/socket.io
	cp node_modules/socket.io-client/dist/socket.io.esm.min.js* $(VENDOR)/socket.io/
	mkdir -p $(VENDOR)/sortablejs $(VENDOR)/axe-core
	cp node_modules/sortablejs/modular/sortable.esm.js node_modules/sortablejs/LICENSE $(VENDOR)/sortablejs/
	cp node_modules/axe-core/axe.min.js node_modules/axe-core/LICENSE $(VENDOR)/axe-core/
	mkdir -p $(VENDOR)/hyphen/patterns
	cp node_modules/hyphen/hyphen.js node_modules/hyphen/LICENSE $(VENDOR)/hyphen/
	cp node_modules/hyphen/patterns/fr.js node_modules/hyphen/patterns/en-us.js $(VENDOR)/hyphen/patterns/
	mkdir -p $(VENDOR)/swagger-ui
	cp node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/swagger-ui-bundle.js \
		node_modules/swagger-ui-dist/swagger-ui-standalone-preset.js \
		node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	touch $@

translations: $(MO)
%.mo: %.po | install
	$(BIN)/pybabel compile -i $< -o $@

migrate: install
	$(BIN)/flask db upgrade

services:
	.ci/services

lint: install
	$(BIN)/ruff check . && $(BIN)/ruff format --check . && $(BIN)/mypy

bench: setup services
	$(BIN)/python -m benchmarks.run

# The fault-injection suite alone, with its figures printed (make test runs it too).
chaos: setup services
	$(BIN)/pytest tests/chaos -s -q

account: setup migrate
	$(BIN)/flask create-account

extract: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -o facilitation/translations/messages.pot .
	$(BIN)/pybabel update --no-fuzzy-matching -i facilitation/translations/messages.pot -d facilitation/translations

clean:
	rm -rf $(VENV) node_modules $(VENDOR) .pytest_cache
