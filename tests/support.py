"""Test support: a private database per test, loading inputs, running dbt, reading outputs."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

from psycopg.types.json import Jsonb
from storytime_analytics import db, dbt_invoke

SOURCE_SCHEMA = "public"
# One template per pytest-xdist worker (make test runs two): a worker recreates its own at
# start, which would pull the template from under the other's clones.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "main")
TEMPLATE = "storytime_test_template_" + WORKER
# Database names in use by this process's warehouses. A new warehouse takes the first free
# name of its worker: the names (part of dbt's profile) repeat from test to test, so dbt
# reuses its parse instead of parsing the whole project for every test's first run.
_NAMES_IN_USE: set[str] = set()

# The published tables and their keys (SPEC section 4), in the oracle's vocabulary.
PUBLISHED = {
    "daily_book_metrics": ("book_id", "metric_date"),
    "daily_platform_metrics": ("metric_date",),
    "child_viewing_histories": ("child_profile_id", "book_id"),
    "book_dropoff_buckets": ("book_id", "bucket_percent"),
    "book_retention_curve": ("book_id", "percent_mark"),
    "daily_child_lifecycle": ("metric_date",),
}
# Columns set by the clock or the run, not by the data (counted_through: the receive time
# a reconciliation count covers).
RUN_TIME_COLUMNS = {"created_at", "updated_at", "counted_through"}

SOURCE_COLUMNS = {
    "publishers": ("id", "name", "created_at"),
    "books": ("id", "publisher_id", "title", "created_at"),
    "video_assets": ("id", "book_id", "duration_seconds", "created_at"),
    "users": ("id", "created_at"),
    "child_profiles": ("id", "user_id", "created_at"),
    "usage_events": (
        "id",
        "child_profile_id",
        "book_id",
        "event_type",
        "position_seconds",
        "occurred_at",
        "created_at",
        "metadata",
    ),
}
EPOCH = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc)


def create_template(server: db.Target) -> None:
    """A database with the source tables and 2025-2026 partitions, cloned by every test."""
    admin = server.with_database("postgres")
    with admin.connect(autocommit=True) as conn:
        conn.execute(f'drop database if exists "{TEMPLATE}"')
        conn.execute(f'create database "{TEMPLATE}"')
    target = server.with_database(TEMPLATE)
    dbt_invoke.invoke(target, ["run-operation", "init_source"], quiet=True)
    dbt_invoke.invoke(
        target,
        [
            "run-operation",
            "create_event_partitions",
            "--args",
            "{start_month: '2025-10', end_month: '2026-12'}",
        ],
        quiet=True,
    )


def _name(slot: int) -> str:
    return f"storytime_test_{WORKER}_{slot}"


class Warehouse:
    """One private database: the source tables of SPEC section 1 and what dbt builds."""

    def __init__(self, server: db.Target):
        slot = next(n for n in range(len(_NAMES_IN_USE) + 1) if _name(n) not in _NAMES_IN_USE)
        self.name = _name(slot)
        _NAMES_IN_USE.add(self.name)
        self.admin = server.with_database("postgres")
        with self.admin.connect(autocommit=True) as conn:
            # (left behind by an interrupted test run of this worker)
            conn.execute(f'drop database if exists "{self.name}" with (force)')
            conn.execute(f'create database "{self.name}" template "{TEMPLATE}"')
        self.target = server.with_database(self.name)

    def drop(self) -> None:
        with self.admin.connect(autocommit=True) as conn:
            conn.execute(f'drop database if exists "{self.name}" with (force)')
        _NAMES_IN_USE.discard(self.name)

    # -- input -----------------------------------------------------------------
    def load(self, inputs: dict[str, list[dict]]) -> None:
        """Insert rows (dicts in the source's column names; missing columns get defaults).
        Takes the oracle's input names: usage events under "events"."""
        with self.target.connect() as conn, conn.cursor() as cur:
            for table, columns in SOURCE_COLUMNS.items():
                rows = inputs.get("events" if table == "usage_events" else table) or []
                if not rows:
                    continue
                values = [tuple(_source_value(table, c, row) for c in columns) for row in rows]
                with cur.copy(
                    f"copy {SOURCE_SCHEMA}.{table} ({', '.join(columns)}) from stdin"
                ) as copy:
                    for value in values:
                        copy.write_row(value)

    def execute(self, sql: str, params=None) -> None:
        with self.target.connect() as conn:
            conn.execute(sql, params)

    # -- dbt -------------------------------------------------------------------
    def build(
        self,
        start: dt.date | None = None,
        end: dt.date | None = None,
        tests: bool = False,
        extra_vars: dict | None = None,
    ) -> None:
        """One dbt invocation: seeds, snapshots and models (and data tests when asked) for
        the dates start..end, or a full build when start is None; `extra_vars` adds vars.
        The dates go as the runner passes them (run env, which keeps dbt's parse from one
        invocation to the next); tests of the analyst's `--vars` dates pass them to dbt
        themselves (test_scenarios.py, test_reruns.py, test_privacy.py)."""
        dates = None
        if start is not None:
            dates = {"start_date": start.isoformat(), "end_date": (end or start).isoformat()}
        args = (
            ["build"]
            if tests
            else ["build", "--exclude", "resource_type:test", "resource_type:unit_test"]
        )
        dbt_invoke.invoke(self.target, args, dbt_vars=extra_vars, quiet=True, run=dates)

    # -- output ----------------------------------------------------------------
    def rows(self, table: str, schema: str = "analytics", where: str = "") -> list[dict]:
        keys = PUBLISHED.get(table)
        order = f" order by {', '.join(keys)}" if keys else ""
        with self.target.connect() as conn, conn.cursor() as cur:
            cur.execute(f"select * from {schema}.{table} {where}{order}")
            names = [d.name for d in cur.description]
            return [
                {n: v for n, v in zip(names, row, strict=True) if n not in RUN_TIME_COLUMNS}
                for row in cur.fetchall()
            ]

    def published(self) -> dict[str, list[dict]]:
        return {table: self.rows(table) for table in PUBLISHED}

    def every_mart(self) -> dict[str, list[tuple]]:
        """Every row of every mart, built and published (the tables of the marts' schemas
        and the intermediate tables a run keeps), without the clock's and the run's
        columns: what "equals one full build" compares. The run-state tables of a daily
        run (touched plays, received rows) are left out."""
        scratch = {
            "int_touched_plays",
            "int_received_events",
            "int_touched_events",
            "int_child_book_pairs_recomputed",
        }
        with self.target.connect() as conn:
            tables = conn.execute(
                """select table_schema, table_name from information_schema.tables
                   where table_type = 'BASE TABLE'
                     and table_schema in ('analytics', 'analytics_build', 'analytics_intermediate')
                   order by 1, 2"""
            ).fetchall()
            out = {}
            for schema, table in tables:
                if table in scratch or table.startswith("int_play_segments_slice_"):
                    continue
                cur = conn.execute(f'select * from {schema}."{table}"')
                names = [d.name for d in cur.description]
                out[f"{schema}.{table}"] = sorted(
                    tuple(
                        (n, str(Decimal(str(v)) if isinstance(v, (Decimal, float)) else v))
                        for n, v in zip(names, row, strict=True)
                        if n not in RUN_TIME_COLUMNS
                    )
                    for row in cur.fetchall()
                )
        return out


def _source_value(table: str, column: str, row: dict):
    if column in row:
        value = row[column]
        return Jsonb(value) if column == "metadata" and value is not None else value
    if column == "created_at":
        if table == "usage_events" and row.get("occurred_at") is not None:
            return row["occurred_at"]
        return EPOCH
    if column in ("name", "title"):
        return f"{table} {row.get('id')}"
    return None


def normalise(rows: list[dict], keys: tuple[str, ...], columns: set[str] | None = None) -> dict:
    """Rows keyed by their primary key, values compared as exact Decimals / plain ints."""
    out = {}
    for row in rows:
        key = tuple(row[k] for k in keys)
        out[key] = {
            c: (Decimal(str(v)) if isinstance(v, (Decimal, float)) else v)
            for c, v in row.items()
            if (columns is None or c in columns) and c not in RUN_TIME_COLUMNS
        }
    return out
