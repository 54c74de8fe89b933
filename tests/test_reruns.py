"""Reruns and late data (SPEC section 5): whatever order and grouping the dates are built
in, and however often, the tables equal one build over the same events, and that build
equals the independent implementation of SPEC.md."""

from __future__ import annotations

import datetime as dt

import pytest
from storytime_analytics import dbt_invoke, generate, pipeline, watermark
from storytime_analytics.errors import DataTestFailure

from . import cron
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


def ordered_pass_output(wh: Warehouse) -> dict:
    """The segments (per child, book, play, day and cut-off day) and plays of the run,
    beside the published tables."""
    keys = {
        "int_play_segments": (
            "child_profile_id",
            "book_id",
            "play_number",
            "event_date",
            "cutoff_date",
        ),
        "int_plays": ("child_profile_id", "book_id", "first_usage_event_id"),
    }
    out = {
        name: normalise(wh.rows(name, schema="analytics_intermediate"), key)
        for name, key in keys.items()
    }
    return {**out, **published(wh)}


def slice_tables(wh: Warehouse) -> dict[str, set[int]]:
    """Each slice table of the ordered pass that exists -> the children it holds."""
    with wh.target.connect() as conn:
        names = [
            name
            for (name,) in conn.execute(
                "select table_name from information_schema.tables"
                " where table_schema = 'analytics_intermediate'"
                " and table_name like 'int_play_segments_slice_%' order by 1"
            )
        ]
        return {
            name: {
                child
                for (child,) in conn.execute(
                    f"select distinct child_profile_id from analytics_intermediate.{name}"
                )
            }
            for name in names
        }


def test_the_ordered_pass_gives_the_same_rows_in_any_number_of_slices(events_wh):
    """The ordered pass split by child into 1, 2 (the profile's two threads) or 3
    statements: the same segments, plays and published rows; each child in one slice; a
    run with fewer slices drops the tables of the others."""
    wh = events_wh
    wh.build(FIRST, LAST)
    two = ordered_pass_output(wh)
    assert two["int_play_segments"]
    tables = slice_tables(wh)
    assert sorted(tables) == ["int_play_segments_slice_0", "int_play_segments_slice_1"]
    assert all(child % 2 == 0 for child in tables["int_play_segments_slice_0"])
    assert all(child % 2 == 1 for child in tables["int_play_segments_slice_1"])
    assert all(tables.values())

    wh.build(FIRST, LAST, extra_vars={"ordered_pass_slices": 3})
    assert len(slice_tables(wh)) == 3
    assert ordered_pass_output(wh) == two

    wh.build(FIRST, LAST, extra_vars={"ordered_pass_slices": 1})
    assert list(slice_tables(wh)) == ["int_play_segments_slice_0"]
    assert ordered_pass_output(wh) == two


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


def add_late_heartbeats(wh: Warehouse, day: dt.date, first_id: int) -> None:
    """A heartbeat 20 s after every play_start of `day`, received an hour after the latest
    row so far (after any job ran; within the 60-day upload limit)."""
    wh.execute(
        """insert into public.usage_events
               (id, child_profile_id, book_id, event_type, position_seconds, occurred_at,
                created_at)
           select %s + row_number() over (), child_profile_id, book_id, 'heartbeat',
                  position_seconds, occurred_at + interval '20 seconds',
                  (select max(created_at) from public.usage_events) + interval '1 hour'
           from public.usage_events
           where event_type = 'play_start' and occurred_at >= %s and occurred_at < %s""",
        (first_id, day, day + dt.timedelta(days=1)),
    )


def test_late_rows_after_a_backfill_reach_the_next_daily_run(events_wh):
    """How every installation starts: backfill the history, then cron. Rows of a backfilled
    date received after the backfill are picked up by the first daily run, by play."""
    wh = events_wh
    pipeline.backfill(wh.target, FIRST, FIRST + dt.timedelta(days=1))
    add_late_heartbeats(wh, FIRST, 900_000_000)
    run = pipeline.daily(wh.target, FIRST + dt.timedelta(days=2))
    assert run.dates == [FIRST + dt.timedelta(days=2)]
    assert run.details["touched_dates"] >= 1 and run.details["touched_pairs"] > 0
    rows = source_rows(wh)
    want = oracle(rows, FIRST, FIRST + dt.timedelta(days=2))["daily_book_metrics"]
    got = published(wh)["daily_book_metrics"]
    assert {k: v for k, v in got.items() if k[1] == FIRST} == {
        k: v for k, v in want.items() if k[1] == FIRST
    }
    # a second daily run finds nothing left to reprocess on the earlier dates
    again = pipeline.daily(wh.target, FIRST + dt.timedelta(days=2))
    assert again.details["touched_plays"] == 0
    for day in range(3, DAYS + 1):
        pipeline.daily(wh.target, FIRST + dt.timedelta(days=day))
    assert published(wh) == oracle(rows, FIRST, LAST)


