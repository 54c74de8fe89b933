"""What has been processed up to when: the run state a later daily run reads to find the
rows received since (SPEC section 5). Tables in <analytics>_ops (runlog.DDL):
processed_dates (date -> received_through) and seen_events (ids inside the margin).

A job reads received_through, the highest usage_events.created_at, when it starts, and
records the ids received in the safety margin before it (they may belong to transactions
that commit late; the next run rereads the margin and skips only these). Once its dbt run
succeeded it records its dates: a backfill the dates it processed whole, a daily run also
every processed date up to its own date (it reprocessed by play what the received rows
touched there). The rule of which dates a row touches lives in dbt (int_touched_plays)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

import psycopg
import yaml
from psycopg import sql

from . import PROJECT_DIR, db, runlog


@lru_cache(maxsize=1)
def margin() -> dt.timedelta:
    """dbt var received_margin_minutes (dbt_project.yml), the one definition of the margin."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return dt.timedelta(minutes=int(project["vars"]["received_margin_minutes"]))


@dataclass(frozen=True)
class State:
    received_through: dt.datetime | None  # this job's: max(created_at) when it started
    first_processed: dt.date | None
    last_processed: dt.date | None

    def dbt_value(self) -> str | None:
        """received_through as the naive UTC timestamp the dbt var takes."""
        if self.received_through is None:
            return None
        return self.received_through.astimezone(dt.timezone.utc).replace(tzinfo=None).isoformat(" ")


def begin(conn: psycopg.Connection) -> State:
    """Read this job's received_through, record the ids inside its margin, and read the
    span of processed dates. Commits, so the ids are recorded before dbt reads anything."""
    runlog.ensure(conn)
    ops = sql.Identifier(runlog.ops_schema())
    events = db.source_table("usage_events")
    through = conn.execute(sql.SQL("select max(created_at) from {}").format(events)).fetchone()[0]
    if through is not None:
        conn.execute(
            sql.SQL(
                """insert into {}.seen_events (received_through, usage_event_id)
                   select %s, id from {} where created_at > %s and created_at <= %s
                   on conflict do nothing"""
            ).format(ops, events),
            (through, through - margin(), through),
        )
    first, last = conn.execute(
        sql.SQL("select min(metric_date), max(metric_date) from {}.processed_dates").format(ops)
    ).fetchone()
    conn.commit()
    return State(through, first, last)


def record(
    conn: psycopg.Connection,
    state: State,
    dates: list[dt.date],
    covers_up_to: dt.date | None = None,
) -> None:
    """After a successful run: `dates` were processed whole with every row received up to
    state.received_through; with covers_up_to (a daily run), so was every processed date up
    to that one, by play. Drops the margin ids no processed date refers to any more."""
    if state.received_through is None:
        return
    ops = sql.Identifier(runlog.ops_schema())
    with conn.transaction():
        if covers_up_to is not None:
            conn.execute(
                sql.SQL(
                    """update {}.processed_dates
                       set received_through = greatest(received_through, %s), processed_at = now()
                       where metric_date <= %s"""
                ).format(ops),
                (state.received_through, covers_up_to),
            )
        with conn.cursor() as cur:
            cur.executemany(
                sql.SQL(
                    """insert into {}.processed_dates (metric_date, received_through)
                       values (%s, %s)
                       on conflict (metric_date) do update
                       set received_through = greatest(
                               processed_dates.received_through, excluded.received_through),
                           processed_at = now()"""
                ).format(ops),
                [(day, state.received_through) for day in dates],
            )
        conn.execute(
            sql.SQL(
                """delete from {ops}.seen_events as seen
                   where not exists (
                       select 1 from {ops}.processed_dates as processed
                       where processed.received_through = seen.received_through)"""
            ).format(ops=ops)
        )
