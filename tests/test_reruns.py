"""Reruns and late data (SPEC section 5): whatever order and grouping the dates are built
in, and however often, the tables equal one build over the same events, and that build
equals the independent implementation of SPEC.md."""

from __future__ import annotations

import datetime as dt

import pytest
from storytime_analytics import dbt_invoke, generate
from storytime_analytics.errors import DataTestFailure

from .reference import spec_model
from .support import PUBLISHED, Warehouse, normalise

FIRST = dt.date(2026, 2, 9)
DAYS = 4
# The generator's last evening runs into the small hours of the next day: all-time tables
# equal the oracle's once that day is processed too.
LAST = FIRST + dt.timedelta(days=DAYS)


def generated(server) -> Warehouse:
    wh = Warehouse(server)
    with wh.target.connect() as conn:
        generate.generate(conn, "public", FIRST, DAYS, children=60, books=12, seed=7)
    return wh


def source_rows(wh: Warehouse) -> dict[str, list[dict]]:
    """The source tables as the oracle takes them."""
    queries = {
        "events": "select id, child_profile_id, book_id, event_type, position_seconds,"
        " occurred_at, created_at from public.usage_events",
        "books": "select id, publisher_id from public.books",
        "video_assets": "select id, book_id, duration_seconds, created_at from public.video_assets",
        "users": "select id, created_at from public.users",
        "child_profiles": "select id, user_id from public.child_profiles",
    }
    out = {}
    with wh.target.connect() as conn, conn.cursor() as cur:
        for name, sql in queries.items():
            cur.execute(sql)
            cols = [d.name for d in cur.description]
            out[name] = [dict(zip(cols, row, strict=True)) for row in cur.fetchall()]
    return out


def oracle(rows: dict, first: dt.date, last: dt.date) -> dict[str, dict]:
    dates = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    expected = spec_model.compute(**rows, dates=dates)
    expected["daily_book_metrics"] = [
        r for r in expected["daily_book_metrics"] if first <= r["metric_date"] <= last
    ]
    return {t: normalise(expected[t], keys) for t, keys in PUBLISHED.items()}


def published(wh: Warehouse) -> dict[str, dict]:
    return {t: normalise(rows, PUBLISHED[t]) for t, rows in wh.published().items()}


@pytest.fixture
def events_wh(server):
    wh = generated(server)
    yield wh
    wh.drop()


def test_backfill_matches_the_oracle_and_any_rerun_order(events_wh):
    wh = events_wh
    wh.build(FIRST, LAST, tests=True)  # one backfill, data tests included
    once = published(wh)
    assert sum(len(rows) for rows in once.values()) > 0
    assert once == oracle(source_rows(wh), FIRST, LAST)

    for day in reversed(range(DAYS + 1)):  # every date again, newest first
        wh.build(FIRST + dt.timedelta(days=day))
    assert published(wh) == once

    wh.build(FIRST, FIRST + dt.timedelta(days=2))  # overlapping ranges
    wh.build(FIRST + dt.timedelta(days=1), LAST)
    assert published(wh) == once


def test_late_rows_are_picked_up_by_a_rerun(events_wh):
    wh = events_wh
    wh.build(FIRST, LAST)
    late_day = FIRST + dt.timedelta(days=1)
    wh.execute(
        """insert into public.usage_events
               (id, child_profile_id, book_id, event_type, position_seconds, occurred_at,
                created_at)
           select 900000000 + row_number() over (), child_profile_id, book_id, 'heartbeat',
                  position_seconds, occurred_at + interval '20 seconds',
                  occurred_at + interval '2 days'  -- an offline tablet, 2 days late
           from public.usage_events
           where event_type = 'play_start' and occurred_at >= %s and occurred_at < %s""",
        (late_day, late_day + dt.timedelta(days=1)),
    )
    stale = published(wh)
    wh.build(late_day - dt.timedelta(days=1), late_day)  # what the daily job for late_day does
    fresh = published(wh)
    assert fresh != stale
    assert fresh == oracle(source_rows(wh), FIRST, LAST)


def test_dated_runs_test_the_dates_they_processed(events_wh):
    """A run for given dates data-tests the rows of those dates (dbt_project.yml
    data_tests +where: __processed_dates__); a build without date vars tests every row."""
    wh = events_wh
    wh.build(FIRST, LAST)
    wh.execute(
        "update analytics_intermediate.int_plays set watch_seconds = -1 where play_date = %s",
        (FIRST,),
    )
    checks = ["test", "--select", "int_plays", "--exclude", "resource_type:unit_test"]

    def run(start: dt.date | None):
        dbt_vars = None if start is None else {"start_date": str(start), "end_date": str(start)}
        return dbt_invoke.invoke(wh.target, checks, dbt_vars=dbt_vars, quiet=True)

    assert run(LAST).success  # the broken rows are not on the processed date
    for start in (FIRST, None):  # on the processed date, and in a full test
        with pytest.raises(DataTestFailure, match="watch_seconds"):
            run(start)