def test_cron_nights_with_late_uploads_equal_one_full_build(server):
    """Backfill two days, then cron for the rest, each night seeing only the rows received
    by then, with the generator's late uploads (1-5 days), a transaction committing after
    the run that read its receive time (inside the safety margin), a tablet uploading a
    week at once, and a rerun of an old date in between: the tables equal the oracle, and
    every table equals a full build."""
    wh = Warehouse(server)
    try:
        with wh.target.connect() as conn:
            generate.generate(conn, "public", FIRST, 7, children=50, books=10, seed=11)
        # one tablet's week, received at once on the last night
        wh.execute(
            """update public.usage_events set created_at = %s
               where child_profile_id = (select min(child_profile_id) from public.usage_events)""",
            (cron.night_of(FIRST + dt.timedelta(days=6)) - dt.timedelta(hours=1),),
        )
        cron.hold_back_events(wh)
        cron.receive(wh, cron.night_of(FIRST + dt.timedelta(days=1)))
        pipeline.backfill(wh.target, FIRST, FIRST + dt.timedelta(days=1))
        runs = cron.run_nights(
            wh,
            FIRST + dt.timedelta(days=2),
            FIRST + dt.timedelta(days=4),
            late_commit=dt.timedelta(minutes=10),
        )
        assert [r.dates for r in runs] == [[FIRST + dt.timedelta(days=n)] for n in (2, 3, 4)]
        assert sum(r.details["touched_plays"] for r in runs) > 0
        pipeline.backfill(wh.target, FIRST + dt.timedelta(days=1), FIRST + dt.timedelta(days=1))
        runs = cron.run_nights(wh, FIRST + dt.timedelta(days=5), FIRST + dt.timedelta(days=7))
        assert runs[-2].details["touched_dates"] >= 2  # the week's upload
        cron.receive(wh, dt.datetime.max.replace(tzinfo=dt.timezone.utc))
        pipeline.daily(wh.target, FIRST + dt.timedelta(days=7))
        assert published(wh) == oracle(source_rows(wh), FIRST, FIRST + dt.timedelta(days=7))
        # every other table too (the all-time and by-month marts, the per-day counts):
        # the nights left what one full build over the same rows gives
        nightly = wh.every_mart()
        wh.build()
        assert wh.every_mart() == nightly
    finally:
        wh.drop()


def test_nights_across_a_month_end_replace_the_months_from_the_first_processed_one(server):
    """child_activity_months is replaced from a run's first processed month on, the months
    before keep their rows and carry their last active day into it: cron nights across
    the end of March, with late uploads of March days received in April, leave every table
    equal to one full build, and April's rows carry March's last active days."""
    first = dt.date(2026, 3, 28)
    wh = Warehouse(server)
    try:
        with wh.target.connect() as conn:
            generate.generate(conn, "public", first, 7, children=50, books=8, seed=5)
        # a tablet offline over the month end: its rows of 30-31 March arrive on 3 April
        wh.execute(
            """update public.usage_events set created_at = %s
               where child_profile_id = (select min(child_profile_id) from public.usage_events)
                 and occurred_at >= '2026-03-30' and occurred_at < '2026-04-01'""",
            (cron.night_of(dt.date(2026, 4, 3)) - dt.timedelta(hours=1),),
        )
        cron.hold_back_events(wh)
        cron.receive(wh, cron.night_of(first + dt.timedelta(days=1)))
        pipeline.backfill(wh.target, first, first + dt.timedelta(days=1))
        runs = cron.run_nights(wh, first + dt.timedelta(days=2), first + dt.timedelta(days=7))
        assert runs[4].details["touched_dates"] >= 1  # 3 April's night reached back into March
        carried = wh.rows(
            "child_activity_months",
            where="where month_start = date '2026-04-01' and previous_active_date < month_start",
        )
        assert carried, "no April row carries a March day"
        # a data fix of 31 March after April's nights: one child's day disappears, and the
        # rerun of that date (April is stored after it, so the run updates every month of
        # the keys it changes) carries the child's earlier last March day into April
        with wh.target.connect() as conn:
            child = conn.execute(
                """select min(child_profile_id) from public.usage_events
                   where occurred_at >= '2026-03-31' and occurred_at < '2026-04-01'
                     and child_profile_id in (select child_profile_id from public.usage_events
                                              where occurred_at >= '2026-04-02')"""
            ).fetchone()[0]
            conn.execute(
                """delete from public.usage_events
                   where child_profile_id = %s
                     and occurred_at >= '2026-03-31' and occurred_at < '2026-04-01'""",
                (child,),
            )
        april = (
            "where scope_kind = 'platform' and month_start = date '2026-04-01'"
            f" and child_profile_id = {child}"
        )
        (before,) = wh.rows("child_activity_months", where=april)
        assert before["previous_active_date"] == dt.date(2026, 3, 31)
        pipeline.backfill(wh.target, dt.date(2026, 3, 31), dt.date(2026, 3, 31))
        (after,) = wh.rows("child_activity_months", where=april)
        assert (after["previous_active_date"] or dt.date.min) < dt.date(2026, 3, 31)
        nightly = wh.every_mart()
        wh.build()
        assert wh.every_mart() == nightly
    finally:
        wh.drop()


