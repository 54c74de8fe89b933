# Storytime analytics. `make demo` runs the main job on the embedded database;
# `make test` runs every check. Both create .venv first (make setup).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CLI := $(BIN)/storytime-analytics
# Exports the libpq variables of the database in use (embedded unless PG*/STORYTIME_DATABASE_URL set).
DB_ENV = eval "$$($(CLI) db env)"

.PHONY: setup demo test lint pytest bench clean-db help verify-demo test-airflow semantic chromium test-spark

help:
	@echo "make setup   create .venv with pinned dependencies"
	@echo "make demo    generate 30 days of events, backfill them, print a summary"
	@echo "make test    lint (sqlfluff, ruff) and run every test on the embedded database"
	@echo "make bench   the daily run against the floor on ~8 M events, then cron over a week of ~5 M a day"

setup: $(VENV)/.installed profiles.yml

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

profiles.yml: profiles.yml.example
	cp profiles.yml.example profiles.yml

demo: setup
	$(CLI) demo

test: setup lint semantic pytest

# dbt-bouncer checks the project against the dbt-project-evaluator's rules (dbt-bouncer.yml,
# every waiver with its reason) on the manifest of a fresh `dbt parse` (no catalog needed).
lint: setup
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	$(DB_ENV) && $(BIN)/sqlfluff lint models
	$(DB_ENV) && DBT_TARGET_PATH=target $(BIN)/dbt parse --quiet \
		&& $(BIN)/dbt-bouncer run --config-file dbt-bouncer.yml

# The semantic layer (models/semantic): dbt parse writes target/semantic_manifest.json,
# where mf reads it whatever DBT_TARGET_PATH says (a stale one is removed first, so a
# failed parse fails here), then MetricFlow's checks. Its warehouse checks need built
# marts: tests/test_semantic_layer.py runs them on a scenario warehouse.
semantic: setup
	rm -f target/semantic_manifest.json
	$(DB_ENV) && DBT_TARGET_PATH=target $(BIN)/dbt parse --quiet \
		&& $(BIN)/mf validate-configs --skip-dw

# Two worker processes (pytest-xdist), each with its own template database and dbt target
# folder (tests/conftest.py), on the server started first. Tests are spread one by one and
# an idle worker takes the other's queued tests (worksteal): by file, one worker ran the
# long property and cron files alone for 13 minutes after the other had finished. The 25
# slowest tests are listed at the end.
PYTEST_WORKERS ?= 2
pytest: setup chromium
	$(DB_ENV) && $(BIN)/pytest -n $(PYTEST_WORKERS) --dist worksteal --durations=25

# After `make demo`: every row of the four tables equals the Python oracle of SPEC.md.
verify-demo: setup
	STORYTIME_VERIFY_DEMO=1 $(BIN)/pytest tests/test_demo_matches_oracle.py -q

# Generates a ~8 M event dataset once (database storytime_bench) and a week of ~5 M events a
# day (storytime_bench_steady_220000), then measures the benchmark day and the steady state.
bench: setup
	$(CLI) bench

# The Airflow DAG, run for real by `airflow dags test` (tests/airflow). Airflow lives in
# its own .venv-airflow so its dependency set never fights the project's (dbt) one.
test-airflow: setup .venv-airflow/.installed
	$(BIN)/pytest tests/airflow -q

.venv-airflow/.installed:
	$(PYTHON) -m venv .venv-airflow
	.venv-airflow/bin/pip install --quiet "apache-airflow==3.3.*"
	touch $@

# The same models on Apache Spark (dbt-spark, in-process session), compared row by row with
# PostgreSQL (tests/spark). pyspark + JVM live in their own .venv-spark.
test-spark: setup .venv-spark/.installed
	.venv-spark/bin/pytest tests/spark -q

.venv-spark/.installed: pyproject.toml
	$(PYTHON) -m venv .venv-spark
	.venv-spark/bin/pip install --quiet --upgrade pip
	.venv-spark/bin/pip install --quiet -e '.[spark]'
	touch $@

clean-db:
	-$(CLI) db stop
	rm -rf .storytime

# Headless Chromium renders the HTML dashboard in tests/test_dashboard.py (Debian package;
# installed only when missing, so `make test` on a clean CI machine gets it).
chromium:
	@test -x /usr/bin/chromium || \
		(apt-get update -qq && apt-get install -y -qq --no-install-recommends chromium)
