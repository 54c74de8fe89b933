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


def last_watermark(conn: psycopg.Connection) -> dt.datetime | None:
    """The watermark of the latest successful run that recorded one."""
    ensure(conn)
    row = conn.execute(
        sql.SQL(
            "select watermark from {}.run_log where outcome = 'success' and watermark is not null"
            " order by run_id desc limit 1"
        ).format(sql.Identifier(ops_schema()))
    ).fetchone()
    return row[0] if row else None


@dataclass
class Run:
    """A job being recorded: fill in the fields, then `finish`."""

    command: str
    started_at: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.timezone.utc))
    dates: list[dt.date] = field(default_factory=list)
    rows_read: int | None = None
    rows_rejected: int | None = None
    watermark: dt.datetime | None = None
    details: dict = field(default_factory=dict)
    _began: float = field(default_factory=time.monotonic)

    def finish(self, target: Target, outcome: str, message: str | None = None) -> None:
        with target.connect() as conn:
            ensure(conn)
            conn.execute(
                sql.SQL(
                    """insert into {}.run_log (command, started_at, finished_at, duration_seconds,
                           first_date, last_date, dates, rows_read, rows_rejected, watermark,
                           outcome, message, details)
                       values (%s, %s, now(), %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"""
                ).format(sql.Identifier(ops_schema())),
                (
                    self.command,
                    self.started_at,
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
                ),
            )


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
