# Escales — every command a developer or an operator needs.
# `make run` and `make test` work on a fresh machine with Python 3.11, make and git.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt | cksum | cut -d' ' -f1)
FLASK  := PYTHONPATH=. $(BIN)/flask --app lms
HOST   ?= 127.0.0.1
PORT   ?= 5000
WORKERS ?= 2
PYTEST := PYTHONPATH=. $(BIN)/pytest -c tests/pytest.ini --rootdir .
CATALOGUES := $(patsubst %.po,%.mo,$(wildcard lms/translations/*/LC_MESSAGES/messages.po))
AXE    := tests/browser/node_modules/axe-core/axe.min.js

.PHONY: install run test serve lint format translations extract-messages bench audit clean

install: $(STAMP) $(CATALOGUES) $(AXE) ## create or update .venv from requirements.txt

$(STAMP): requirements.txt
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

# axe-core (npm) for the accessibility tests; without npm those tests are skipped locally
# (CI installs npm and then requires them).
$(AXE): tests/browser/package.json tests/browser/package-lock.json
	@if command -v npm >/dev/null 2>&1; then \
		npm ci --prefix tests/browser --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the accessibility tests will be skipped (apt-get install npm)"; fi

%.mo: %.po $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -i $< -o $@ --statistics

translations: $(CATALOGUES) ## compile the interface translations

extract-messages: install ## refresh the translation catalogues from the code and templates
	$(BIN)/pybabel extract -F lms/babel.cfg -k _l -k N_ -o lms/translations/messages.pot .
	$(BIN)/pybabel update -i lms/translations/messages.pot -d lms/translations --no-fuzzy-matching

run: install ## migrate, load the course, create demo data, serve on http://$(HOST):$(PORT)
	$(FLASK) db upgrade
	$(FLASK) content load
	$(FLASK) demo
	$(FLASK) run --host $(HOST) --port $(PORT)

serve: install ## production server: gunicorn with the production configuration
	ESCALES_ENV=production PYTHONPATH=. $(BIN)/gunicorn --workers $(WORKERS) \
		--bind $(HOST):$(PORT) --access-logfile - 'lms:create_app()'

test: install ## the whole test suite (SQLite; TEST_DATABASE_URL=postgresql://... for PostgreSQL)
	$(PYTEST) $(PYTEST_ARGS)

lint: install ## ruff (check and format) and mypy
	$(BIN)/ruff check --config .ci/ruff.toml lms tests config.py bench
	$(BIN)/ruff format --check --config .ci/ruff.toml lms tests config.py bench
	$(BIN)/mypy --config-file .ci/mypy.ini lms config.py

format: install ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix --config .ci/ruff.toml lms tests config.py bench
	$(BIN)/ruff format --config .ci/ruff.toml lms tests config.py bench

bench: install ## benchmarks (not part of the test suite)
	PYTHONPATH=. $(BIN)/python -m bench

audit: install ## known vulnerabilities in the pinned requirements (needs PyPI's JSON API)
	$(BIN)/pip-audit --requirement requirements.txt --no-deps --disable-pip --progress-spinner off

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache
