# One command per task. `make run` and `make test` work on a fresh machine with Python 3.11.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
INSTALLED := $(VENV)/.installed
PORT ?= 8501
# This machine only. Another address needs sign-in configured (the app refuses open access elsewhere) and a reverse
# proxy for TLS: docs/security.md.
ADDRESS ?= 127.0.0.1

.PHONY: run test test-fast lint demo clean bench sentiment-model

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $(INSTALLED)

run: $(INSTALLED)  ## start the app; builds the demo company on first run
	$(PY) cli.py demo --if-empty
	$(PY) -m streamlit run app.py --server.address $(ADDRESS) --server.port $(PORT) --browser.gatherUsageStats false

# Both cores, one test file per worker (tests in a file share module fixtures): 1,393 tests in 7 min on this idle
# 2-core machine (2 Dec 2026, clean clone); --durations names the slowest tests every run.
test: $(INSTALLED)  ## the whole test suite
	$(PY) -m pytest -n 2 --dist loadfile --durations=15

# The inner loop: unit, integration on DuckDB and AppTest pages; no PostgreSQL, no browser, no `slow` tests.
# Measured 1 Dec 2026 on this 2-core machine, idle, two workers: 1,049 tests in 4 min 8 s (demo file rebuilt; 798
# tests took 1 min 10 s before the workshop and trust tests); the company scorer's training tests are `slow`.
test-fast: $(INSTALLED)  ## unit + DuckDB integration + AppTest pages on both cores: ~4 min
	$(PY) -m pytest -n 2 -m "not postgres and not browser and not slow"

lint: $(INSTALLED)  ## ruff on everything; mypy on analytics/, data_access/ and reports/ (settings in pyproject.toml)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: $(INSTALLED)  ## benchmark at scale 1m: bench/results/latest.md (see bench/README.md)
	$(PY) -m bench.run

sentiment-model: $(INSTALLED)  ## refit bands and retrain the general scorer into analytics/models/ (about a minute)
	$(PY) cli.py sentiment build

demo: $(INSTALLED)  ## rebuild the demo company into the database (upsert)
	$(PY) cli.py demo

clean:
	rm -rf data $(VENV)
