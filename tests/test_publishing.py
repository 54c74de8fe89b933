"""Write, audit, publish (macros/publish/publish.sql), by fault injection: a reader polling
during a run sees the state before it or after it, never a mix; a run whose data tests fail
publishes nothing, and the next run that passes publishes everything it holds."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from storytime_analytics import dbt_invoke, generate, pipeline
from storytime_analytics.errors import DataTestFailure

from .support import Warehouse

FIRST = dt.date(2026, 2, 9)
DAYS = 3
LAST = FIRST + dt.timedelta(days=DAYS - 1)

# One statement, so one snapshot: figures of four marts that a run rewrites in separate
# dbt models (and, before publishing, in separate transactions).
STATE = """
select
    (select coalesce(sum(total_minutes_watched), 0) from {s}.daily_book_metrics),
    (select coalesce(sum(completion_count), 0) from {s}.daily_book_metrics),
    (select coalesce(sum(total_minutes_watched), 0) from {s}.daily_platform_metrics),
    (select count(*) from {s}.child_viewing_histories),
    (select coalesce(sum(total_views), 0) from {s}.child_viewing_histories),
    (select count(*) from {s}.book_engagement)
"""


@pytest.fixture
def backfilled(server):
    wh = Warehouse(server)
    with wh.target.connect() as conn:
        generate.generate(conn, "public", FIRST, DAYS, children=60, books=10, seed=5)
    pipeline.backfill(wh.target, FIRST, LAST)
    yield wh
    wh.drop()


def state(wh: Warehouse, schema: str = "analytics") -> tuple:
    with wh.target.connect() as conn:
        return conn.execute(STATE.format(s=schema)).fetchone()


def read_during(wh: Warehouse, run) -> list[tuple]:
    """The states a reader polling all along saw while run() ran."""
    seen: list[tuple] = []
    done = threading.Event()

    def poll():
        while not done.is_set():
            seen.append(state(wh))

    reader = threading.Thread(target=poll)
    reader.start()
    try:
        run()
    finally:
        done.set()
        reader.join()
    return seen


def thin_out(wh: Warehouse, day: dt.date) -> None:
    """Change what the day's numbers will be: drop every third play_start of the day."""
    wh.execute(
        """delete from public.usage_events
           where event_type = 'play_start' and id %% 3 = 0
             and occurred_at >= %s and occurred_at < %s""",
        (day, day + dt.timedelta(days=1)),
    )


def test_a_reader_polling_during_a_backfill_sees_only_whole_states(backfilled):
    wh = backfilled
    before = state(wh)
    thin_out(wh, FIRST + dt.timedelta(days=1))
    seen = read_during(wh, lambda: pipeline.backfill(wh.target, FIRST, LAST, chunk_days=1))
    after = state(wh)
    assert after != before  # the run changed the numbers
    assert len(seen) > 20  # the reader read all along
    assert set(seen) <= {before, after}, "a reader saw a mix of two runs"
    assert state(wh, "analytics_build") == after  # published = what dbt built


def test_a_reader_polling_during_a_daily_run_sees_only_whole_states(backfilled):
    wh = backfilled
    before = state(wh)
    # late rows for FIRST: a replay of its plays by a child who never saw those books
    wh.execute(
        """insert into public.usage_events
             (id, child_profile_id, book_id, event_type, position_seconds, occurred_at,
              created_at, metadata)
           select (select max(id) from public.usage_events) + row_number() over (),
                  (select min(id) from public.child_profiles), book_id, event_type,
                  position_seconds, occurred_at, now(), metadata
           from public.usage_events
           where occurred_at >= %s and occurred_at < %s
             and child_profile_id = (select max(id) from public.child_profiles)""",
        (FIRST, FIRST + dt.timedelta(days=1)),
    )
    seen = read_during(wh, lambda: pipeline.daily(wh.target, LAST + dt.timedelta(days=1)))
    after = state(wh)
    assert after != before
    assert len(seen) > 20
    assert set(seen) <= {before, after}, "a reader saw a mix of two runs"


def test_the_month_table_is_vacuumed_after_a_run_rewrote_it(backfilled):
    """child_activity_months' post-hook runs VACUUM after the model's commit, outside a
    transaction block (where PostgreSQL allows it): the windows after it in the same build
    read its rewritten pages by index-only scans without the heap. (vacuum_count counts
    manual vacuums only, not autovacuum's.)"""
    wh = backfilled

    def vacuums() -> int:
        with wh.target.connect() as conn:
            return conn.execute(
                """select vacuum_count from pg_stat_user_tables
                   where schemaname = 'analytics_build' and relname = 'child_activity_months'"""
            ).fetchone()[0]

    before = vacuums()
    pipeline.daily(wh.target, LAST + dt.timedelta(days=1))
    assert vacuums() == before + 1


def test_a_run_whose_tests_fail_publishes_nothing(backfilled, monkeypatch):
    wh = backfilled
    before = state(wh)
    thin_out(wh, LAST)
    monkeypatch.setenv("STORYTIME_INJECT_TEST_FAILURE", "1")
    with pytest.raises(DataTestFailure) as failure:
        pipeline.backfill(wh.target, LAST, LAST)
    assert "fault_injection_fails_when_asked" in str(failure.value)
    assert state(wh) == before  # readers still see the state before the run
    built = state(wh, "analytics_build")
    assert built != before  # while dbt's copy holds the failed run's rows

    with pytest.raises(DataTestFailure) as failure:  # the daily job's dbt build too
        pipeline.daily(wh.target, LAST)
    assert "nothing published" in str(failure.value)
    assert state(wh) == before

    # The bug fixed: the next run that passes tests every row the build holds and
    # publishes them all (not only its own dates).
    monkeypatch.delenv("STORYTIME_INJECT_TEST_FAILURE")
    pipeline.daily(wh.target, LAST + dt.timedelta(days=1))
    assert state(wh) == state(wh, "analytics_build")
    with wh.target.connect() as conn:
        pending, every_row = conn.execute(
            "select unpublished_by, published_every_row from analytics_ops.publication"
        ).fetchone()
    assert (pending, every_row) == (None, True)
    # and the dates the daily run did not process are published too (the failed runs' LAST)
    assert wh.rows("daily_book_metrics", where=f"where metric_date = '{LAST}'") == wh.rows(
        "daily_book_metrics", schema="analytics_build", where=f"where metric_date = '{LAST}'"
    )


def test_published_copies_have_the_grants_and_an_operator_can_republish(backfilled):
    wh = backfilled
    with wh.target.connect() as conn:
        granted = conn.execute(
            """select table_schema, count(*) from information_schema.role_table_grants
               where grantee in ('analytics_reader', 'publisher_reader')
                 and table_schema in ('analytics', 'analytics_build')
               group by table_schema"""
        ).fetchall()
    assert dict(granted).keys() == {"analytics"}  # the build copies grant nothing

    expected = state(wh)
    wh.execute("delete from analytics.daily_book_metrics")  # a published copy damaged
    assert state(wh) != expected
    dbt_invoke.invoke(wh.target, ["run-operation", "publish", "--args", "{full: true}"], quiet=True)
    assert state(wh) == expected
