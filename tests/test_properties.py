"""Property tests: for random event streams the dbt models give exactly what the
independent Python implementation of SPEC.md gives, on every row of the four tables, the
rejects and the per-day reconciliation, whether the dates are built in one run or rebuilt
again in pieces afterwards."""

from __future__ import annotations

import datetime as dt
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storytime_analytics import pipeline

from . import cron
from .randomized import BASE, dataset, event_dates
from .reference import spec_model
from .support import PUBLISHED, Warehouse, normalise

EXAMPLES = int(os.environ.get("STORYTIME_PROPERTY_EXAMPLES", "12"))


def days_between(first: dt.date, last: dt.date) -> list[dt.date]:
    return [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]


def assert_matches_oracle(wh: Warehouse, rows: dict, first: dt.date, last: dt.date) -> None:
    dates = days_between(first, last)
    expected = spec_model.compute(
        rows["events"],
        rows["books"],
        rows["video_assets"],
        rows["users"],
        rows["child_profiles"],
        dates=dates,
    )
    actual = wh.published()
    for table, keys in PUBLISHED.items():
        want = expected[table]
        if table == "daily_book_metrics":
            want = [r for r in want if first <= r["metric_date"] <= last]
        assert normalise(actual[table], keys) == normalise(want, keys), table
    # the rejects (with reason and day) and the reconciliation of the processed dates
    rejects = wh.rows("int_usage_events_rejected", schema="analytics_intermediate")
    assert sorted(
        (r["usage_event_id"], r["reject_reason"], r["reject_date"]) for r in rejects
    ) == sorted(
        (r["id"], r["reason"], r["reject_date"])
        for r in expected["rejects"]
        if r["reject_date"] is not None and first <= r["reject_date"] <= last
    )
    tally = wh.rows("int_usage_events_reconciled", schema="analytics_intermediate")
    assert all(row.pop("unexplained_events") == 0 for row in tally)
    want = [r for r in expected["reconciliation"] if r["count_date"] in dates]
    assert normalise(tally, ("count_date",)) == normalise(want, ("count_date",))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=dataset(), data=st.data())
def test_models_match_the_oracle(server, rows, data):
    span = event_dates(rows)
    if span is None:
        return
    first, last = span
    wh = Warehouse(server)
    try:
        wh.load(rows)
        wh.build(first, last)
        assert_matches_oracle(wh, rows, first, last)
        # Rebuild one random date again: nothing may change (idempotent, no double count).
        again = data.draw(st.sampled_from(days_between(first, last)), label="rerun date")
        wh.build(again)
        assert_matches_oracle(wh, rows, first, last)
    finally:
        wh.drop()


@settings(
    max_examples=max(3, EXAMPLES // 4),
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(rows=dataset(), data=st.data())
def test_cron_runs_with_late_rows_and_reruns_match_the_oracle(server, rows, data):
    """Work grows with what changed, and nothing is lost: a backfill, then the daily job
    night by night seeing only the rows received by then (late ones days later), with a
    rerun of an earlier date somewhere in between, ends equal to the oracle over all rows
    and every table equal to one full build."""
    span = event_dates(rows)
    if span is None:
        return
    first, last = span
    # received when the dataset says (mostly seconds after, some 1-3 days late, clocks
    # ahead, 1970 and over-60-days uploads received during the range)
    events = [
        {**e, "created_at": e.get("created_at") or (e["occurred_at"] or BASE)}
        for e in rows["events"]
    ]
    wh = Warehouse(server)
    try:
        wh.load({**rows, "events": events})
        cron.hold_back_events(wh)
        cron.receive(wh, cron.night_of(first))
        pipeline.backfill(wh.target, first, first)
        nights = days_between(first + dt.timedelta(days=1), last + dt.timedelta(days=3))
        rerun_after = data.draw(st.sampled_from(nights), label="rerun after")
        for day in nights:
            cron.receive(wh, cron.night_of(day))
            pipeline.daily(wh.target, day)
            if day == rerun_after:
                again = data.draw(st.sampled_from(days_between(first, day)), label="rerun")
                pipeline.backfill(wh.target, again, again)
        expected_last = nights[-1]
        assert_matches_oracle(wh, {**rows, "events": events}, first, expected_last)
        # and every table (all-time, by month, per-day counts) equals one build of the
        # processed dates (the nights ran past the last event day: those are processed
        # days too, with zero rows where a build without dates has none)
        nightly = wh.every_mart()
        wh.build(first, expected_last)
        assert wh.every_mart() == nightly
    finally:
        wh.drop()
