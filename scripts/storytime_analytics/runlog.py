"""The run log and the run state, in schema <analytics>_ops.

- run_log: one row per runner job (daily, backfill, forget-child, retention).
- processed_dates: every date a job processed whole, with the receive time it had read up
  to (received_through: the highest usage_events.created_at when it started, read from the
  data, never from the clock of the machine running us). A daily run moves every processed
  date up to its own date to its received_through once it has reprocessed what the rows
  received since touched (dbt: int_touched_plays).
- seen_events: the ids a job saw inside the safety margin before its received_through
  (rows of late-committing transactions can appear there later): the next run rereads the
  margin but skips these, so nothing is recomputed twice and nothing is lost."""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from dataclasses import dataclass, field

import psycopg
from psycopg import sql

from .db import Target


def ops_schema() -> str:
    return os.environ.get("STORYTIME_SCHEMA", "analytics") + "_ops"


DDL = """
create schema if not exists {schema};
create table if not exists {schema}.run_log (
    run_id bigint generated always as identity primary key,
    command text not null,
    started_at timestamptz not null,
    finished_at timestamptz,
    duration_seconds numeric(10, 2),
    first_date date,
    last_date date,
    dates text,
    rows_read bigint,
    rows_rejected bigint,
    watermark timestamptz,
    outcome text not null,
    message text,
    details jsonb
);
alter table {schema}.run_log add column if not exists backend_pid integer;
create table if not exists {schema}.processed_dates (
    metric_date date primary key,
    received_through timestamptz not null,
    processed_at timestamptz not null default now()
);
create table if not exists {schema}.seen_events (
    received_through timestamptz not null,
    usage_event_id bigint not null,
    primary key (received_through, usage_event_id)
)
"""


def ensure(conn: psycopg.Connection) -> None:
    conn.execute(sql.SQL(DDL).format(schema=sql.Identifier(ops_schema())))


INTERRUPTED = (
    "the run ended without recording an outcome (killed, or its database connection was "
    "lost); its dates were left either fully old or fully new: rerun them"
)


@dataclass
class Run:
    """A job being recorded: `begin` inserts its row (outcome 'waiting' for the lock, then
    'running'), `finish` updates it with the outcome. A run that dies in between is marked
    'interrupted' by the next run (mark_interrupted)."""

    command: str
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    dates: list[dt.date] = field(default_factory=list)
    rows_read: int | None = None
    rows_rejected: int | None = None
    watermark: dt.datetime | None = None
    details: dict = field(default_factory=dict)
    run_id: int | None = None
    _began: float = field(default_factory=time.monotonic)

    def begin(self, conn: psycopg.Connection) -> None:
        """Record the run as waiting for the lock, with the backend pid of `conn` (the
        connection holding, or waiting for, the advisory lock)."""
        ensure(conn)
        self.run_id = conn.execute(
            sql.SQL(
                """insert into {}.run_log (command, started_at, outcome, backend_pid)
                   values (%s, %s, 'waiting', pg_backend_pid()) returning run_id"""
            ).format(sql.Identifier(ops_schema())),
            (self.command, self.started_at),
        ).fetchone()[0]

    def running(self, conn: psycopg.Connection) -> None:
        if self.run_id is not None:
            conn.execute(
                sql.SQL("update {}.run_log set outcome = 'running' where run_id = %s").format(
                    sql.Identifier(ops_schema())
                ),
                (self.run_id,),
            )

    def finish(self, target: Target, outcome: str, message: str | None = None) -> None:
        values = (
            round(time.monotonic() - self._began, 2),
            min(self.dates) if self.dates else None,
            max(self.dates) if self.dates else None,
            describe_dates(self.dates),
            self.rows_read,
            self.rows_rejected,
            self.watermark,
            outcome,
            message,
            json.dumps(self.details, default=str) if self.details else None,
        )
        with target.connect() as conn:
            ensure(conn)
            schema = sql.Identifier(ops_schema())
            if self.run_id is not None:
                conn.execute(
                    sql.SQL(
                        """update {}.run_log set finished_at = now(), duration_seconds = %s,
                               first_date = %s, last_date = %s, dates = %s, rows_read = %s,
                               rows_rejected = %s, watermark = %s, outcome = %s,
                               message = %s, details = %s
                           where run_id = %s"""
                    ).format(schema),
                    (*values, self.run_id),
                )
                return
            conn.execute(
                sql.SQL(
                    """insert into {}.run_log (command, started_at, finished_at, duration_seconds,
                           first_date, last_date, dates, rows_read, rows_rejected, watermark,
                           outcome, message, details)
                       values (%s, %s, now(), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""
                ).format(schema),
                (self.command, self.started_at, *values),
            )


def mark_interrupted(conn: psycopg.Connection) -> int:
    """Mark as interrupted the runs still waiting or running whose database backend is
    gone (the process was killed or lost its connection)."""
    return conn.execute(
        sql.SQL(
            """update {}.run_log as r set outcome = 'interrupted', finished_at = now(),
                   message = %s
               where outcome in ('waiting', 'running')
                 and not exists (select 1 from pg_stat_activity a where a.pid = r.backend_pid)"""
        ).format(sql.Identifier(ops_schema())),
        (INTERRUPTED,),
    ).rowcount


def recent(conn: psycopg.Connection, limit: int) -> list[tuple]:
    ensure(conn)
    return conn.execute(
        sql.SQL(
            """select run_id, command, outcome, to_char(started_at at time zone 'UTC',
                      'YYYY-MM-DD HH24:MI:SS'), duration_seconds, dates, rows_read,
                      rows_rejected, left(coalesce(message, ''), 80)
               from {}.run_log order by run_id desc limit %s"""
        ).format(sql.Identifier(ops_schema())),
        (limit,),
    ).fetchall()


def describe_dates(dates: list[dt.date]) -> str | None:
    """'2026-02-01..2026-02-03, 2026-02-07' for a sorted list of dates."""
    if not dates:
        return None
    parts, start, prev = [], None, None
    for day in sorted(set(dates)):
        if start is None:
            start = prev = day
        elif day == prev + dt.timedelta(days=1):
            prev = day
        else:
            parts.append(_span(start, prev))
            start = prev = day
    parts.append(_span(start, prev))
    return ", ".join(parts)


def _span(first: dt.date, last: dt.date) -> str:
    return first.isoformat() if first == last else f"{first}..{last}"
