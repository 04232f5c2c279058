# Vodokabinet — developer commands. `make run` and `make test` are the two set-up commands.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
FLASK := $(BIN)/flask --app wsgi
PORT ?= 5000

.PHONY: run test install lint fmt translations lock docs worker

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall only when the dependencies change.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml requirements.lock
	$(BIN)/pip install --quiet -c requirements.lock -e '.[test,dev]'
	touch $@

install: $(VENV)/.installed
	$(BIN)/pybabel compile --statistics -d app/translations >/dev/null
	@# Bytecode ahead of time: with PYTHONDONTWRITEBYTECODE set, every `flask` command would
	@# compile the app's modules anew.
	$(BIN)/python -m compileall -q app config wsgi.py >/dev/null

# The embedded default: SQLite under instance/, jobs in-process, demo data for every tenant.
run: install
	$(FLASK) db upgrade
	$(FLASK) tenants load tenants/
	$(FLASK) demo seed --port $(PORT)
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite: SQLite without services; PostgreSQL and Redis when DATABASE_URL/REDIS_URL are set.
test: install
	$(BIN)/pytest

lint: install
	$(BIN)/ruff check app config tests wsgi.py
	$(BIN)/ruff format --check app config tests wsgi.py

fmt: install
	$(BIN)/ruff check --fix app config tests wsgi.py
	$(BIN)/ruff format app config tests wsgi.py

# After changing user-facing text: extract, merge into the catalogues, then translate the new entries.
translations: install
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext --no-location --sort-output \
		--project Vodokabinet -o app/translations/messages.pot app
	$(BIN)/pybabel update --no-fuzzy-matching --width 100 -i app/translations/messages.pot -d app/translations
	$(BIN)/pybabel compile -d app/translations

docs: install
	$(FLASK) tenants schema > docs/tenant-config.md

# Refresh the pinned versions after changing setup.cfg.
lock: $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test,dev]'
	$(BIN)/pip freeze --exclude-editable > requirements.lock
