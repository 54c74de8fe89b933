"""The Airflow DAG scripts/airflow/storytime_daily_dag.py, run for real by
`airflow dags test` from .venv-airflow (`make test-airflow` creates it) against a private
database on the embedded PostgreSQL. Skipped when that Airflow is not installed."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import textwrap
from pathlib import Path

import pytest

from ..scenarios.catalog import SCENARIOS, mismatches

REPO = Path(__file__).resolve().parents[2]
AIRFLOW_BIN = REPO / ".venv-airflow" / "bin"
DAG_FILE = REPO / "scripts" / "airflow" / "storytime_daily_dag.py"
DAG_ID = "storytime_daily"
DATABASE_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "STORYTIME_DATABASE_URL")

pytestmark = pytest.mark.skipif(
    not (AIRFLOW_BIN / "airflow").exists(),
    reason="Airflow is not installed in .venv-airflow (run `make test-airflow`)",
)


def airflow_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of an airflow command: a private AIRFLOW_HOME (sqlite), this
    repository's DAG folder, no database of the caller's, quick retries."""
    env = {k: v for k, v in os.environ.items() if k not in DATABASE_VARS}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__DAGS_FOLDER=str(DAG_FILE.parent),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        PYTHONDONTWRITEBYTECODE="1",
        STORYTIME_DAG_RETRY_DELAY_SECONDS="1",
    )
    env.update(extra)
    return env


def airflow(home: Path, *args: str, **extra: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(AIRFLOW_BIN / "airflow"), *args],
        env=airflow_env(home, **extra),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def migrated_home(tmp_path_factory) -> Path:
    """An AIRFLOW_HOME whose sqlite metadata database is migrated (once per module)."""
    home = tmp_path_factory.mktemp("airflow_home")
    result = airflow(home, "db", "migrate")
    assert result.returncode == 0, result.stdout + result.stderr
    return home


@pytest.fixture
def airflow_home(migrated_home, tmp_path) -> Path:
    """A home per test with a copy of the migrated database: runs of different tests
    never mix. (Only the database is copied: the airflow.cfg written there names the
    first home's paths; a new one is written here.)"""
    home = tmp_path / "airflow_home"
    home.mkdir()
    shutil.copy(migrated_home / "airflow.db", home / "airflow.db")
    return home


def dags_test(home: Path, logical_date: str, **extra: str) -> subprocess.CompletedProcess:
    return airflow(home, "dags", "test", DAG_ID, logical_date, **extra)


def task_instances(home: Path) -> list[tuple[str, int]]:
    """(state, try_number) of every task instance of the DAG."""
    with sqlite3.connect(home / "airflow.db") as conn:
        return conn.execute(
            "select state, try_number from task_instance where dag_id = ?", (DAG_ID,)
        ).fetchall()


def output(result: subprocess.CompletedProcess) -> str:
    return f"--- exit {result.returncode}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"


def test_daily_run_processes_the_day_before_its_logical_date(warehouse, airflow_home):
    scenario = SCENARIOS["full_watch_with_pause"]  # events on 2026-02-10
    warehouse.load(scenario.inputs)

    result = dags_test(airflow_home, "2026-02-11", **warehouse.target.env())

    assert result.returncode == 0, output(result)
    assert task_instances(airflow_home) == [("success", 1)]
    # The runner's own output is in the task log.
    assert "daily --date 2026-02-10" in result.stdout + result.stderr, output(result)
    # (the first run on an empty warehouse processes its own date whole, nothing earlier)
    assert "processed 2026-02-10:" in result.stdout + result.stderr, output(result)
    actual = {"daily_book_metrics": warehouse.rows("daily_book_metrics")}
    expected = {"daily_book_metrics": scenario.expected["daily_book_metrics"]}
    assert mismatches(actual, expected) == []


def test_unreachable_database_is_retried(airflow_home, tmp_path):
    # A database the runner cannot reach is an infrastructure failure (exit 3): the task
    # is retried (retries lowered to 1 here) and then fails.
    result = dags_test(
        airflow_home,
        "2026-02-11",
        PGHOST=str(tmp_path / "no-such-socket-dir"),
        PGDATABASE="storytime_nowhere",
        STORYTIME_DAG_RETRIES="1",
    )

    assert result.returncode != 0, output(result)
    assert task_instances(airflow_home) == [("failed", 2)]
    assert "cannot connect to the database" in result.stdout + result.stderr, output(result)


