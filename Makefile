# forsyn: `make demo` and `make test` are the two set-up commands (see README.md).
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
VENDOR := src/forsyn/static/vendor

.PHONY: demo test install assets serve lint clean

$(BIN)/forsyn: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $(BIN)/forsyn

install: $(BIN)/forsyn

$(VENDOR)/.stamp: package.json package-lock.json
	SCARF_ANALYTICS=false npm ci --no-audit --no-fund --loglevel=error
	rm -rf $(VENDOR) && mkdir -p $(VENDOR)/dkfds $(VENDOR)/htmx
	cp -r node_modules/dkfds/dist/css node_modules/dkfds/dist/fonts node_modules/dkfds/dist/img node_modules/dkfds/dist/js $(VENDOR)/dkfds/
	cp node_modules/htmx.org/dist/htmx.min.js $(VENDOR)/htmx/
	mkdir -p $(VENDOR)/swagger-ui  # the API docs page, served locally (no CDN, issue #8 §3)
	cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css node_modules/swagger-ui-dist/LICENSE $(VENDOR)/swagger-ui/
	touch $@

assets: $(VENDOR)/.stamp

var/demo-loaded: | install assets
	mkdir -p var
	$(BIN)/forsyn migrate --verbosity 0
	$(BIN)/forsyn loaddemo --scale small
	touch $@

# The demo runs with DEBUG off: visitors see the Danish error pages, never Django's technical ones.
demo: install assets var/demo-loaded
	$(BIN)/forsyn demo-logins
	@echo ""
	@echo "forsyn runs at http://127.0.0.1:8000/ (staff log-in: a username above)."
	@echo "Citizens: http://127.0.0.1:8000/borger/ -> 'Log ind med MitID' -> the local test IdP lists demo CPR numbers."
	@echo "Ctrl-C stops it."
	FORSYN_TEST_IDP=1 $(BIN)/forsyn runserver 127.0.0.1:8000

# The whole suite; with DATABASE_URL=postgres://... it runs on PostgreSQL.
test: install assets
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/mypy tests/builders.py tests/test_tabular.py
	$(BIN)/lint-imports
	$(BIN)/forsyn makemigrations --check --dry-run

clean:
	rm -rf $(VENV) var node_modules $(VENDOR)
