# The two commands a newcomer to the project needs: `make run` and `make test`.
# Each creates .venv and installs the project into it when pyproject.toml changed.

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
PORT ?= 5000
# Browser tests drive Debian's Chromium; a test tool's own browser download is never used.
CHROMIUM ?= $(shell command -v chromium || echo /usr/bin/chromium)
NOTO := /usr/share/fonts/truetype/noto/NotoSansEthiopic-Regular.ttf
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: run test lint bench bench-web bench-matching bench-export screenshots clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]' --config-settings editable_mode=compat
	touch $(STAMP)

web/translations/%/LC_MESSAGES/messages.mo: web/translations/%/LC_MESSAGES/messages.po $(STAMP)
	$(BIN)/pybabel compile -d web/translations -l $* >/dev/null

CATALOGS := $(patsubst %.po,%.mo,$(wildcard web/translations/*/LC_MESSAGES/messages.po))

$(CHROMIUM) $(NOTO):
	@echo "Installing Debian's chromium and fonts-noto-core (Arabic and Ge'ez script) for the browser tests"
	$(SUDO) apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium fonts-noto-core >/dev/null

# Local use: SQLite in instance/, mail to instance/outbox, a secret kept in instance/.
run: $(STAMP) $(CATALOGS)
	KOMPIS_DEVELOPMENT=1 $(BIN)/kompis db upgrade
	KOMPIS_DEVELOPMENT=1 $(BIN)/kompis seed-demo --if-empty
	KOMPIS_DEVELOPMENT=1 PORT=$(PORT) $(BIN)/kompis serve

# The static checks and the whole suite on SQLite. With TEST_DATABASE_URL set, the browser
# tests run once, on that PostgreSQL (the database a browser meets in production), and
# every other database test runs there again.
DURATIONS = --durations=12
test: lint $(CATALOGS) $(CHROMIUM) $(NOTO)
	@if [ -n "$$TEST_DATABASE_URL" ]; then \
		CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest -m "not browser" $(DURATIONS) && \
		echo "== database and browser tests on $$TEST_DATABASE_URL" && \
		CHROMIUM=$(CHROMIUM) KOMPIS_TEST_DATABASE_URL="$$TEST_DATABASE_URL" \
			$(BIN)/python -m pytest -m "db or browser" $(DURATIONS); \
	else \
		CHROMIUM=$(CHROMIUM) $(BIN)/python -m pytest $(DURATIONS); \
	fi

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/mypy
	$(BIN)/bandit --quiet --recursive matcher models web --severity-level medium

bench: $(STAMP)
	$(BIN)/python -m matcher.bench

# The coordinator's lists with 40,000 people per side, on the local PostgreSQL.
bench-web: $(STAMP) $(CATALOGS)
	$(BIN)/python -m web.bench

# Matching runs on the local PostgreSQL: database against matcher at 10,000 per side,
# `kompis match` on a national pool of 100,000 per side, and the proposals page.
bench-matching: $(STAMP) $(CATALOGS)
	$(BIN)/python -m web.bench_matching

# A person's own download (/me/data.json) with years of history, on the local PostgreSQL.
bench-export: $(STAMP) $(CATALOGS)
	$(BIN)/python -m web.bench_export

screenshots: $(STAMP) $(CATALOGS) $(CHROMIUM) $(NOTO)
	CHROMIUM=$(CHROMIUM) $(BIN)/python docs/screenshots.py

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis .mypy_cache .ruff_cache