def test_the_first_nights_of_a_month_carry_the_months_before(server):
    """On a month's first nights a returning child has no row of the month yet: its last
    active day of the months before is looked up (the child index), and every table
    equals one build of the same dates."""
    first, last = dt.date(2026, 3, 30), dt.date(2026, 4, 2)
    wh = Warehouse(server)
    try:
        with wh.target.connect() as conn:
            generate.generate(conn, "public", first, 4, children=30, books=6, seed=3)
        pipeline.backfill(wh.target, first, dt.date(2026, 3, 31))
        for day in (dt.date(2026, 4, 1), last):
            run = pipeline.daily(wh.target, day)
            assert run.details["touched_dates"] == 0  # April is the first processed month
        carried = wh.rows(
            "child_activity_months",
            where="where month_start = date '2026-04-01' and previous_active_date is not null",
        )
        assert carried, "no April row carries a March day"
        nightly = wh.every_mart()
        wh.build(first, last)
        assert wh.every_mart() == nightly
    finally:
        wh.drop()


def test_the_highest_set_bit_is_exact_for_every_day_mask(warehouse):
    """child_activity_months finds a mask's last day with storytime.highest_set_bit (double
    precision): exact at every power of two, its neighbours and the largest mask."""
    masks = sorted({v for k in range(31) for v in (2**k - 1, 2**k, 2**k + 1)} - {0, 2**31})
    values = ", ".join(f"({m})" for m in masks)
    outcome = dbt_invoke.invoke(
        warehouse.target,
        [
            "compile",
            "--inline",
            "select x, {{ storytime.highest_set_bit('x') }} as bit"
            f" from (values {values}) as masks (x)",
        ],
        quiet=True,
    )
    with warehouse.target.connect() as conn:
        got = dict(conn.execute(outcome.results[0].node.compiled_code).fetchall())
    assert got == {m: m.bit_length() - 1 for m in masks}


def test_a_rerun_after_events_disappear_equals_a_full_build(events_wh):
    """The app deletes events (a data fix): rerunning their dates leaves no all-time row a
    full build would not give, also for pairs with nothing left on the rerun dates."""
    wh = events_wh
    pipeline.backfill(wh.target, FIRST, LAST)
    day = FIRST + dt.timedelta(days=1)
    with wh.target.connect() as conn:
        # every pair active on `day` only loses all its events; others lose some heartbeats
        gone = conn.execute(
            """with single_day as (
                   select child_profile_id, book_id from public.usage_events
                   group by child_profile_id, book_id
                   having min(occurred_at)::date = %(day)s and max(occurred_at)::date = %(day)s)
               delete from public.usage_events as e using single_day as s
               where e.child_profile_id = s.child_profile_id and e.book_id = s.book_id""",
            {"day": day},
        ).rowcount
        conn.execute(
            """delete from public.usage_events
               where event_type = 'heartbeat' and id %% 5 = 0
                 and occurred_at >= %(day)s and occurred_at < %(day)s + interval '1 day'""",
            {"day": day},
        )
    assert gone > 0
    pipeline.backfill(wh.target, day, day)
    assert published(wh) == oracle(source_rows(wh), FIRST, LAST)


