# 议事厅 — `make run` serves the app, `make test` runs every test.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
FLASK := $(VENV)/bin/flask --app app
HOST ?= 127.0.0.1
PORT ?= 5000

.PHONY: run test check lint bench bench-city setup db translations i18n clean

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

setup: $(VENV)/.installed node_modules/.installed

# axe-core and vnu.jar for the page checks; --ignore-scripts: vnu-jar's postinstall would fetch
# a JDK from GitHub when java is missing (.ci/run installs Debian's JRE instead).
node_modules/.installed: package.json package-lock.json
	npm ci --ignore-scripts --silent --no-audit --no-fund
	touch $@

translations: $(VENV)/.installed
	$(VENV)/bin/pybabel compile -d community/translations --statistics >/dev/null

# Re-extract the messages after changing user-facing text; then fill in the English .po.
i18n: $(VENV)/.installed
	$(VENV)/bin/pybabel extract -F babel.cfg -k _l -o /tmp/yst-messages.pot . >/dev/null
	$(VENV)/bin/pybabel update -i /tmp/yst-messages.pot -d community/translations --no-fuzzy-matching --ignore-obsolete

db: $(VENV)/.installed translations
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty

run: db
	$(FLASK) run --host $(HOST) --port $(PORT)

test: setup translations
	$(PY) -m pytest -rfEs --cov --cov-report=term $(PYTEST_ARGS)

# The fast loop while working: unit and HTTP tests on SQLite, no browser, Java or PostgreSQL,
# stopping at the first failure. `make test` (what CI runs) is the whole suite.
check: $(VENV)/.installed translations
	$(VENV)/bin/ruff check .
	$(PY) -m pytest -q -x -m "not browser and not vnu and not slow" $(PYTEST_ARGS)

lint: $(VENV)/.installed
	$(VENV)/bin/ruff check .

# The fast run (≤ 10 min): one summary table, every table in bench/results/latest.md.
# Options: make bench BENCH_ARGS="--db sqlite" (see README, 性能 Benchmarks, and --help).
bench: setup
	$(PY) bench/run.py $(BENCH_ARGS)

# The scale runs, 10,000 beside 100,000 and 1,000,000 residents (an hour or more):
# bench/results/city.md. Options: make bench-city BENCH_ARGS="--db sqlite --large 100000".
bench-city: setup
	$(PY) bench/city.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) node_modules
