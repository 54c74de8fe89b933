"""Operating the daily job: late rows, overlapping runs, statement timeouts, partitions."""

from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from storytime_analytics import PROJECT_DIR, generate, pipeline, runlog
from storytime_analytics.errors import InfrastructureFailure

from .support import Warehouse

FIRST = dt.date(2026, 2, 9)
DAYS = 4
LAST = FIRST + dt.timedelta(days=DAYS - 1)


@pytest.fixture
def generated(server):
    wh = Warehouse(server)
    with wh.target.connect() as conn:
        generate.generate(conn, "public", FIRST, DAYS, children=40, books=10, seed=3)
    yield wh
    wh.drop()


def run_log(wh: Warehouse) -> list[dict]:
    with wh.target.connect() as conn:
        if (
            conn.execute("select to_regclass(%s)", (f"{runlog.ops_schema()}.run_log",)).fetchone()[
                0
            ]
            is None
        ):
            return []
    return wh.rows("run_log", schema=runlog.ops_schema(), where="order by run_id")


def test_late_rows_are_picked_up_by_the_next_daily_run(generated):
    wh = generated
    pipeline.backfill(wh.target, FIRST, LAST)
    pipeline.daily(wh.target, LAST)  # sets the watermark
    before = wh.rows("daily_book_metrics", where=f"where metric_date = '{FIRST}'")

    # A tablet uploads, days later, a whole play of FIRST (received now).
    wh.execute(
        """insert into public.usage_events (id, child_profile_id, book_id, event_type,
                                            position_seconds, occurred_at, created_at)
           select 800000000 + n, (select min(id) from public.child_profiles),
                  (select min(id) from public.books),
                  case when n = 0 then 'play_start' else 'heartbeat' end,
                  45 * n, %s::timestamptz + n * interval '45 seconds',
                  (select max(created_at) from public.usage_events) + interval '1 hour'
           from generate_series(0, 4) as n""",
        (dt.datetime.combine(FIRST, dt.time(12), dt.timezone.utc),),
    )
    run = pipeline.daily(wh.target, LAST)
    assert run.dates == [LAST]  # FIRST is reprocessed by play, not whole
    assert run.details["touched_date_span"] == f"{FIRST}..{FIRST}"
    assert run.details["touched_rows_received"] == 5
    after = wh.rows("daily_book_metrics", where=f"where metric_date = '{FIRST}'")
    assert (
        sum(r["total_play_starts"] for r in after)
        == sum(r["total_play_starts"] for r in before) + 1
    )
    log = run_log(wh)
    assert [r["outcome"] for r in log] == ["success"] * 3
    assert log[-1]["watermark"] > log[-2]["watermark"]
    assert log[-1]["details"]["touched_pairs"] == 1


def test_a_daily_run_processes_its_date_and_the_nights_it_missed(generated):
    wh = generated
    assert pipeline.daily(wh.target, LAST - dt.timedelta(days=2)).dates == [
        LAST - dt.timedelta(days=2)
    ]
    run = pipeline.daily(wh.target, LAST)  # the night before did not run
    assert run.dates == [LAST - dt.timedelta(days=1), LAST]
    assert pipeline.daily(wh.target, LAST).dates == [LAST]  # a rerun: its date again


def test_every_job_of_the_runner_reuses_dbt_s_parse(generated):
    """dbt parses the whole project again (~5 s) whenever its --vars change, and then
    rewrites target/partial_parse.msgpack. The runner's jobs pass their dates and settings
    (the daily job's partitions and statement timeout, a backfill's longer one) as run
    env, so once parsed, a daily run after a backfill, a backfill after it and a dated
    build reuse the parse: the file is not written again."""
    wh = generated
    saved = (
        Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_DIR / "target") / "partial_parse.msgpack"
    )
    pipeline.backfill(wh.target, FIRST, FIRST)
    parsed = saved.stat().st_mtime_ns
    pipeline.daily(wh.target, FIRST + dt.timedelta(days=1))
    pipeline.backfill(wh.target, FIRST, FIRST, timeout_seconds=120)
    pipeline.daily(wh.target, FIRST + dt.timedelta(days=2), timeout_seconds=45)
    wh.build(FIRST)
    assert saved.stat().st_mtime_ns == parsed


