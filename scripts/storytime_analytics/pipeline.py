"""The jobs: the daily run and backfills, each a handful of dbt invocations, under an
advisory lock so two runs never interleave their writes, recorded in the run log."""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import time
import uuid

from . import dbt_invoke, runlog, watermark
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
# A backfill's chunks each recompute their own keys: it publishes the all-time marts whole.
KEYS_WHOLE = ["--args", '{"keyed_scope": false}']
# An arbitrary constant: the advisory lock every storytime-analytics job takes.
LOCK_KEY = 5_707_104_926
DAILY_TIMEOUT_SECONDS = 30
BACKFILL_TIMEOUT_SECONDS = 1800


def progress_bar(done: int, total: int, label: str, width: int = 30) -> None:
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done >= total else ""
    print(f"\r[{bar}] {done}/{total} {label}", end=end, file=sys.stderr, flush=True)


@contextlib.contextmanager
def exclusive_run(target: Target, wait_seconds: float, run: runlog.Run | None = None):
    """Hold the storytime advisory lock for the duration of a job, waiting for another
    job to finish for up to wait_seconds. With `run`, the job's run-log row is written
    first (waiting), set running once the lock is held (after marking the rows of runs
    that died as interrupted), and finished here when the wait times out."""
    conn = target.connect(autocommit=True)
    try:
        if run is not None:
            run.begin(conn)
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
                failure = InfrastructureFailure(
                    f"another storytime-analytics run still holds the lock{who} after "
                    f"{wait_seconds:.0f} s; nothing was written"
                )
                if run is not None:
                    with contextlib.suppress(StorytimeError):
                        run.finish(target, type(failure).__name__, str(failure))
                raise failure
            if not announced:
                print(
                    f"waiting for another storytime-analytics run to finish{who} "
                    f"(up to {wait_seconds:.0f} s)...",
                    file=sys.stderr,
                    flush=True,
                )
                announced = True
            time.sleep(1)
        if run is not None:
            runlog.mark_interrupted(conn)
            run.running(conn)
        yield
    finally:
        conn.close()