def test_a_daily_rerun_after_a_day_s_activity_disappears_equals_a_full_build(events_wh):
    """child_activity_months updates the keys a run changes: a daily rerun of a day whose
    events were deleted (a data fix) clears that day's bit in every mask that had it and
    drops the rows left with no active day (children who watched a book only that day),
    in the build copy and in the published one, as one full build gives."""
    wh = events_wh
    day = FIRST + dt.timedelta(days=2)
    pipeline.backfill(wh.target, FIRST, LAST)
    with wh.target.connect() as conn:
        # the pairs active on `day` only, and one child's whole day, disappear
        gone = conn.execute(
            """with single_day as (
                   select child_profile_id, book_id from public.usage_events
                   group by child_profile_id, book_id
                   having min(occurred_at)::date = %(day)s and max(occurred_at)::date = %(day)s),
               one_child as (
                   select min(child_profile_id) as child_profile_id from public.usage_events
                   where occurred_at::date = %(day)s)
               delete from public.usage_events as e
               where (e.child_profile_id, e.book_id) in (select * from single_day)
                  or (e.child_profile_id = (select child_profile_id from one_child)
                      and e.occurred_at >= %(day)s
                      and e.occurred_at < %(day)s + interval '1 day')""",
            {"day": day},
        ).rowcount
    assert gone > 0
    # a table built before its child index (an upgrade): the run creates the index first
    lookup_index = """select indexname from pg_indexes
        where schemaname = 'analytics_build' and tablename = 'child_activity_months'
          and indexdef like '%%(child_profile_id, scope_kind, scope_id, month_start)'"""
    with wh.target.connect() as conn:
        (index,) = conn.execute(lookup_index).fetchone()
        conn.execute(f'drop index analytics_build."{index}"')
    before = wh.rows("child_activity_months")
    pipeline.daily(wh.target, day)
    after = wh.rows("child_activity_months")
    assert len(after) < len(before), "no month row disappeared with its only day"
    with wh.target.connect() as conn:
        assert conn.execute(lookup_index).fetchone() is not None
    nightly = wh.every_mart()
    wh.build()
    assert wh.every_mart() == nightly


def test_late_rejects_are_counted_on_their_date(events_wh):
    """Bad rows of earlier dates received after they were processed (an offline tablet's
    null book or child, an unknown event type, a book the app deleted) are rejected and
    counted on their date by the next daily run, like any late row: the rejects and the
    reconciliation equal the oracle, also on a date no late row could touch (rows with a
    null key touch no play)."""
    wh = events_wh
    pipeline.backfill(wh.target, FIRST, FIRST + dt.timedelta(days=1))
    wh.execute(
        """insert into public.usage_events
               (id, child_profile_id, book_id, event_type, position_seconds, occurred_at,
                created_at)
           select 910000000 + 10 * d + n,
                  case when d = 0 and n = 2 then null else child_profile_id end,
                  case when d = 0 and n = 1 then null
                       when d = 1 and n = 1 then 999999 else book_id end,
                  case when d = 1 and n = 2 then 'seek' else 'heartbeat' end,
                  position_seconds, occurred_at + interval '20 seconds',
                  (select max(created_at) from public.usage_events) + interval '1 hour'
           from generate_series(0, 1) as d
           cross join lateral (
               select * from public.usage_events
               where event_type = 'play_start'
                 and occurred_at >= %s + d * interval '1 day'
                 and occurred_at < %s + d * interval '1 day'
               order by id limit 1) as first_play
           cross join generate_series(1, 2) as n""",
        (FIRST, FIRST + dt.timedelta(days=1)),
    )
    run = pipeline.daily(wh.target, FIRST + dt.timedelta(days=2))
    assert run.details["touched_dates"] == 1  # the second date's rows name a pair
    rows = source_rows(wh)
    expected = spec_model.compute(**rows, dates=[FIRST + dt.timedelta(days=n) for n in range(3)])
    rejects = wh.rows("int_usage_events_rejected", schema="analytics_intermediate")
    late = sorted(
        (r["usage_event_id"], r["reject_reason"], r["reject_date"])
        for r in rejects
        if r["usage_event_id"] > 910_000_000
    )
    assert late == [
        (910000001, "null_book_id", FIRST),
        (910000002, "null_child_profile_id", FIRST),
        (910000011, "unknown_book_id", FIRST + dt.timedelta(days=1)),
        (910000012, "unknown_event_type", FIRST + dt.timedelta(days=1)),
    ]
    tally = wh.rows("int_usage_events_reconciled", schema="analytics_intermediate")
    assert all(row.pop("unexplained_events") == 0 for row in tally)
    assert normalise(tally, ("count_date",)) == normalise(
        [r for r in expected["reconciliation"] if r["count_date"] <= FIRST + dt.timedelta(days=2)],
        ("count_date",),
    )
    # the run log's figures for its whole date (taken from what dbt counted, not re-read)
    (whole,) = [
        r for r in expected["reconciliation"] if r["count_date"] == FIRST + dt.timedelta(days=2)
    ]
    assert run.rows_read == whole["raw_events"] + run.details["touched_events_read"]
    assert run.rows_rejected == whole["rejected_events"]
    # a rerun of the night counts them once
    pipeline.daily(wh.target, FIRST + dt.timedelta(days=2))

    def state():
        return (
            normalise(
                wh.rows("int_usage_events_rejected", schema="analytics_intermediate"),
                ("usage_event_id",),
            ),
            normalise(
                wh.rows("int_usage_events_reconciled", schema="analytics_intermediate"),
                ("count_date",),
                columns=set(tally[0]),
            ),
        )

    assert state() == (normalise(rejects, ("usage_event_id",)), normalise(tally, ("count_date",)))


