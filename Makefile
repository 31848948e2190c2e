# One task runner for people and CI. `make demo` sets everything up and prints the Russia–Korea
# profile; `make test` runs the suite (what .ci/run runs).
VENV    ?= .venv
PY      := $(VENV)/bin/python
BILAT   := $(VENV)/bin/bilat
BUNDLE  ?= $(abspath ../shared/data)
STORE   ?= $(abspath var/demo-store)
export BILAT_BUNDLE ?= $(BUNDLE)

.PHONY: install system test lint format demo bench bench-ingest bench-report \
	bench-opportunities bench-ge bench-claims bench-serve clean

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
	$(VENV)/bin/lint-imports
	$(VENV)/bin/ruff format --check src tests benchmarks

format: install
	$(VENV)/bin/ruff check --fix src tests benchmarks
	$(VENV)/bin/ruff format src tests benchmarks

# Spark's tests run in a pytest process of their own: launching the JVM forks the Python
# process, which is only safe before the other suites have started their thread pools.
test: install
	$(VENV)/bin/ruff check src tests benchmarks
	$(VENV)/bin/lint-imports
	$(VENV)/bin/pytest -q -m "not spark"
	$(VENV)/bin/pytest -q -m spark

demo: install
	$(BILAT) data bundle $(BUNDLE) --store $(STORE)
	$(BILAT) data list --store $(STORE)
	$(BILAT) report RUS KOR --from 1996 --to 2016 --target 30e9 --target-year 2020 --base-year 2016 \
		--store $(STORE)

# Benchmarks write their data under BENCH_DIR (never the repo); see benchmarks/README.md.
BENCH_DIR ?= /tmp/bilat-bench
BENCH_ROWS ?= 50e6

bench: bench-ingest bench-report bench-opportunities bench-ge bench-claims bench-serve

bench-ingest: install
	mkdir -p $(BENCH_DIR)
	test -f $(BENCH_DIR)/BACI_HS92_Y2019_V202201.csv || \
		$(PY) benchmarks/gen_baci.py $(BENCH_DIR)/BACI_HS92_Y2019_V202201.csv --rows 10000000
	$(PY) benchmarks/bench_ingest.py $(BENCH_DIR)/BACI_HS92_Y2019_V202201.csv

# rebuilt when the store's layout (writer, schema) or the generator changes
$(BENCH_DIR)/synthetic/store/manifest.json: src/bilat/store/writer.py src/bilat/schema.py \
		benchmarks/gen_store.py
	rm -rf $(BENCH_DIR)/synthetic
	$(PY) benchmarks/gen_store.py $(BENCH_DIR)/synthetic --rows $(BENCH_ROWS)

bench-report: install $(BENCH_DIR)/synthetic/store/manifest.json
	$(BILAT) data index --store $(BENCH_DIR)/synthetic/store
	$(PY) benchmarks/bench_report.py $(BENCH_DIR)/synthetic/store

bench-opportunities: install $(BENCH_DIR)/synthetic/store/manifest.json
	$(BILAT) data index --store $(BENCH_DIR)/synthetic/store
	$(PY) benchmarks/bench_opportunities.py $(BENCH_DIR)/synthetic/store --level hs6

bench-ge: install
	$(VENV)/bin/pip install -q -e '.[bench]'
	$(PY) benchmarks/bench_ge.py

bench-claims: install
	$(PY) benchmarks/bench_claims.py
	$(PY) benchmarks/bench_claims_real.py
	$(PY) benchmarks/bench_claims_speed.py

bench-serve: install
	$(PY) benchmarks/bench_serve.py

clean:
	rm -rf var .pytest_cache .ruff_cache