def days(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def whole_dates(state: watermark.State, day: dt.date) -> list[dt.date]:
    """The dates a daily run for `day` processes whole: `day`, and every date after the
    latest processed one up to it (nights the job did not run)."""
    first = day
    if state.last_processed is not None and state.last_processed < day:
        first = state.last_processed + dt.timedelta(days=1)
    return days(first, day)


def relation_names(outcome: dbt_invoke.DbtOutcome) -> dict[str, str]:
    """Model name -> the relation dbt built it as (schema names come from dbt's config)."""
    out = {}
    for result in outcome.results:
        node = getattr(result, "node", None)
        if node is not None and getattr(node, "relation_name", None):
            out[node.name] = node.relation_name
    return out


def touched_summary(target: Target, relations: dict[str, str]) -> dict:
    """What the run reprocessed by play, from int_touched_plays and int_touched_events."""
    touched = relations.get("int_touched_plays")
    touched_events = relations.get("int_touched_events")
    if touched is None:
        return {}
    with target.connect() as conn:
        rows = conn.execute(
            f"""select touch_kind, count(*), count(distinct (child_profile_id, book_id)),
                       count(distinct touched_date), coalesce(sum(received_rows), 0),
                       min(touched_date), max(touched_date)
                from {touched} group by touch_kind"""
        ).fetchall()
        events = (
            conn.execute(f"select count(*) from {touched_events}").fetchone()[0]
            if touched_events
            else 0
        )
    kinds = {r[0]: r[1:] for r in rows}
    received = kinds.get("received", (0, 0, 0, 0, None, None))
    unprocessed = kinds.get("unprocessed", (0, 0, 0, 0, None, None))
    summary = {
        "touched_plays": received[0],
        "touched_pairs": received[1],
        "touched_dates": received[2],
        "touched_rows_received": received[3],
        "touched_events_read": events,
    }
    if received[0]:
        summary["touched_date_span"] = f"{received[4]}..{received[5]}"
    if unprocessed[0]:
        summary["unprocessed_rows"] = unprocessed[3]
        summary["unprocessed_dates"] = f"{unprocessed[4]}..{unprocessed[5]}"
    return summary


def count_rows(
    target: Target, ranges: list[tuple[dt.date, dt.date]], relations: dict[str, str]
) -> tuple[int, int]:
    """Raw events counted on the whole dates and events rejected on them, from what dbt
    built (the reconciliation's raw count and the rejects): nothing here reads raw events
    again."""
    read = rejected = 0
    tally = relations.get("int_usage_events_reconciled")
    rejects = relations.get("int_usage_events_rejected")
    with target.connect() as conn:
        for first, last in ranges:
            if tally:
                read += conn.execute(
                    f"""select coalesce(sum(raw_events), 0) from {tally}
                        where count_date between %s and %s""",
                    (first, last),
                ).fetchone()[0]
            if rejects:
                rejected += conn.execute(
                    f"select count(*) from {rejects} where reject_date between %s and %s",
                    (first, last),
                ).fetchone()[0]
    return read, rejected


def _recorded(target: Target, run: runlog.Run, job):
    """Run job() (it returns the dbt relations it built), recording success or the failure
    in the run log."""
    try:
        relations = job()
    except StorytimeError as exc:
        with contextlib.suppress(StorytimeError):
            run.finish(target, type(exc).__name__, str(exc))
        raise
    run.rows_read, run.rows_rejected = count_rows(
        target, [(d, d) for d in sorted(set(run.dates))], relations
    )
    run.rows_read += run.details.get("touched_events_read", 0)
    run.finish(target, "success")
    return relations


def daily(
    target: Target,
    day: dt.date,
    lock_wait: float = 600,
    timeout_seconds: int = DAILY_TIMEOUT_SECONDS,
) -> runlog.Run:
    """Recompute `day` whole (and any date between the latest processed one and it), and,
    by play, what the rows received since the processed dates were last processed can
    change: one dbt build. Which plays those rows touch is dbt's (int_touched_plays)."""
    run = runlog.Run(command="daily")
    with exclusive_run(target, lock_wait, run):
        with target.connect() as conn:
            state = watermark.begin(conn)
        run.dates = whole_dates(state, day)
        run.watermark = state.received_through
        # no --vars: dbt's partial parse holds across nights and jobs; the dates and
        # settings go as run env (dbt_invoke.RUN_ENV)
        plan = {
            **date_vars(run.dates[0], run.dates[-1]),
            "manage_partitions": True,
            "statement_timeout_seconds": timeout_seconds,
        }
        if state.last_processed is not None and state.received_through is not None:
            plan["received_through"] = state.dbt_value()

        def job():
            outcome = dbt_invoke.invoke(target, ["build", *NO_UNIT_TESTS], run=plan)
            relations = relation_names(outcome)
            run.details.update(touched_summary(target, relations))
            with target.connect() as conn:
                watermark.record(conn, state, run.dates, covers_up_to=day)
            return relations

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
    the data tests once. Each chunk, once built, is recorded as processed with the receive
    time the backfill started from, so a later daily run reprocesses only what arrives
    after it."""
    slices = chunks(first, last, chunk_days)
    run = runlog.Run(command="backfill", dates=days(first, last))
    with exclusive_run(target, lock_wait, run):
        with target.connect() as conn:
            state = watermark.begin(conn)
        run.watermark = state.received_through

        # one job for the publication state across its invocations
        job_id = f"backfill-{uuid.uuid4()}"
        setting = {"job": job_id, "statement_timeout_seconds": timeout_seconds}
        whole_job = {**date_vars(first, last), **setting}

        def job():
            relations: dict[str, str] = {}
            dbt_invoke.invoke(target, SEED_AND_SNAPSHOT, run=setting, quiet=True)
            started = time.monotonic()
            for number, (start, end) in enumerate(slices, 1):
                progress_bar(number - 1, len(slices), f"processing {start} .. {end}")
                outcome = dbt_invoke.invoke(
                    target,
                    ["run"],
                    quiet=True,
                    run={**date_vars(start, end), **setting},
                )
                relations.update(relation_names(outcome))
                with target.connect() as conn:
                    watermark.record(conn, state, days(start, end))
            progress_bar(len(slices), len(slices), f"done in {time.monotonic() - started:.1f} s")
            # write, audit, publish: the chunks are in the build schema; readers see them
            # once the tests passed, all at once (macros/publish/publish.sql)
            for step in (["test", *NO_UNIT_TESTS], ["run-operation", "publish", *KEYS_WHOLE]):
                dbt_invoke.invoke(target, step, run=whole_job, quiet=True)
            return relations

        _recorded(target, run, job)
    return run
