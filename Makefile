# One task runner for people and CI. `make demo` sets everything up and prints the Russia–Korea
# profile; `make test` runs the suite (what .ci/run runs).
VENV    ?= .venv
PY      := $(VENV)/bin/python
BILAT   := $(VENV)/bin/bilat
BUNDLE  ?= $(abspath ../shared/data)
STORE   ?= $(abspath var/demo-store)
export BILAT_BUNDLE ?= $(BUNDLE)

.PHONY: install system test lint format demo bench clean

install: $(VENV)/.installed system

$(VENV)/.installed: pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[dev]'
	touch $@

# System packages (Debian): Chromium for the browser tests of the HTML report and pages.
system:
	@bash scripts/setup-system.sh

lint: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/ruff format --check src tests benchmarks

format: install
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

test: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/pytest -q

demo: install
	$(BILAT) data bundle $(BUNDLE) --store $(STORE)
	$(BILAT) data list --store $(STORE)
	$(BILAT) report RUS KOR --year 2016 --store $(STORE)

bench: install
	$(PY) benchmarks/run_all.py

clean:
	rm -rf var .pytest_cache .ruff_cache