@pytest.mark.parametrize(
    ("exit_code", "tries"),
    [(3, 2), (1, 1)],
    ids=["infrastructure-retried", "data-test-not-retried"],
)
def test_exit_codes_through_a_real_run(airflow_home, tmp_path, exit_code, tries):
    """A stand-in runner (STORYTIME_CLI) exiting with a given code, retries lowered to 1:
    exit 3 is tried twice, exit 1 once."""
    calls = tmp_path / "calls"
    fake = tmp_path / "fake-storytime-analytics"
    fake.write_text(
        textwrap.dedent(
            f"""\
            #!/bin/sh
            echo "$@" >> {calls}
            echo "storytime-analytics: error: simulated failure {exit_code}" >&2
            exit {exit_code}
            """
        )
    )
    fake.chmod(0o755)

    result = dags_test(
        airflow_home, "2026-03-02", STORYTIME_CLI=str(fake), STORYTIME_DAG_RETRIES="1"
    )

    assert result.returncode != 0, output(result)
    assert task_instances(airflow_home) == [("failed", tries)]
    assert calls.read_text().splitlines() == ["daily --date 2026-03-01"] * tries
    assert f"simulated failure {exit_code}" in result.stdout + result.stderr, output(result)


def test_exit_code_mapping_and_date_of_the_dag_module():
    """The DAG module's own functions, imported in the Airflow environment."""
    script = textwrap.dedent(
        f"""\
        import datetime as dt, importlib.util, json
        from airflow.sdk.exceptions import AirflowException, AirflowFailException
        spec = importlib.util.spec_from_file_location("storytime_daily_dag", {str(DAG_FILE)!r})
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        out = {{}}
        for code in (0, 1, 2, 3, 4, -9):
            try:
                mod.raise_for_exit_code(code, dt.date(2026, 2, 10), ["x", "...: error: boom"])
                out[code] = "ok"
            except AirflowFailException as exc:
                out[code] = "fail: " + str(exc)
            except AirflowException as exc:
                out[code] = "retry: " + str(exc)
        utc = dt.timezone.utc
        out["dates"] = [
            str(mod.date_to_process(dt.datetime(2026, 2, 11, 2, 0, tzinfo=utc))),
            str(mod.date_to_process(dt.datetime(2026, 3, 1, 0, 0, tzinfo=utc))),
            str(mod.date_to_process(
                dt.datetime(2026, 2, 11, 21, 0, tzinfo=dt.timezone(dt.timedelta(hours=-5)))
            )),
        ]
        dag = mod.storytime_daily()
        tt = dag.timetable
        out["dag"] = [dag.dag_id, type(tt).__name__, tt.expression, str(tt.timezone),
                      dag.catchup, dag.max_active_runs, [t.retries for t in dag.tasks]]
        print(json.dumps(out))
        """
    )
    result = subprocess.run(
        [str(AIRFLOW_BIN / "python"), "-c", script],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "STORYTIME_DAG_RETRIES": "3"},
    )
    assert result.returncode == 0, output(result)
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert out["0"] == "ok"
    assert out["1"].startswith("fail: ") and "data test" in out["1"] and "boom" in out["1"]
    assert out["2"].startswith("fail: ") and "bad input" in out["2"]
    assert out["3"].startswith("retry: ") and "infrastructure" in out["3"]
    assert out["4"].startswith("retry: ") and out["-9"].startswith("retry: ")
    # 02:00 UTC on Feb 11 processes Feb 10; midnight of Mar 1 processes Feb 28; a
    # non-UTC moment is read in UTC (21:00 -05:00 on Feb 11 is 02:00 UTC on Feb 12).
    assert out["dates"] == ["2026-02-10", "2026-02-28", "2026-02-11"]
    assert out["dag"] == [DAG_ID, "CronTriggerTimetable", "0 2 * * *", "UTC", True, 1, [3]]
