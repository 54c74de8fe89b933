"""Airflow DAG `storytime_daily`: the daily Storytime analytics run, at 02:00 UTC.

One task runs `storytime-analytics daily --date D` as a subprocess and maps its exit code
(storytime_analytics/errors.py) to Airflow:

- 0: success;
- 3 (infrastructure: statement timeout, a model failed to build, the lock still held by
  another run): AirflowException, retried `retries` times after `retry_delay`;
- 1 (a data test failed) and 2 (bad input or configuration): AirflowFailException, failed
  at once: a retry would give the same answer, a person has to look;
- anything else (killed by a signal, ...): AirflowException, retried.

A database the runner cannot reach is an infrastructure failure (3, retried); an
unexpected internal error of the runner exits 4 and is retried too.

The runner's stdout and stderr are streamed line by line into the task log.

Why one task calling the runner rather than astronomer-cosmos (one Airflow task per dbt
model): the daily job is a single `dbt build` that takes seconds once dbt has started,
and dbt's start-up (parsing the project, connecting) is a large part of that. Cosmos would
split the models into a task each, every task paying that start-up again, plus the
scheduling gap between tasks. More importantly the runner owns what happens around dbt:
it takes the advisory lock so a daily run never interleaves with a backfill or a manual
rerun, it adds the late-data dates (rows received since the last successful run) to the
dates it processes, and it records every run with its watermark in the run log. A
per-model DAG would bypass all three. Per-model retries buy little here: the models are
rebuilt for a date in one transaction-sized step and a rerun is idempotent.

Configuration (environment of the Airflow workers / DAG processor):

- STORYTIME_PROJECT_DIR: the project checkout (default: two folders above this file,
  i.e. this repository when the DAG is used from scripts/airflow);
- STORYTIME_CLI: the runner (default <project>/.venv/bin/storytime-analytics);
- STORYTIME_START_DATE: first logical date of the schedule, YYYY-MM-DD (default
  2026-01-01). With catchup every missed 02:00 since then becomes a run, one at a time.
  On a first deployment set it to the deployment day and build the history before it
  with `storytime-analytics backfill` (10 dates per dbt start instead of one);
- STORYTIME_DAG_RETRIES, STORYTIME_DAG_RETRY_DELAY_SECONDS: retries of infrastructure
  failures (default 3, 600 s); the tests lower them;
- the database: PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE or
  STORYTIME_DATABASE_URL, passed through to the runner unchanged (README.md).

These are read from the environment, not from Airflow Variables: a Variable read at the
top level of a DAG file is a metadata-database round trip at every parse of the file.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
from collections import deque
from pathlib import Path

from airflow.sdk import CronTriggerTimetable, dag, get_current_context, task
from airflow.sdk.exceptions import AirflowException, AirflowFailException

# Airflow imports DAG files under a mangled module name: log under a readable one.
log = logging.getLogger("storytime_daily")

_HERE = Path(__file__).resolve()
PROJECT_DIR = Path(
    os.environ.get("STORYTIME_PROJECT_DIR")
    or (_HERE.parents[2] if len(_HERE.parents) > 2 else _HERE.parent)
).resolve()
CLI = os.environ.get("STORYTIME_CLI") or str(PROJECT_DIR / ".venv" / "bin" / "storytime-analytics")
START_DATE = dt.datetime.fromisoformat(
    os.environ.get("STORYTIME_START_DATE") or "2026-01-01"
).replace(tzinfo=dt.timezone.utc)
RETRIES = int(os.environ.get("STORYTIME_DAG_RETRIES", "3"))
RETRY_DELAY = dt.timedelta(seconds=int(os.environ.get("STORYTIME_DAG_RETRY_DELAY_SECONDS", "600")))

# The runner's exit codes (storytime_analytics/errors.py).
EXIT_OK, EXIT_DATA_TEST, EXIT_BAD_INPUT, EXIT_INFRASTRUCTURE = 0, 1, 2, 3
# How much of the runner's output the exception message quotes.
TAIL_LINES = 20
# Time given to the runner to stop after SIGTERM (the task was killed or timed out).
TERMINATE_GRACE_SECONDS = 30


def date_to_process(moment: dt.datetime) -> dt.date:
    """The UTC calendar day a run processes: the day before its logical date.

    The schedule is a CronTriggerTimetable (pinned below rather than left to the
    `[scheduler] create_cron_data_intervals` setting), so a run's logical date, its
    `data_interval_start` and `data_interval_end` are all the moment it is for: 02:00 UTC
    of day X, and `ds` is X. Day X has barely begun then; the last complete day is X-1,
    which is what the run processes (the runner also recomputes X-2, whose next-morning
    events arrived late, and any older date touched by late rows). So the run of
    2026-02-11 02:00 processes 2026-02-10, and with catchup each missed run processes its
    own day, in order. (Under the Airflow 2 style CronDataIntervalTimetable the logical
    date would be the *start* of the interval, X-1 02:00, and the day before it would be
    one day too early: hence the pinned timetable.)
    """
    return moment.astimezone(dt.timezone.utc).date() - dt.timedelta(days=1)


def command(day: dt.date) -> list[str]:
    return [CLI, "daily", "--date", day.isoformat()]


def raise_for_exit_code(code: int, day: dt.date, tail: list[str] | None = None) -> None:
    """Map the runner's exit code to Airflow: nothing for 0, AirflowFailException (no
    retry) for 1 and 2, AirflowException (retried) for 3 and anything unexpected."""
    if code == EXIT_OK:
        return
    errors = [line for line in tail or [] if "error:" in line]
    detail = (errors or tail or ["(no output)"])[-1].strip()
    where = f"storytime-analytics daily --date {day} exited with {code}"
    if code == EXIT_DATA_TEST:
        raise AirflowFailException(f"{where}: a data test failed, not retried: {detail}")
    if code == EXIT_BAD_INPUT:
        raise AirflowFailException(f"{where}: bad input or configuration, not retried: {detail}")
    if code == EXIT_INFRASTRUCTURE:
        raise AirflowException(f"{where}: infrastructure failure, will be retried: {detail}")
    raise AirflowException(f"{where} (unexpected exit code), will be retried: {detail}")


def run_runner(day: dt.date) -> None:
    """Run the daily job for `day`, streaming its output into the task log."""
    argv = command(day)
    if not Path(argv[0]).is_file():
        raise AirflowFailException(
            f"the storytime-analytics runner is not at {argv[0]} "
            "(set STORYTIME_CLI or STORYTIME_PROJECT_DIR)"
        )
    log.info("running %s (in %s)", " ".join(argv), PROJECT_DIR)
    tail: deque[str] = deque(maxlen=TAIL_LINES)
    proc = subprocess.Popen(
        argv,
        cwd=PROJECT_DIR,
        # Unbuffered, so lines reach the log as they are printed; no colour codes.
        env={"DBT_USE_COLORS": "false", **os.environ, "PYTHONUNBUFFERED": "1"},
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        bufsize=1,
    )
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            # The backfill progress bar redraws with \r: log its last state only.
            text = line.rstrip("\n").rsplit("\r", 1)[-1]
            tail.append(text)
            log.info("%s", text)
        code = proc.wait()
    finally:
        # Reached with the runner still going only when the task itself is stopped (a
        # timeout, a kill): stop the runner too, so it releases its lock.
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=TERMINATE_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
    log.info("storytime-analytics exited with %s", code)
    raise_for_exit_code(code, day, list(tail))


@dag(
    dag_id="storytime_daily",
    schedule=CronTriggerTimetable("0 2 * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=True,  # a paused or down period is backfilled, one run per missed day
    max_active_runs=1,  # runs also serialise on the runner's lock; keep them in date order
    default_args={
        "retries": RETRIES,
        "retry_delay": RETRY_DELAY,
        # The daily run takes minutes; an hour means something is stuck.
        "execution_timeout": dt.timedelta(hours=1),
    },
    tags=["storytime", "dbt"],
    doc_md=__doc__,
)
def storytime_daily():
    @task(task_id="storytime_analytics_daily")
    def daily() -> str:
        context = get_current_context()
        # A run without a logical date (a manual trigger that gives none) is for the
        # moment it was triggered.
        moment = context.get("data_interval_start") or context["dag_run"].run_after
        day = date_to_process(moment)
        run_runner(day)
        return day.isoformat()

    daily()


storytime_daily()
