"""The synthetic data generator: deterministic, ids that continue, and the realism the
pipeline is meant to cope with (SPEC section 1 and the model in generate.py's docstring)."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from storytime_analytics import db, generate

START = dt.date(2026, 1, 5)  # a Monday: two whole weeks
DAYS = 14
SIZE = {"children": 200, "books": 60, "seed": 3}
EVENT_TYPES = {"play_start", "pause", "resume", "play_end", "heartbeat"}

# macros/operations/init_source.sql, schema "s", plus the partitions the range needs.
DDL = [
    "create schema s",
    "create table s.publishers (id bigint primary key, name text not null,"
    " created_at timestamptz not null default now())",
    "create table s.books (id bigint primary key, publisher_id bigint, title text not null,"
    " created_at timestamptz not null default now())",
    "create table s.video_assets (id bigint primary key, book_id bigint not null,"
    " duration_seconds integer, created_at timestamptz not null default now())",
    "create index on s.video_assets (book_id, created_at)",
    "create table s.users (id bigint primary key, created_at timestamptz not null default now())",
    "create table s.child_profiles (id bigint primary key, user_id bigint,"
    " created_at timestamptz not null default now())",
    "create table s.usage_events (id bigint not null, child_profile_id bigint, book_id bigint,"
    " event_type text, position_seconds integer, occurred_at timestamptz,"
    " created_at timestamptz not null default now(), metadata jsonb)"
    " partition by range (occurred_at)",
    "create table s.usage_events_default partition of s.usage_events default",
    "create index on s.usage_events (child_profile_id, book_id, occurred_at)",
    "create index on s.usage_events (book_id, occurred_at)",
    "create index on s.usage_events (event_type, occurred_at)",
    "create index on s.usage_events (created_at)",
    "create table s.usage_events_y2026m01 partition of s.usage_events"
    " for values from ('2026-01-01 00:00:00+00') to ('2026-02-01 00:00:00+00')",
    "create table s.usage_events_y2026m02 partition of s.usage_events"
    " for values from ('2026-02-01 00:00:00+00') to ('2026-03-01 00:00:00+00')",
]
TABLES = ("publishers", "books", "video_assets", "users", "child_profiles", "usage_events")


class Database:
    """A private database holding the source tables in schema s."""

    def __init__(self, server: db.Target):
        self.name = f"gen_test_{uuid.uuid4().hex[:10]}"
        self.admin = server.with_database("postgres")
        with self.admin.connect(autocommit=True) as conn:
            conn.execute(f'create database "{self.name}"')
        self.target = server.with_database(self.name)
        with self.target.connect() as conn:
            for statement in DDL:
                conn.execute(statement)

    def generate(self, **kwargs) -> dict:
        with self.target.connect() as conn:
            return generate.generate(conn, "s", START, DAYS, **{**SIZE, **kwargs})

    def rows(self, query: str, *params) -> list[tuple]:
        with self.target.connect(options="-c timezone=UTC") as conn:
            return conn.execute(query, params).fetchall()

    def value(self, query: str, *params):
        return self.rows(query, *params)[0][0]

    def checksums(self) -> dict[str, tuple]:
        return {
            t: self.rows(
                f"select count(*), md5(string_agg(x::text, '|' order by id)) from s.{t} x"
            )[0]
            for t in TABLES
        }

    def drop(self) -> None:
        with self.admin.connect(autocommit=True) as conn:
            conn.execute(f'drop database if exists "{self.name}" with (force)')


@pytest.fixture(scope="module")
def server() -> db.Target:
    return db.resolve()


@pytest.fixture(scope="module")
def loaded(server):
    """One generated range, shared by the read-only tests: (database, stats, progress calls)."""
    database = Database(server)
    calls = []
    stats = database.generate(progress=lambda done, total: calls.append((done, total)))
    yield database, stats, calls
    database.drop()


@pytest.fixture
def fresh(server):
    database = Database(server)
    yield database
    database.drop()


# Consecutive events of one child on one book (the pipeline's order).
ORDERED = """
    select *, lag(occurred_at) over w as prev_at, lag(event_type) over w as prev_type,
        lag(position_seconds) over w as prev_position
    from s.usage_events where child_profile_id is not null
    window w as (partition by child_profile_id, book_id order by occurred_at, id)
