"""The jobs: the daily run and backfills, each a handful of dbt invocations, under an
advisory lock so two runs never interleave their writes, recorded in the run log."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import time

from psycopg import sql

from . import db, dbt_invoke, runlog
from .dates import chunks, date_vars
from .db import Target
from .errors import InfrastructureFailure, StorytimeError

SEED_AND_SNAPSHOT = [
    "build",
    "--select",
    "resource_type:seed resource_type:snapshot",
    "--indirect-selection",
    "cautious",
]
# The jobs run the data tests, not dbt's unit tests: those check the SQL on fixed inputs,
# so they belong to development and CI (make test), as dbt recommends, not to every run.
NO_UNIT_TESTS = ["--exclude-resource-type", "unit_test"]
# An arbitrary constant: the advisory lock every storytime-analytics job takes.
LOCK_KEY = 5_707_104_926
# Late-committing transactions can make rows with an older created_at appear after a run
# read the maximum: the next run looks back this far behind the stored watermark.
WATERMARK_MARGIN = dt.timedelta(minutes=30)
# Touched dates closer than this are processed in one range (a dbt start costs more
# than a few extra days).
MERGE_GAP_DAYS = 3
DAILY_TIMEOUT_SECONDS = 30
BACKFILL_TIMEOUT_SECONDS = 1800


def progress_bar(done: int, total: int, label: str, width: int = 30) -> None:
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done >= total else ""
    print(f"\r[{bar}] {done}/{total} {label}", end=end, file=sys.stderr, flush=True)


@contextlib.contextmanager
def exclusive_run(target: Target, wait_seconds: float):
    """Hold the storytime advisory lock for the duration of a job, waiting for another
    job to finish for up to wait_seconds."""
    conn = target.connect(autocommit=True)
    try:
        deadline = time.monotonic() + wait_seconds
        announced = False
        while not conn.execute("select pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]:
            holder = conn.execute(
                "select pid from pg_locks where locktype = 'advisory' and granted"
                " and ((classid::bigint << 32) | objid::bigint) = %s limit 1",
                (LOCK_KEY,),
            ).fetchone()
            who = f" (database backend pid {holder[0]})" if holder else ""
            if time.monotonic() >= deadline:
                raise InfrastructureFailure(
                    f"another storytime-analytics run still holds the lock{who} after "
                    f"{wait_seconds:.0f} s; nothing was written"
                )
            if not announced:
                print(
                    f"waiting for another storytime-analytics run to finish{who} "
                    f"(up to {wait_seconds:.0f} s)...",
                    file=sys.stderr,
                    flush=True,
                )
                announced = True
            time.sleep(1)
        yield
    finally:
        conn.close()


def merge_dates(
    dates: list[dt.date], max_gap: int = MERGE_GAP_DAYS
) -> list[tuple[dt.date, dt.date]]:
    """Sorted dates as [start, end] ranges, joining ranges fewer than max_gap days apart."""
    ranges: list[list[dt.date]] = []
    for day in sorted(set(dates)):
        if ranges and (day - ranges[-1][1]).days <= max_gap:
            ranges[-1][1] = day
        else:
            ranges.append([day, day])
    return [(a, b) for a, b in ranges]


def late_dates(target: Target, before: dt.date) -> tuple[list[dt.date], dt.datetime | None]:
    """Dates up to `before` touched by rows received since the last successful daily run
    (less the margin), and the new watermark: the highest created_at now in the source."""
    with target.connect() as conn:
        previous = runlog.last_watermark(conn)
        conn.commit()
        events = db.source_table("usage_events")
        watermark = conn.execute(
            sql.SQL("select max(created_at) from {}").format(events)
        ).fetchone()[0]
        if previous is None:
            return [], watermark
        rows = conn.execute(
            sql.SQL(
                """select distinct cast((occurred_at at time zone 'UTC') as date)
                   from {} where created_at > %s and occurred_at < %s"""
            ).format(events),
            (
                previous - WATERMARK_MARGIN,
                dt.datetime.combine(before, dt.time(), dt.timezone.utc) + dt.timedelta(days=1),
            ),
        ).fetchall()
    return sorted(r[0] for r in rows), max(filter(None, [watermark, previous]))


def count_rows(target: Target, ranges: list[tuple[dt.date, dt.date]]) -> tuple[int, int]:
    """Raw events read (the runs' windows) and events rejected on the processed dates."""
    read = rejected = 0
    with target.connect() as conn:
        for first, last in ranges:
            start = dt.datetime.combine(first, dt.time(), dt.timezone.utc) - dt.timedelta(hours=1)
            end = dt.datetime.combine(last, dt.time(), dt.timezone.utc) + dt.timedelta(
                days=1, hours=6
            )
            read += conn.execute(
                sql.SQL(
                    "select count(*) from {} where occurred_at >= %s and occurred_at < %s"
                ).format(db.source_table("usage_events")),
                (start, end),
            ).fetchone()[0]
            rejected += conn.execute(
                "select count(*) from analytics_intermediate.int_usage_events_rejected"
                " where reject_date between %s and %s",
                (first, last),
            ).fetchone()[0]
    return read, rejected


def _recorded(target: Target, run: runlog.Run, job):
    """Run job(), recording success or the failure in the run log."""
    try:
        result = job()
    except StorytimeError as exc:
        with contextlib.suppress(StorytimeError):
            run.finish(target, type(exc).__name__, str(exc))
        raise
    run.rows_read, run.rows_rejected = count_rows(target, merge_dates(run.dates, 0))
    run.finish(target, "success")
    return result


def daily(
    target: Target,
    day: dt.date,
    lock_wait: float = 600,
    timeout_seconds: int = DAILY_TIMEOUT_SECONDS,
) -> runlog.Run:
    """Recompute `day`, the day before (whose next-morning events arrived late) and every
    earlier date touched by rows received since the last successful daily run."""
    run = runlog.Run(command="daily")
    with exclusive_run(target, lock_wait):
        late, watermark = late_dates(target, day)
        run.dates = sorted({day - dt.timedelta(days=1), day, *late})
        run.watermark = watermark
        run.details = {"late_dates": runlog.describe_dates(late)}

        def job():
            for first, last in merge_dates(run.dates):
                dbt_invoke.invoke(
                    target,
                    ["build", *NO_UNIT_TESTS],
                    dbt_vars={
                        **date_vars(first, last),
                        "manage_partitions": True,
                        "statement_timeout_seconds": timeout_seconds,
                    },
                )

        _recorded(target, run, job)
    return run


def backfill(
    target: Target,
    first: dt.date,
    last: dt.date,
    chunk_days: int = 10,
    lock_wait: float = 600,
    timeout_seconds: int = BACKFILL_TIMEOUT_SECONDS,
) -> runlog.Run:
    """Recompute first..last in chunks of dates, one dbt invocation per chunk, then run
    the data tests once."""
    slices = chunks(first, last, chunk_days)
    run = runlog.Run(
        command="backfill",
        dates=[first + dt.timedelta(days=n) for n in range((last - first).days + 1)],
    )
    with exclusive_run(target, lock_wait):

        def job():
            dbt_invoke.invoke(target, SEED_AND_SNAPSHOT, quiet=True)
            started = time.monotonic()
            for number, (start, end) in enumerate(slices, 1):
                progress_bar(number - 1, len(slices), f"processing {start} .. {end}")
                dbt_invoke.invoke(
                    target,
                    ["run"],
                    quiet=True,
                    dbt_vars={
                        **date_vars(start, end),
                        "statement_timeout_seconds": timeout_seconds,
                    },
                )
            progress_bar(len(slices), len(slices), f"done in {time.monotonic() - started:.1f} s")
            dbt_invoke.invoke(
                target, ["test", *NO_UNIT_TESTS], dbt_vars=date_vars(first, last), quiet=True
            )

        _recorded(target, run, job)
    return run