def test_overlapping_runs_do_not_interleave(generated):
    wh = generated
    pipeline.backfill(wh.target, FIRST, LAST)
    expected = wh.published()
    errors: list[Exception] = []

    def backfill():
        try:
            pipeline.backfill(wh.target, FIRST, LAST)
        except Exception as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=backfill) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert wh.published() == expected
    assert [r["command"] for r in run_log(wh)] == ["backfill"] * 3


def test_a_run_gives_up_when_the_lock_stays_taken(generated):
    wh = generated
    with pipeline.exclusive_run(wh.target, 0), pytest.raises(InfrastructureFailure) as info:
        pipeline.backfill(wh.target, FIRST, FIRST, lock_wait=1)
    assert "holds the lock" in str(info.value)
    [row] = run_log(wh)  # the run that gave up is in the run log too
    assert (row["command"], row["outcome"]) == ("backfill", "InfrastructureFailure")
    assert "holds the lock" in row["message"] and row["finished_at"] is not None


def test_a_killed_run_is_marked_interrupted_by_the_next_one(generated):
    """SIGKILL leaves the run's row 'running'; the next run (or `runs`) marks it
    interrupted, since its database backend is gone."""
    wh = generated
    env = {**os.environ, "STORYTIME_DATABASE_URL": wh.target.conninfo}
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"):
        env.pop(name, None)
    command = [sys.executable, "-m", "storytime_analytics.cli"]
    killed = subprocess.Popen(
        [*command, "backfill", "--start", str(FIRST), "--end", str(LAST)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while not [r for r in run_log(wh) if r["outcome"] == "running"]:
        assert time.monotonic() < deadline and killed.poll() is None
        time.sleep(0.2)
    killed.send_signal(signal.SIGKILL)
    killed.wait()
    time.sleep(1)  # the server notices the closed connection
    listed = subprocess.run([*command, "runs"], env=env, capture_output=True, text=True)
    assert listed.returncode == 0, listed.stderr
    assert "interrupted" in listed.stdout
    [row] = run_log(wh)
    assert row["outcome"] == "interrupted" and "killed" in row["message"]
    pipeline.daily(wh.target, LAST)  # and the next run goes ahead
    assert [r["outcome"] for r in run_log(wh)] == ["interrupted", "success"]


def test_a_statement_timeout_names_the_model_and_dates(generated):
    wh = generated
    with pytest.raises(InfrastructureFailure) as info:
        pipeline.backfill(wh.target, FIRST, LAST, timeout_seconds=0.001)
    message = str(info.value)
    assert "statement timeout" in message
    assert f"{FIRST}..{LAST}" in message
    assert [r["outcome"] for r in run_log(wh)] == ["InfrastructureFailure"]


def test_daily_run_keeps_partitions_three_months_ahead(warehouse):
    pipeline.daily(warehouse.target, dt.date(2026, 2, 10))
    today = dt.datetime.now(dt.timezone.utc).date().replace(day=1)
    months = [today]
    for _ in range(3):
        months.append((months[-1] + dt.timedelta(days=32)).replace(day=1))
    with warehouse.target.connect() as conn:
        names = {r[0] for r in conn.execute("select relname from pg_class where relkind = 'r'")}
    for month in months:
        assert f"usage_events_y{month:%Y}m{month:%m}" in names


def test_creating_a_partition_moves_rows_out_of_the_default_one(warehouse):
    warehouse.execute(
        """insert into public.usage_events (id, child_profile_id, book_id, event_type, occurred_at)
           values (1, 1, 1, 'play_start', '2031-05-04 10:00+00')"""
    )
    from storytime_analytics import dbt_invoke

    dbt_invoke.invoke(
        warehouse.target,
        [
            "run-operation",
            "create_event_partitions",
            "--args",
            "{start_month: '2031-05', end_month: '2031-05'}",
        ],
        quiet=True,
    )
    with warehouse.target.connect() as conn:
        assert conn.execute("select count(*) from public.usage_events_y2031m05").fetchone()[0] == 1
        assert conn.execute("select count(*) from public.usage_events_default").fetchone()[0] == 0
        assert conn.execute("select count(*) from public.usage_events").fetchone()[0] == 1