"""


def test_the_same_arguments_give_the_same_rows_and_ids_continue(loaded, fresh):
    database, first_stats, _ = loaded
    fresh.generate()
    assert fresh.checksums() == database.checksums()

    before = {t: fresh.value(f"select max(id) from s.{t}") for t in TABLES}
    second = fresh.generate(seed=4)
    for table in TABLES:
        count, distinct, lowest = fresh.rows(
            f"select count(*), count(distinct id), min(id) filter (where id > %s) from s.{table}",
            before[table],
        )[0]
        assert count == distinct, table
        assert lowest == before[table] + 1, table
    assert fresh.value("select count(*) from s.usage_events") == (
        first_stats["events"] + second["events"]
    )


def test_stats_match_the_rows_and_the_progress(loaded):
    database, stats, calls = loaded
    assert calls == [(n, DAYS) for n in range(1, DAYS + 1)]
    for table in TABLES[:-1]:
        assert stats[table] == database.value(f"select count(*) from s.{table}")
    assert stats["events"] == database.value("select count(*) from s.usage_events")
    by_type = dict(database.rows("select event_type, count(*) from s.usage_events group by 1"))
    assert by_type == stats["events_by_type"]
    assert set(by_type) == EVENT_TYPES | {"seek"}
    assert stats["events_per_minute"] > 0 and stats["seconds"] >= 0
    # roughly 23 events a child a day at the default calibration
    assert 10 * DAYS * SIZE["children"] < stats["events"] < 40 * DAYS * SIZE["children"]


def test_catalogue_durations_replacements_and_unknown_durations(loaded):
    database, _, _ = loaded
    per_book = database.rows(
        "select b.id, count(a.id), min(a.duration_seconds), max(a.duration_seconds),"
        " count(distinct a.duration_seconds)"
        " from s.books b left join s.video_assets a on a.book_id = b.id group by b.id"
    )
    assert all(n <= 2 for _, n, *_ in per_book)
    usable = [r for r in per_book if r[2] is not None and r[2] > 0]
    assert all(180 <= r[2] and r[3] <= 900 for r in usable)
    replaced = [r for r in per_book if r[1] == 2]
    assert replaced and all(r[4] == 2 for r in replaced)
    unknown = len(per_book) - len(usable)
    assert 1 <= unknown <= 0.06 * len(per_book)
    assert database.value("select count(distinct publisher_id) from s.books") > 1
    assert database.value(
        "select bool_and(a.created_at > %s) from s.video_assets a where exists"
        " (select 1 from s.video_assets o where o.book_id = a.book_id and o.id < a.id)",
        START,
    )


def test_children_register_over_time_and_only_play_afterwards(loaded):
    database, _, _ = loaded
    before, during, days = database.rows(
        "select count(*) filter (where created_at < %s), count(*) filter (where created_at >= %s),"
        " count(distinct created_at::date) filter (where created_at >= %s) from s.child_profiles",
        START,
        START,
        START,
    )[0]
    assert before > during > 0 and days >= DAYS // 2
    per_parent = dict(
        database.rows(
            "select n, count(*) from (select user_id, count(*) n from s.child_profiles"
            " group by 1) x group by 1"
        )
    )
    assert set(per_parent) == {1, 2, 3}
    assert not database.value(
        "select count(*) from s.usage_events e join s.child_profiles c"
        " on c.id = e.child_profile_id where e.occurred_at < c.created_at"
    )


def test_heartbeats_every_45_seconds_with_positions_following_the_clock(loaded):
    database, _, _ = loaded
    median, following = database.rows(
        "select percentile_cont(0.5) within group"
        " (order by extract(epoch from occurred_at - prev_at)),"
        " avg((position_seconds - prev_position = extract(epoch from occurred_at - prev_at))::int)"
        f" from ({ORDERED}) x where event_type = 'heartbeat' and prev_type = 'heartbeat'"
    )[0]
    assert 40 <= median <= 50
    assert following > 0.95


def test_plays_end_at_the_duration_and_some_resume_mid_video(loaded):
    database, _, _ = loaded
    at_duration, mid_video = database.rows(
        "select avg((e.position_seconds in (select duration_seconds from s.video_assets a"
        "   where a.book_id = e.book_id))::int) filter (where event_type = 'play_end'),"
        " avg((position_seconds > 0)::int) filter (where event_type = 'play_start')"
        " from s.usage_events e"
    )[0]
    assert at_duration > 0.95
    assert 0.05 < mid_video < 0.5


def test_pauses_restarts_replays_abandons_and_midnight(loaded):
    database, _, _ = loaded
    counts = database.rows(
        "select"
        " count(*) filter (where prev_type = 'pause' and event_type = 'resume'"
        "   and occurred_at - prev_at > interval '60 minutes'),"
        " count(*) filter (where prev_type = 'heartbeat' and event_type = 'play_start'"
        "   and position_seconds = 0 and occurred_at - prev_at < interval '1 minute'),"
        " count(*) filter (where prev_type = 'play_end' and event_type = 'play_start'"
        "   and occurred_at - prev_at < interval '1 minute'),"
        " count(*) filter (where occurred_at::date > prev_at::date and event_type = 'heartbeat'"
        "   and occurred_at - prev_at < interval '1 minute')"
        f" from ({ORDERED}) x"
    )[0]
    long_pauses, restarts, replays, across_midnight = counts
    assert long_pauses > 0 and restarts > 0 and replays > 0 and across_midnight > 0
    # abandoned: more play_starts than play_ends
    types = dict(database.rows("select event_type, count(*) from s.usage_events group by 1"))
    assert types["play_end"] < 0.95 * types["play_start"]


def test_evenings_peak_in_the_us_evening_and_weekends_are_busier(loaded):
    database, _, _ = loaded
    evening_share = database.value(
        "select avg((extract(hour from occurred_at) in (22, 23, 0, 1, 2, 3))::int)"
        " from s.usage_events"
    )
    assert evening_share > 0.5
    weekend, weekday = database.rows(
        "select avg(n::float) filter (where dow in (0, 6)),"
        " avg(n::float) filter (where dow not in (0, 6))"
        " from (select occurred_at::date d, extract(dow from occurred_at::date) dow, count(*) n"
        "  from s.usage_events where occurred_at >= %s and occurred_at < %s group by 1, 2) x",
        START,
        START + dt.timedelta(days=DAYS),
    )[0]
    assert weekend > 1.15 * weekday


def test_late_uploads_and_receive_latency(loaded):
    database, stats, _ = loaded
    live, late, other, total = database.rows(
        "select count(*) filter (where created_at - occurred_at between '1 s' and '10 s'),"
        " count(*) filter (where created_at - occurred_at between '1 day' and '6 days'),"
        " count(*) filter (where not created_at - occurred_at between '1 s' and '6 days'),"
        " count(*) from s.usage_events"
    )[0]
    assert late == stats["late_uploads"]
    assert live + late == total and other == 0
    assert 0.005 < late / total < 0.05
    horizon = dt.datetime.combine(START + dt.timedelta(days=DAYS), dt.time(), dt.timezone.utc)
    assert not database.value(
        "select count(*) from s.usage_events where created_at - occurred_at > '1 day'"
        " and created_at > %s",
        horizon,
    )


def test_duplicates_and_bad_rows_of_each_kind(loaded):
    database, stats, _ = loaded
    duplicates = database.value(
        "select coalesce(sum(n - 1), 0) from (select count(*) n from s.usage_events"
        " group by child_profile_id, book_id, event_type, occurred_at, position_seconds) x"
    )
    assert duplicates >= stats["duplicates"] > 0
    assert 0.001 < stats["duplicates"] / stats["events"] < 0.01
    seek, null_child, negative, beyond = database.rows(
        "select count(*) filter (where event_type = 'seek'),"
        " count(*) filter (where child_profile_id is null),"
        " count(*) filter (where position_seconds < 0),"
        " count(*) filter (where position_seconds > (select max(duration_seconds)"
        "   from s.video_assets a where a.book_id = e.book_id))"
        " from s.usage_events e"
    )[0]
    assert seek > 0 and null_child > 0 and negative > 0 and beyond > 0
    assert 0.0005 < stats["bad_rows"] / stats["events"] < 0.005
    assert database.value("select count(*) from s.usage_events where book_id is null") == 0


def test_metadata_is_small_json(loaded):
    database, _, _ = loaded
    keys, versions = database.rows(
        "select array_agg(distinct k order by k), count(distinct metadata->>'app_version')"
        " from s.usage_events, jsonb_object_keys(metadata) k"
    )[0]
    assert keys == ["app_version", "device"]
    assert versions == 2