def test_rows_received_while_a_daily_run_reads_wait_for_the_next_run(events_wh, monkeypatch):
    """Tablets keep uploading while the nightly job runs. Every model of a run reads the
    rows received up to the receive time the run started from, so rows arriving in between
    (here: heartbeats of the run's own date, received just after it read that time) are in
    none of its tables, and the next run counts them once: its carried-forward raw count
    of that date and the per-play rows equal the oracle."""
    wh = events_wh
    cron.hold_back_events(wh)
    cron.receive(wh, cron.night_of(FIRST + dt.timedelta(days=1)))
    pipeline.backfill(wh.target, FIRST, FIRST + dt.timedelta(days=1))
    day = FIRST + dt.timedelta(days=2)
    cron.receive(wh, cron.night_of(day))
    arriving = cron.night_of(day) + dt.timedelta(minutes=5)
    wh.execute(
        """insert into public.incoming
               (id, child_profile_id, book_id, event_type, position_seconds, occurred_at,
                created_at)
           select 920000000 + row_number() over (), child_profile_id, book_id, 'heartbeat',
                  position_seconds, occurred_at + interval '20 seconds', %s
           from public.usage_events
           where event_type = 'play_start' and occurred_at >= %s and occurred_at < %s""",
        (arriving, day, day + dt.timedelta(days=1)),
    )
    begin = watermark.begin

    def begin_then_receive(conn):
        state = begin(conn)
        assert cron.receive(wh, arriving) > 0  # uploaded while the run reads
        return state

    monkeypatch.setattr(watermark, "begin", begin_then_receive)
    pipeline.daily(wh.target, day)  # its data tests pass: nothing half-counted
    monkeypatch.undo()
    tally = normalise(
        wh.rows("int_usage_events_reconciled", schema="analytics_intermediate"), ("count_date",)
    )
    with wh.target.connect() as conn:
        (visible_then,) = conn.execute(
            """select count(*) from public.usage_events
               where occurred_at >= %s and occurred_at < %s and created_at <= %s""",
            (day, day + dt.timedelta(days=1), cron.night_of(day)),
        ).fetchone()
    assert tally[(day,)]["raw_events"] == visible_then
    run = pipeline.daily(wh.target, day + dt.timedelta(days=1))
    assert run.details["touched_dates"] >= 1
    for later in range(4, DAYS + 1):
        cron.receive(wh, cron.night_of(FIRST + dt.timedelta(days=later)))
        pipeline.daily(wh.target, FIRST + dt.timedelta(days=later))
    cron.receive(wh, dt.datetime.max.replace(tzinfo=dt.timezone.utc))
    pipeline.daily(wh.target, LAST)
    rows = source_rows(wh)
    assert published(wh) == oracle(rows, FIRST, LAST)
    expected = spec_model.compute(
        **rows, dates=[FIRST + dt.timedelta(days=n) for n in range(DAYS + 1)]
    )
    tally = wh.rows("int_usage_events_reconciled", schema="analytics_intermediate")
    assert all(row.pop("unexplained_events") == 0 for row in tally)
    assert normalise(tally, ("count_date",)) == normalise(
        [r for r in expected["reconciliation"] if r["count_date"] <= LAST], ("count_date",)
    )
