"""Hand-computed scenarios of SPEC.md sections 2-4.

Each scenario holds the source rows (``inputs``: the keyword arguments of
``tests.reference.spec_model.compute``: events, books, video_assets, users,
child_profiles), the processed dates of ``daily_platform_metrics`` (``dates``) and the
expected output (``expected``: ``{table: [rows]}``), worked out by hand; the arithmetic is
in the comments. The same scenarios serve the pure-Python oracle's unit tests and the
end-to-end tests that load them into PostgreSQL and compare the SQL output.

How ``expected`` is read (see ``mismatches``):
- only the tables a scenario lists are checked;
- for a listed table, the set of row keys (``KEY_COLUMNS``) must be exactly the expected
  one: no row missing, no extra row;
- an expected row may list only the columns the scenario is about; the other columns are
  not checked. Values compare with ``==`` (so Decimal('5.00') == Decimal('5') == 5).

All timestamps are UTC, in February 2026. Ids are small: books 1-3, publishers 10-11,
users (parents) 100-102, children 1-4, video assets 1-9, events numbered per scenario.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

UTC = timezone.utc

KEY_COLUMNS = {
    "daily_book_metrics": ("book_id", "metric_date"),
    "daily_platform_metrics": ("metric_date",),
    "child_viewing_histories": ("child_profile_id", "book_id"),
    "book_dropoff_buckets": ("book_id", "bucket_percent"),
    "book_retention_curve": ("book_id", "percent_mark"),
    "daily_child_lifecycle": ("metric_date",),
    "plays": ("child_profile_id", "book_id", "play_start_at"),
    "rejects": ("id",),
    "reconciliation": ("count_date",),
}

BUCKET_PERCENTS = tuple(range(0, 101, 10))
RETENTION_MARKS = tuple(range(0, 101, 5))


@dataclass(frozen=True)
class Scenario:
    description: str
    inputs: dict[str, list[dict]]
    expected: dict[str, list[dict]]
    dates: tuple[date, ...]  # processed dates (rows of daily_platform_metrics)


# --------------------------------------------------------------------------------------
# builders
# --------------------------------------------------------------------------------------


def day(n: int) -> date:
    """February n, 2026."""
    return date(2026, 2, n)


def at(d: int, hour: int, minute: int, second: int = 0, microsecond: int = 0) -> datetime:
    """February d, 2026, hour:minute:second.microsecond UTC."""
    return datetime(2026, 2, d, hour, minute, second, microsecond, tzinfo=UTC)


JANUARY = datetime(2026, 1, 5, 12, 0, tzinfo=UTC)


def event(
    id: int,
    event_type: str | None,
    occurred_at: datetime | None,
    position: int | None,
    child: int | None = 1,
    book: int | None = 1,
    received: datetime | None = None,
) -> dict:
    """A usage event; received (created_at) 2 s after it occurred unless given."""
    if received is None:
        received = occurred_at + timedelta(seconds=2) if occurred_at else at(28, 23, 0)
    return {
        "id": id,
        "child_profile_id": child,
        "book_id": book,
        "event_type": event_type,
        "position_seconds": position,
        "occurred_at": occurred_at,
        "created_at": received,
    }


def book(id: int, publisher_id: int = 10) -> dict:
    return {"id": id, "publisher_id": publisher_id, "title": f"Book {id}", "created_at": JANUARY}


def asset(id: int, book_id: int, duration: int | None, created_at: datetime = JANUARY) -> dict:
    return {"id": id, "book_id": book_id, "duration_seconds": duration, "created_at": created_at}


def user(id: int, created_at: datetime = JANUARY) -> dict:
    return {"id": id, "created_at": created_at}


def child(id: int, user_id: int) -> dict:
    return {"id": id, "user_id": user_id, "created_at": JANUARY}


def inputs(
    events: list[dict],
    video_assets: list[dict],
    books: list[dict] | None = None,
    users: list[dict] | None = None,
    child_profiles: list[dict] | None = None,
) -> dict[str, list[dict]]:
    """Source rows; by default book 1 (publisher 10), parents 100 and 101 (registered in
    January), child 1 of parent 100 and child 2 of parent 101."""
    return {
        "events": events,
        "books": books if books is not None else [book(1)],
        "video_assets": video_assets,
        "users": users if users is not None else [user(100), user(101)],
        "child_profiles": (
            child_profiles if child_profiles is not None else [child(1, 100), child(2, 101)]
        ),
    }


def book_day(book_id: int, d: int, **columns) -> dict:
    return {"book_id": book_id, "metric_date": day(d), **columns}


def platform_day(d: int, **columns) -> dict:
    return {"metric_date": day(d), **columns}


def history(child_id: int, book_id: int, **columns) -> dict:
    return {"child_profile_id": child_id, "book_id": book_id, **columns}


def play(child_id: int, book_id: int, start: datetime, **columns) -> dict:
    return {"child_profile_id": child_id, "book_id": book_id, "play_start_at": start, **columns}


def buckets(book_id: int, counts: dict[int, int]) -> list[dict]:
    """All eleven bucket rows of a book; buckets not in ``counts`` hold 0."""
    return [
        {"book_id": book_id, "bucket_percent": b, "session_count": counts.get(b, 0)}
        for b in BUCKET_PERCENTS
    ]


def retention(book_id: int, measured: int, reached: dict[int, int]) -> list[dict]:
    """All 21 rows of a book's retention curve; ``reached`` maps the first mark of each run
    of equal counts to the count (marks before the first key hold ``measured``)."""
    rows, count = [], measured
    for mark in RETENTION_MARKS:
        count = reached.get(mark, count)
        rows.append(
            {
                "book_id": book_id,
                "percent_mark": mark,
                "plays_reached": count,
                "plays_measured": measured,
                "share": (D(count) / D(measured)).quantize(D("0.0001"), ROUND_HALF_UP),
            }
        )
    return rows


def zero_platform_day(d: int) -> dict:
    return platform_day(
        d,
        total_play_starts=0,
        total_minutes_watched=D("0.00"),
        unique_children=0,
        unique_parents=0,
        active_books=0,
        new_registrations=0,
    )


# --------------------------------------------------------------------------------------
# comparison
# --------------------------------------------------------------------------------------

_MISSING = object()


def mismatches(actual: dict[str, list[dict]], expected: dict[str, list[dict]]) -> list[str]:
    """Human-readable differences between an output and a scenario's expectations."""
    problems = []
    for table, expected_rows in expected.items():
        keys = KEY_COLUMNS[table]
        actual_by_key: dict[tuple, dict] = {}
        for row in actual.get(table, []):
            key = tuple(row[k] for k in keys)
            if key in actual_by_key:
                problems.append(f"{table}: duplicate key {key}")
            actual_by_key[key] = row
        expected_keys = []
        for row in expected_rows:
            key = tuple(row[k] for k in keys)
            expected_keys.append(key)
            if key not in actual_by_key:
                problems.append(f"{table}: missing row {key}")
                continue
            actual_row = actual_by_key[key]
            for column, value in row.items():
                got = actual_row.get(column, _MISSING)
                if got is _MISSING:
                    problems.append(f"{table} {key}: no column {column}")
                elif got != value or (got is None) != (value is None):
                    problems.append(f"{table} {key}: {column} = {got!r}, expected {value!r}")
        for key in actual_by_key:
            if key not in expected_keys:
                problems.append(f"{table}: unexpected row {key}")
    return problems


# --------------------------------------------------------------------------------------
# scenarios
# --------------------------------------------------------------------------------------


def full_watch_with_pause() -> Scenario:
    # Book 1, 300 s. Child 1 watches it whole on Feb 10 with a 5-minute pause.
    events = [
        event(1, "play_start", at(10, 10, 0, 0), 0),
        event(2, "heartbeat", at(10, 10, 0, 45), 45),  # 1->2: 45 s
        event(3, "heartbeat", at(10, 10, 1, 30), 90),  # 2->3: 45 s
        event(4, "pause", at(10, 10, 2, 0), 120),  # 3->4: 30 s
        event(5, "resume", at(10, 10, 7, 0), 120),  # 4->5: after a pause, 0 s
        event(6, "heartbeat", at(10, 10, 7, 45), 165),  # 5->6: 45 s
        event(7, "heartbeat", at(10, 10, 8, 30), 210),  # 6->7: 45 s
        event(8, "heartbeat", at(10, 10, 9, 15), 255),  # 7->8: 45 s
        event(9, "play_end", at(10, 10, 10, 0), 300),  # 8->9: 45 s
    ]
    # watch = 45 + 45 + 30 + 45 * 4 = 300 s = 5.00 min; one session (largest gap 5 min),
    # one play (a resume does not begin a play); max = final = 300 = duration:
    # complete (300 >= 0.9 * 300 = 270), 100 %, bucket 10 * floor(10 * 1) = 100.
    return Scenario(
        description="a full watch with a pause",
        inputs=inputs(events, [asset(1, 1, 300)]),
        dates=(day(10),),
        expected={
            "daily_book_metrics": [
                book_day(
                    1,
                    10,
                    publisher_id=10,
                    total_play_starts=1,
                    total_play_ends=1,
                    total_minutes_watched=D("5.00"),
                    unique_children=1,
                    completion_count=1,
                    average_watch_percentage=D("100.00"),
                    total_sessions=1,
                    total_plays=1,
                    plays_with_duration=1,
                    valid_plays=1,
                )
            ],
            "daily_platform_metrics": [
                platform_day(
                    10,
                    total_play_starts=1,
                    total_minutes_watched=D("5.00"),
                    unique_children=1,
                    unique_parents=1,
                    active_books=1,
                    new_registrations=0,
                )
            ],
            "child_viewing_histories": [
                history(
                    1,
                    1,
                    total_views=1,
                    total_minutes_watched=D("5.00"),
                    completed_count=1,
                    last_watched_at=at(10, 10, 10, 0),
                    highest_position_seconds=300,
                )
            ],
            "book_dropoff_buckets": buckets(1, {100: 1}),
            "plays": [
                play(
                    1,
                    1,
                    at(10, 10, 0, 0),
                    play_date=day(10),
                    watch_seconds=300,
                    max_position_seconds=300,
                    final_position_seconds=300,
                    duration_seconds=300,
                    is_complete=True,
                    watch_percentage=100,
                    dropoff_bucket=100,
                    duration_band="full_video",
                    starts_session=True,
                )
            ],
            "rejects": [],
        },
    )


def replay_after_play_end() -> Scenario:
    # Book 1, 90 s. Feb 11, one session (largest gap 7 min), three plays.
    events = [
        event(1, "play_start", at(11, 9, 0, 0), 0),  # play A
        event(2, "heartbeat", at(11, 9, 0, 45), 45),  # 1->2: 45 s (A)
        event(3, "play_end", at(11, 9, 1, 30), 90),  # 2->3: 45 s (A)
        event(4, "play_start", at(11, 9, 2, 0), 0),  # play B (replay); 3->4 after play_end: 0
        event(5, "heartbeat", at(11, 9, 2, 45), 45),  # 4->5: 45 s (B)
        event(6, "play_end", at(11, 9, 3, 0), 60),  # 5->6: 15 s (B)
        # the first event after a play_end begins play C even without a play_start
        event(7, "resume", at(11, 9, 10, 0), 60),  # play C; 6->7 after play_end: 0
        event(8, "heartbeat", at(11, 9, 10, 30), 90),  # 7->8: 30 s (C)
    ]
    # A: watch 90, max 90 >= 81 complete, 100 %, bucket 100, full_video
    # B: watch 60, max 60 < 81, 100 * 60 / 90 = 66.666..%, bucket floor(6.67) * 10 = 60,
    #    under_2m
    # C: watch 30, max 90 complete, 100 %, bucket 100, full_video
    # minutes = (90 + 60 + 30) / 60 = 3.00; average % = (100 + 200/3 + 100) / 3 = 800/9
    # = 88.888.. -> 88.89
    return Scenario(
        description="a replay after play_end, and a play begun by the event after a play_end",
        inputs=inputs(events, [asset(1, 1, 90)]),
        dates=(day(11),),
        expected={
            "daily_book_metrics": [
                book_day(
                    1,
                    11,
                    total_play_starts=2,
                    total_play_ends=2,
                    total_minutes_watched=D("3.00"),
                    unique_children=1,
                    completion_count=2,
                    average_watch_percentage=D("88.89"),
                    total_sessions=1,
                    total_plays=3,
                )
            ],
            "child_viewing_histories": [
                history(
                    1,
                    1,
                    total_views=3,
                    total_minutes_watched=D("3.00"),
                    completed_count=2,
                    last_watched_at=at(11, 9, 10, 30),
                    highest_position_seconds=90,
                )
            ],
            "book_dropoff_buckets": buckets(1, {60: 1, 100: 2}),
            "plays": [
                play(1, 1, at(11, 9, 0, 0), watch_seconds=90, is_complete=True,
                     watch_percentage=100, dropoff_bucket=100, duration_band="full_video",
                     starts_session=True),
                # watch_percentage 200/3 is not a finite decimal: checked in the unit test
                play(1, 1, at(11, 9, 2, 0), watch_seconds=60, max_position_seconds=60,
                     final_position_seconds=60, is_complete=False, dropoff_bucket=60,
                     duration_band="under_2m", starts_session=False),
                play(1, 1, at(11, 9, 10, 0), watch_seconds=30, max_position_seconds=90,
                     is_complete=True, watch_percentage=100, dropoff_bucket=100,
                     duration_band="full_video", starts_session=False),
            ],
        },
    )  # fmt: skip


def restart_within_the_hour() -> Scenario:
    # Book 1, 600 s. Feb 12: a play_start 18.5 minutes into a play (no play_end): same
    # session, a new play.
    events = [
        event(1, "play_start", at(12, 14, 0, 0), 0),  # play A
        event(2, "heartbeat", at(12, 14, 0, 45), 45),  # 1->2: 45 s (A)
        event(3, "heartbeat", at(12, 14, 1, 30), 90),  # 2->3: 45 s (A)
        event(4, "play_start", at(12, 14, 20, 0), 0),  # play B; 3->4: min(1110, 45) = 45 s (A)
        event(5, "heartbeat", at(12, 14, 20, 45), 45),  # 4->5: 45 s (B)
        event(6, "pause", at(12, 14, 21, 0), 60),  # 5->6: 15 s (B)
    ]
    # A: watch 45 + 45 + 45 = 135 (2_5m), max = final = 90: 15 %, bucket floor(1.5) = 10
    # B: watch 45 + 15 = 60 (under_2m), max = final = 60: 10 %, bucket floor(1.0) = 10
    # minutes 195 / 60 = 3.25; average (15 + 10) / 2 = 12.50; one session, two plays
    return Scenario(
        description="a restart within the hour: new play, same session",
        inputs=inputs(events, [asset(1, 1, 600)]),
        dates=(day(12),),
        expected={
            "daily_book_metrics": [
                book_day(
                    1,
                    12,
                    total_play_starts=2,
                    total_play_ends=0,
                    total_minutes_watched=D("3.25"),
                    unique_children=1,
                    completion_count=0,
                    average_watch_percentage=D("12.50"),
                    total_sessions=1,
                    total_plays=2,
                )
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=2, total_minutes_watched=D("3.25"), completed_count=0,
                        last_watched_at=at(12, 14, 21, 0), highest_position_seconds=90),
            ],
            "book_dropoff_buckets": buckets(1, {10: 2}),
            "plays": [
                play(1, 1, at(12, 14, 0, 0), watch_seconds=135, max_position_seconds=90,
                     final_position_seconds=90, watch_percentage=15, dropoff_bucket=10,
                     duration_band="2_5m", starts_session=True),
                play(1, 1, at(12, 14, 20, 0), watch_seconds=60, max_position_seconds=60,
                     final_position_seconds=60, watch_percentage=10, dropoff_bucket=10,
                     duration_band="under_2m", starts_session=False),
            ],
        },
    )  # fmt: skip


def resume_after_more_than_an_hour() -> Scenario:
    # Book 1, 600 s. Feb 13.
    events = [
        event(1, "play_start", at(13, 8, 0, 0), 0),  # session 1, play A
        event(2, "heartbeat", at(13, 8, 0, 45), 45),  # 1->2: 45 s
        event(3, "pause", at(13, 8, 1, 0), 60),  # 2->3: 15 s
        # 3->4: 2 h 29 min > 60 min: new session, so a new play, nothing counted
        event(4, "resume", at(13, 10, 30, 0), 60),  # session 2, play B
        event(5, "heartbeat", at(13, 10, 30, 45), 105),  # 4->5: 45 s
        event(6, "pause", at(13, 10, 31, 0), 120),  # 5->6: 15 s
        # 6->7: exactly 60 min: same session, same play; after a pause: 0 s
        event(7, "resume", at(13, 11, 31, 0), 120),
        event(8, "heartbeat", at(13, 11, 31, 45), 165),  # 7->8: 45 s
        event(9, "play_end", at(13, 11, 32, 0), 180),  # 8->9: 15 s
    ]
    # A: watch 60 (under_2m), max = final = 60: 10 %, bucket 10
    # B: watch 45 + 15 + 45 + 15 = 120 (not < 120: 2_5m), max = final = 180: 30 %,
    #    bucket 30
    # minutes 180 / 60 = 3.00; average (10 + 30) / 2 = 20.00; 2 sessions, 2 plays
    return Scenario(
        description="a resume after more than an hour: new session and new play; "
        "a gap of exactly an hour does not split",
        inputs=inputs(events, [asset(1, 1, 600)]),
        dates=(day(13),),
        expected={
            "daily_book_metrics": [
                book_day(
                    1,
                    13,
                    total_play_starts=1,
                    total_play_ends=1,
                    total_minutes_watched=D("3.00"),
                    unique_children=1,
                    completion_count=0,
                    average_watch_percentage=D("20.00"),
                    total_sessions=2,
                    total_plays=2,
                )
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=2, total_minutes_watched=D("3.00"), completed_count=0,
                        last_watched_at=at(13, 11, 32, 0), highest_position_seconds=180),
            ],
            "book_dropoff_buckets": buckets(1, {10: 1, 30: 1}),
            "plays": [
                play(1, 1, at(13, 8, 0, 0), watch_seconds=60, max_position_seconds=60,
                     watch_percentage=10, dropoff_bucket=10, duration_band="under_2m",
                     starts_session=True),
                play(1, 1, at(13, 10, 30, 0), watch_seconds=120, max_position_seconds=180,
                     final_position_seconds=180, watch_percentage=30, dropoff_bucket=30,
                     duration_band="2_5m", starts_session=True),
            ],
        },
    )  # fmt: skip


def book_without_duration() -> Scenario:
    # Book 3 (publisher 11) has two assets, neither usable: duration null and duration 0.
    events = [
        event(1, "play_start", at(14, 12, 0, 0), 0, book=3),
        event(2, "heartbeat", at(14, 12, 0, 45), 45, book=3),  # 1->2: 45 s
        event(3, "heartbeat", at(14, 12, 1, 30), 5000, book=3),  # 2->3: 45 s; not clamped
        event(4, "play_end", at(14, 12, 2, 0), 5030, book=3),  # 3->4: 30 s
    ]
    # watch 120 s = 2.00 min (2_5m); duration unknown: not complete, no percentage,
    # no bucket (so no drop-off rows at all), average null
    return Scenario(
        description="a book without a duration",
        inputs=inputs(
            events,
            [asset(1, 3, None), asset(2, 3, 0, created_at=at(1, 0, 0))],
            books=[book(3, publisher_id=11)],
        ),
        dates=(day(14),),
        expected={
            "daily_book_metrics": [
                book_day(
                    3,
                    14,
                    publisher_id=11,
                    total_play_starts=1,
                    total_play_ends=1,
                    total_minutes_watched=D("2.00"),
                    unique_children=1,
                    completion_count=0,
                    average_watch_percentage=None,
                    total_sessions=1,
                    total_plays=1,
                    plays_with_duration=0,  # the rate is unknown, not 0
                    valid_plays=1,  # 120 s >= 30 s
                )
            ],
            "child_viewing_histories": [
                history(1, 3, total_views=1, total_minutes_watched=D("2.00"), completed_count=0,
                        last_watched_at=at(14, 12, 2, 0), highest_position_seconds=5030),
            ],
            "book_dropoff_buckets": [],
            "plays": [
                play(1, 3, at(14, 12, 0, 0), watch_seconds=120, max_position_seconds=5030,
                     final_position_seconds=5030, duration_seconds=None, is_complete=False,
                     watch_percentage=None, dropoff_bucket=None, duration_band="2_5m",
                     is_valid=True),
            ],
        },
    )  # fmt: skip


def asset_replaced_mid_range() -> Scenario:
    # Book 1: asset 1 (200 s, January); asset 2 (100 s) created Feb 16 12:00, so the
    # duration is 200 up to Feb 15 and 100 from Feb 16 (created before the end of that
    # day, even for events earlier that day); asset 3 (null, Feb 17) is ignored.
    video_assets = [
        asset(1, 1, 200),
        asset(2, 1, 100, created_at=at(16, 12, 0)),
        asset(3, 1, None, created_at=at(17, 0, 0)),
    ]
    events = [
        # child 1, Feb 15 (duration 200): 1->2 45 s, 2->3 15 s
        event(1, "play_start", at(15, 10, 0, 0), 0),
        event(2, "heartbeat", at(15, 10, 0, 45), 150),
        event(3, "play_end", at(15, 10, 1, 0), 190),
        # child 1, Feb 16 08:00 (duration 100): positions clamped to 100
        event(4, "play_start", at(16, 8, 0, 0), 0),
        event(5, "heartbeat", at(16, 8, 0, 45), 105),  # -> 100 (at most 10 % above)
        event(6, "play_end", at(16, 8, 1, 0), 110),  # -> 100 (exactly 10 % above)
        # child 1, Feb 17 (duration 100)
        event(7, "play_start", at(17, 9, 0, 0), 0),
        event(8, "heartbeat", at(17, 9, 0, 45), 50),
        event(9, "pause", at(17, 9, 1, 0), 60),
        # child 2 starts on Feb 15 (play duration 200) and goes past midnight: the Feb 16
        # events are clamped with Feb 16's duration (100)
        event(10, "play_start", at(15, 23, 59, 30), 0, child=2),  # 10->11: 45 s on Feb 15
        event(11, "heartbeat", at(16, 0, 0, 15), 105, child=2),  # -> 100; 11->12: 15 s Feb 16
        event(12, "play_end", at(16, 0, 0, 30), 110, child=2),  # -> 100 (not 110 < 200)
    ]
    # child 1, Feb 15: watch 60, max = final 190 of 200: 190 >= 180 complete, 95 %,
    #   bucket floor(9.5) = 90, full_video
    # child 1, Feb 16: watch 60, max = final 100 of 100: complete, 100 %, bucket 100
    # child 1, Feb 17: watch 60, max = final 60 of 100: 60 %, bucket 60, under_2m
    # child 2, play of Feb 15: watch 45 + 15 = 60, max = final 100 (clamped) of 200:
    #   100 < 180 not complete, 50 %, bucket 50, under_2m
    # Feb 15: starts 2 (ev 1, 10), ends 1 (ev 3), minutes (60 + 45) / 60 = 1.75, children
    #   {1, 2}, completions 1, average (95 + 50) / 2 = 72.50, sessions 2, plays 2
    # Feb 16: starts 1 (ev 4), ends 2 (ev 6, 12), minutes (60 + 15) / 60 = 1.25, children
    #   {1, 2}, completions 1, average 100.00, sessions 1 (child 2's began Feb 15), plays 1
    # Feb 17: starts 1, ends 0, minutes 1.00, 1 child, 0 completions, average 60.00
    return Scenario(
        description="a video asset replaced mid-range: old days keep the old duration",
        inputs=inputs(events, video_assets),
        dates=(day(15), day(16), day(17)),
        expected={
            "daily_book_metrics": [
                book_day(1, 15, total_play_starts=2, total_play_ends=1,
                         total_minutes_watched=D("1.75"), unique_children=2, completion_count=1,
                         average_watch_percentage=D("72.50"), total_sessions=2, total_plays=2),
                book_day(1, 16, total_play_starts=1, total_play_ends=2,
                         total_minutes_watched=D("1.25"), unique_children=2, completion_count=1,
                         average_watch_percentage=D("100.00"), total_sessions=1, total_plays=1),
                book_day(1, 17, total_play_starts=1, total_play_ends=0,
                         total_minutes_watched=D("1.00"), unique_children=1, completion_count=0,
                         average_watch_percentage=D("60.00"), total_sessions=1, total_plays=1),
            ],
            "daily_platform_metrics": [
                platform_day(15, total_play_starts=2, total_minutes_watched=D("1.75"),
                             unique_children=2, unique_parents=2, active_books=1),
                platform_day(16, total_play_starts=1, total_minutes_watched=D("1.25"),
                             unique_children=2, unique_parents=2, active_books=1),
                platform_day(17, total_play_starts=1, total_minutes_watched=D("1.00"),
                             unique_children=1, unique_parents=1, active_books=1),
            ],
            "child_viewing_histories": [
                # child 1: 3 plays, 180 s, highest clamped position 190 (Feb 15)
                history(1, 1, total_views=3, total_minutes_watched=D("3.00"), completed_count=2,
                        last_watched_at=at(17, 9, 1, 0), highest_position_seconds=190),
                history(2, 1, total_views=1, total_minutes_watched=D("1.00"), completed_count=0,
                        last_watched_at=at(16, 0, 0, 30), highest_position_seconds=100),
            ],
            "book_dropoff_buckets": buckets(1, {50: 1, 60: 1, 90: 1, 100: 1}),
            "plays": [
                play(1, 1, at(15, 10, 0, 0), duration_seconds=200, max_position_seconds=190,
                     is_complete=True, watch_percentage=95, dropoff_bucket=90),
                play(1, 1, at(16, 8, 0, 0), duration_seconds=100, max_position_seconds=100,
                     is_complete=True, watch_percentage=100, dropoff_bucket=100),
                play(1, 1, at(17, 9, 0, 0), duration_seconds=100, max_position_seconds=60,
                     is_complete=False, watch_percentage=60, dropoff_bucket=60),
                play(2, 1, at(15, 23, 59, 30), play_date=day(15), duration_seconds=200,
                     watch_seconds=60, max_position_seconds=100, final_position_seconds=100,
                     is_complete=False, watch_percentage=50, dropoff_bucket=50,
                     duration_band="under_2m"),
            ],
        },
    )  # fmt: skip


def play_across_midnight() -> Scenario:
    # Book 1, 3600 s. One session from Feb 18 23:59 to Feb 19 06:00:30 (every gap <= 60
    # min). The play's cut is Feb 19 06:00:00 (exclusive).
    events = [
        event(1, "play_start", at(18, 23, 59, 0), 0),  # 1->2: 45 s, Feb 18
        event(2, "heartbeat", at(18, 23, 59, 45), 45),  # 2->3: 45 s, Feb 18
        event(3, "heartbeat", at(19, 0, 0, 30), 90),  # 3->4: 10 s, Feb 19
        event(4, "pause", at(19, 0, 0, 40), 100),  # 4->5: after a pause, 0 (gap 58m20s)
        event(5, "resume", at(19, 0, 59, 0), 100),  # 5->6: min(59 min, 45) = 45 s
        event(6, "pause", at(19, 1, 58, 0), 145),  # 6->7: after a pause, 0
        event(7, "resume", at(19, 2, 57, 0), 145),  # 7->8: 45 s
        event(8, "pause", at(19, 3, 56, 0), 190),  # 8->9: after a pause, 0
        event(9, "resume", at(19, 4, 55, 0), 190),  # 9->10: 45 s
        event(10, "heartbeat", at(19, 5, 54, 0), 235),  # 10->11: 45 s, b at the cut
        event(11, "heartbeat", at(19, 6, 0, 0), 3300),  # at the cut: not a play fact
        event(12, "play_end", at(19, 6, 0, 30), 3400),  # 11->12: 30 s, after the cut
    ]
    # minutes: Feb 18 = 45 + 45 = 90 s = 1.50; Feb 19 = 10 + 45 + 45 + 45 + 45 + 30
    #   = 220 s = 3.666.. -> 3.67; all time 310 s = 5.1666.. -> 5.17
    # the play (Feb 18): watch = intervals with both ends before the cut
    #   = 45 + 45 + 10 + 45 + 45 + 45 = 235 s (2_5m); max = final = 235 (events 1..10);
    #   235 < 3240 not complete; 100 * 235 / 3600 = 6.5277..% -> average 6.53;
    #   bucket floor(0.65) = 0. Without the cut it would be complete (3400 >= 3240).
    # Feb 19: one play_end, no play_start, no session start, no play
    return Scenario(
        description="a play across midnight: minutes split, play on its start day, "
        "events after 06:00 next day out of the play's facts",
        inputs=inputs(events, [asset(1, 1, 3600)]),
        dates=(day(18), day(19)),
        expected={
            "daily_book_metrics": [
                book_day(1, 18, total_play_starts=1, total_play_ends=0,
                         total_minutes_watched=D("1.50"), unique_children=1, completion_count=0,
                         average_watch_percentage=D("6.53"), total_sessions=1, total_plays=1),
                book_day(1, 19, total_play_starts=0, total_play_ends=1,
                         total_minutes_watched=D("3.67"), unique_children=1, completion_count=0,
                         average_watch_percentage=None, total_sessions=0, total_plays=0),
            ],
            "daily_platform_metrics": [
                platform_day(18, total_play_starts=1, total_minutes_watched=D("1.50"),
                             unique_children=1, unique_parents=1, active_books=1,
                             new_registrations=0),
                platform_day(19, total_play_starts=0, total_minutes_watched=D("3.67"),
                             unique_children=1, unique_parents=1, active_books=0,
                             new_registrations=0),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=1, total_minutes_watched=D("5.17"), completed_count=0,
                        last_watched_at=at(19, 6, 0, 30), highest_position_seconds=3400),
            ],
            "book_dropoff_buckets": buckets(1, {0: 1}),
            "plays": [
                # watch_percentage 235/36 is not a finite decimal: checked in the unit test
                play(1, 1, at(18, 23, 59, 0), play_date=day(18), watch_seconds=235,
                     max_position_seconds=235, final_position_seconds=235, is_complete=False,
                     dropoff_bucket=0, duration_band="2_5m"),
            ],
        },
    )  # fmt: skip


def exact_duplicates() -> Scenario:
    # Book 1, 300 s. Feb 20.
    events = [
        event(1, "play_start", at(20, 10, 0, 0), 0),
        event(2, "play_start", at(20, 10, 0, 0), 0),  # duplicate of 1: dropped
        event(4, "heartbeat", at(20, 10, 0, 45), 45),  # duplicate of 3 (lower id wins)
        event(3, "heartbeat", at(20, 10, 0, 45), 45),
        event(5, "heartbeat", at(20, 10, 0, 45), 46),  # other position: kept
        event(6, "heartbeat", at(20, 10, 1, 30), -1),  # -> null
        event(7, "heartbeat", at(20, 10, 1, 30), -5),  # raw -5 != -1: kept (-> null)
        event(8, "play_end", at(20, 10, 2, 0), 120),
        event(9, "play_end", at(20, 10, 2, 0), 120),  # duplicate of 8: dropped
        event(10, "play_end", at(20, 10, 2, 0), 120, child=2),  # other child: kept
    ]
    # child 1 after de-duplication, in order: 1 (0), 3 (45), 5 (46), 6 (null), 7 (null),
    # 8 (120). Intervals: 1->3 45, 3->5 0, 5->6 45, 6->7 0, 7->8 30 = 120 s (2_5m, as
    # 120 is not < 120); one play, max = final = 120 of 300: 40 %, bucket 40.
    # child 2: a lone play_end: a play of its own, no interval, 120 of 300: 40 %, bucket 40
    # day: starts 1, ends 2, minutes 2.00, children 2, sessions 2, plays 2, average 40.00
    return Scenario(
        description="exact duplicates count once",
        inputs=inputs(events, [asset(1, 1, 300)]),
        dates=(day(20),),
        expected={
            "daily_book_metrics": [
                book_day(1, 20, total_play_starts=1, total_play_ends=2,
                         total_minutes_watched=D("2.00"), unique_children=2, completion_count=0,
                         average_watch_percentage=D("40.00"), total_sessions=2, total_plays=2),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=1, total_minutes_watched=D("2.00"), completed_count=0,
                        last_watched_at=at(20, 10, 2, 0), highest_position_seconds=120),
                history(2, 1, total_views=1, total_minutes_watched=D("0.00"), completed_count=0,
                        last_watched_at=at(20, 10, 2, 0), highest_position_seconds=120),
            ],
            "book_dropoff_buckets": buckets(1, {40: 2}),
            "plays": [
                play(1, 1, at(20, 10, 0, 0), watch_seconds=120, max_position_seconds=120,
                     final_position_seconds=120, watch_percentage=40, dropoff_bucket=40,
                     duration_band="2_5m"),
                play(2, 1, at(20, 10, 2, 0), watch_seconds=0, max_position_seconds=120,
                     watch_percentage=40, dropoff_bucket=40, duration_band="under_2m",
                     starts_session=True),
            ],
            "rejects": [],
        },
    )  # fmt: skip


def rejected_rows() -> Scenario:
    # Book 1, 300 s. Feb 21. Unknown types and null keys are rejected (first failing check).
    events = [
        event(1, "play_start", at(21, 10, 0, 0), 0),
        event(2, "seek", at(21, 10, 0, 10), 10, child=2),  # unknown type (child 2 not counted)
        event(3, "heartbeat", at(21, 10, 0, 45), 45, child=None),  # null child
        event(4, "heartbeat", at(21, 10, 0, 45), 45, book=None),  # null book
        # null occurred_at: counted on the day it was received
        event(5, "heartbeat", None, 45, received=at(21, 10, 0, 50)),
        event(6, "PLAY_END", at(21, 10, 1, 0), 60, child=None),  # unknown type comes first
        event(7, None, at(21, 10, 1, 0), 60),  # null type: unknown
        event(8, "heartbeat", at(21, 10, 0, 45), 45),  # 1->8: 45 s
        event(9, "play_end", at(21, 10, 1, 0), 60),  # 8->9: 15 s
    ]
    # cleaned: 1, 8, 9 -> watch 60 s = 1.00 min, max = final = 60 of 300: 20 %, bucket 20
    # reconciliation of Feb 21: 9 raw = 3 cleaned + 0 duplicates + 6 rejected
    return Scenario(
        description="unknown event types and null keys are rejected with a reason",
        inputs=inputs(events, [asset(1, 1, 300)]),
        dates=(day(21),),
        expected={
            "daily_book_metrics": [
                book_day(1, 21, total_play_starts=1, total_play_ends=1,
                         total_minutes_watched=D("1.00"), unique_children=1, completion_count=0,
                         average_watch_percentage=D("20.00"), total_sessions=1, total_plays=1),
            ],
            "daily_platform_metrics": [
                platform_day(21, total_play_starts=1, total_minutes_watched=D("1.00"),
                             unique_children=1, unique_parents=1, active_books=1),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=1, total_minutes_watched=D("1.00"),
                        last_watched_at=at(21, 10, 1, 0), highest_position_seconds=60),
            ],
            "rejects": [
                {"id": 2, "reason": "unknown_event_type"},
                {"id": 3, "reason": "null_child_profile_id"},
                {"id": 4, "reason": "null_book_id"},
                {"id": 5, "reason": "null_occurred_at"},
                {"id": 6, "reason": "unknown_event_type"},
                {"id": 7, "reason": "unknown_event_type"},
            ],
            "reconciliation": [
                {"count_date": day(21), "raw_events": 9, "cleaned_events": 3,
                 "duplicate_events": 0, "rejected_events": 6},
            ],
        },
    )  # fmt: skip


def negative_and_over_duration_positions() -> Scenario:
    # Book 1, 120 s. Feb 22.
    events = [
        event(1, "play_start", at(22, 10, 0, 0), -3),  # -> null
        event(2, "heartbeat", at(22, 10, 0, 45), 45),  # 1->2: 45 s
        # 126 is 5 % above the duration (at most 10 %): clamped to 120; 2->3: 45 s
        event(3, "heartbeat", at(22, 10, 1, 30), 126),
        event(4, "heartbeat", at(22, 10, 2, 15), -1),  # -> null; 3->4: 45 s
        event(5, "pause", at(22, 10, 2, 20), None),  # 4->5: 5 s
        # child 2: no known position at all
        event(6, "play_start", at(22, 12, 0, 0), -10, child=2),  # 6->7: 45 s
        event(7, "heartbeat", at(22, 12, 0, 45), -20, child=2),  # 7->8: 15 s
        event(8, "play_end", at(22, 12, 1, 0), None, child=2),
    ]
    # child 1: watch 140 s; max 120, final 120 (last known: event 3): 120 >= 108 complete,
    #   100 %, bucket 100, full_video
    # child 2: watch 60 s; no known position: not complete, no %, no bucket, under_2m;
    #   highest position 0
    # day: minutes (140 + 60) / 60 = 3.333.. -> 3.33; average over known % only: 100.00
    return Scenario(
        description="negative positions are unknown, positions above the duration clamped",
        inputs=inputs(events, [asset(1, 1, 120)]),
        dates=(day(22),),
        expected={
            "daily_book_metrics": [
                book_day(1, 22, total_play_starts=2, total_play_ends=1,
                         total_minutes_watched=D("3.33"), unique_children=2, completion_count=1,
                         average_watch_percentage=D("100.00"), total_sessions=2, total_plays=2),
            ],
            "daily_platform_metrics": [
                platform_day(22, total_play_starts=2, total_minutes_watched=D("3.33"),
                             unique_children=2, unique_parents=2, active_books=1),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=1, total_minutes_watched=D("2.33"), completed_count=1,
                        last_watched_at=at(22, 10, 2, 20), highest_position_seconds=120),
                history(2, 1, total_views=1, total_minutes_watched=D("1.00"), completed_count=0,
                        last_watched_at=at(22, 12, 1, 0), highest_position_seconds=0),
            ],
            "book_dropoff_buckets": buckets(1, {100: 1}),
            "plays": [
                play(1, 1, at(22, 10, 0, 0), watch_seconds=140, max_position_seconds=120,
                     final_position_seconds=120, is_complete=True, watch_percentage=100,
                     dropoff_bucket=100, duration_band="full_video"),
                play(2, 1, at(22, 12, 0, 0), watch_seconds=60, max_position_seconds=None,
                     final_position_seconds=None, is_complete=False, watch_percentage=None,
                     dropoff_bucket=None, duration_band="under_2m"),
            ],
        },
    )  # fmt: skip


def bad_source_rows() -> Scenario:
    # Book 1, 300 s. Feb 7, "now" = 12:00. Book 2 has a video but no books row.
    now = at(7, 12, 0)
    events = [
        # child 1: a corrupt position must not complete the play
        event(1, "play_start", at(7, 10, 0, 0), 0),  # 1->2: 45 s
        event(2, "heartbeat", at(7, 10, 0, 45), 45),  # 2->3: 45 s
        event(3, "heartbeat", at(7, 10, 1, 30), 2147483647),  # corrupt -> unknown; 3->4: 30 s
        event(4, "play_end", at(7, 10, 2, 0), 90),
        event(5, "play_end", at(7, 10, 2, 0), 90),  # exact duplicate of 4
        # child 2: overruns of 20 % (unknown), exactly 10 % and 5 % (clamped to 300)
        event(6, "play_start", at(7, 11, 0, 0), 0, child=2),  # 6->7: 45 s
        event(7, "heartbeat", at(7, 11, 0, 45), 360, child=2),  # 60 > 30: unknown; 45 s
        event(8, "heartbeat", at(7, 11, 1, 30), 330, child=2),  # 30, not > 30: 300; 30 s
        event(9, "play_end", at(7, 11, 2, 0), 315, child=2),  # 15: 300
        # rejected, all counted on Feb 7
        event(10, "play_start", at(7, 11, 30, 0), 0, book=2),  # no books row
        event(11, "heartbeat", datetime(1970, 1, 1, tzinfo=UTC), 45, received=now),  # reset clock
        event(12, "heartbeat", datetime(2100, 1, 1, tzinfo=UTC), 45, received=now),  # far ahead
        event(13, "heartbeat", at(7, 13, 1, 0), 45, received=now),  # 61 min ahead
        # exactly 60 min ahead is plausible: child 3 (no profile), a play of its own
        event(14, "play_start", at(7, 13, 0, 0), 0, child=3, received=now),
    ]
    # child 1: watch 45 + 45 + 30 = 120 s (2_5m: 120 is not < 120); max = final = 90
    #   (the 2147483647 is unknown; clamped it would have completed the play): 30 %,
    #   bucket 30, not complete
    # child 2: watch 120 s; max = final = 300 (330 and 315 clamped, 360 unknown): complete,
    #   100 %, bucket 100, full_video
    # child 3: a lone play_start at 13:00: watch 0, position 0: 0 %, bucket 0, under_2m
    # day: starts 3, ends 2, minutes 240 / 60 = 4.00, children 3 (parents 2: child 3 has no
    #   profile), sessions 3, plays 3, completions 1, average (30 + 100 + 0) / 3 = 43.33
    # reconciliation: 14 raw = 9 cleaned + 1 duplicate + 4 rejected
    return Scenario(
        description="unknown books, implausible times and corrupt positions are rejected",
        inputs=inputs(events, [asset(1, 1, 300), asset(2, 2, 300)]),
        dates=(day(7),),
        expected={
            "daily_book_metrics": [
                book_day(1, 7, publisher_id=10, total_play_starts=3, total_play_ends=2,
                         total_minutes_watched=D("4.00"), unique_children=3, completion_count=1,
                         average_watch_percentage=D("43.33"), total_sessions=3, total_plays=3),
            ],
            "daily_platform_metrics": [
                platform_day(7, total_play_starts=3, total_minutes_watched=D("4.00"),
                             unique_children=3, unique_parents=2, active_books=1,
                             new_registrations=0),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=1, total_minutes_watched=D("2.00"), completed_count=0,
                        last_watched_at=at(7, 10, 2, 0), highest_position_seconds=90),
                history(2, 1, total_views=1, total_minutes_watched=D("2.00"), completed_count=1,
                        last_watched_at=at(7, 11, 2, 0), highest_position_seconds=300),
                history(3, 1, total_views=1, total_minutes_watched=D("0.00"), completed_count=0,
                        last_watched_at=at(7, 13, 0, 0), highest_position_seconds=0),
            ],
            "book_dropoff_buckets": buckets(1, {0: 1, 30: 1, 100: 1}),
            "plays": [
                play(1, 1, at(7, 10, 0, 0), watch_seconds=120, max_position_seconds=90,
                     final_position_seconds=90, is_complete=False, watch_percentage=30,
                     dropoff_bucket=30, duration_band="2_5m"),
                play(2, 1, at(7, 11, 0, 0), watch_seconds=120, max_position_seconds=300,
                     final_position_seconds=300, is_complete=True, watch_percentage=100,
                     dropoff_bucket=100, duration_band="full_video"),
                play(3, 1, at(7, 13, 0, 0), watch_seconds=0, max_position_seconds=0,
                     watch_percentage=0, dropoff_bucket=0, duration_band="under_2m"),
            ],
            "rejects": [
                {"id": 10, "reason": "unknown_book_id", "reject_date": day(7)},
                {"id": 11, "reason": "implausible_occurred_at", "reject_date": day(7)},
                {"id": 12, "reason": "implausible_occurred_at", "reject_date": day(7)},
                {"id": 13, "reason": "implausible_occurred_at", "reject_date": day(7)},
            ],
            "reconciliation": [
                {"count_date": day(7), "raw_events": 14, "cleaned_events": 9,
                 "duplicate_events": 1, "rejected_events": 4},
            ],
        },
    )  # fmt: skip


def abandoned_play() -> Scenario:
    # Book 1, 600 s. Feb 23. No play_end: the play stops counting at its last heartbeat.
    events = [
        event(1, "play_start", at(23, 10, 0, 0), 0),  # 1->2: 45 s
        event(2, "heartbeat", at(23, 10, 0, 45), 45),  # 2->3: 45 s
        event(3, "heartbeat", at(23, 10, 1, 30), 90),  # 3->4: 45 s
        event(4, "heartbeat", at(23, 10, 2, 15), 135),  # last of its session: nothing after
        # 2 h 45 min later: a new session
        event(5, "play_start", at(23, 13, 0, 0), 0),  # 5->6: 30 s
        event(6, "play_end", at(23, 13, 0, 30), 30),
    ]
    # play A: watch 135 (2_5m), max = final = 135 of 600: 22.5 %, bucket floor(2.25) = 20
    # play B: watch 30 (under_2m), 30 of 600: 5 %, bucket floor(0.5) = 0
    # minutes (135 + 30) / 60 = 2.75; average (22.5 + 5) / 2 = 13.75
    return Scenario(
        description="an abandoned play (no play_end) stops at its last heartbeat",
        inputs=inputs(events, [asset(1, 1, 600)]),
        dates=(day(23),),
        expected={
            "daily_book_metrics": [
                book_day(1, 23, total_play_starts=2, total_play_ends=1,
                         total_minutes_watched=D("2.75"), unique_children=1, completion_count=0,
                         average_watch_percentage=D("13.75"), total_sessions=2, total_plays=2),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=2, total_minutes_watched=D("2.75"), completed_count=0,
                        last_watched_at=at(23, 13, 0, 30), highest_position_seconds=135),
            ],
            "book_dropoff_buckets": buckets(1, {0: 1, 20: 1}),
            "plays": [
                play(1, 1, at(23, 10, 0, 0), watch_seconds=135, max_position_seconds=135,
                     final_position_seconds=135, watch_percentage=D("22.5"), dropoff_bucket=20,
                     duration_band="2_5m", starts_session=True),
                play(1, 1, at(23, 13, 0, 0), watch_seconds=30, watch_percentage=5,
                     dropoff_bucket=0, duration_band="under_2m", starts_session=True),
            ],
        },
    )  # fmt: skip


def heartbeat_cap() -> Scenario:
    # Book 1, 1200 s. Feb 24. Timestamps with microseconds.
    events = [
        event(1, "play_start", at(24, 10, 0, 0), 0),  # 1->2: 45 s
        event(2, "heartbeat", at(24, 10, 0, 45), 45),  # 2->3: 10 min gap -> capped at 45 s
        event(3, "heartbeat", at(24, 10, 10, 45), 645),  # 3->4: 44.7 s
        event(4, "heartbeat", at(24, 10, 11, 29, 700_000), 690),  # 4->5: 9.6 s
        event(5, "play_end", at(24, 10, 11, 39, 300_000), 700),
    ]
    # watch = 45 + 45 + 44.7 + 9.6 = 144.3 s exactly (2_5m); minutes 144.3 / 60 = 2.405
    # -> 2.41 (half away from zero; banker's rounding or binary floats would give 2.40)
    # max = final = 700 of 1200: 100 * 700 / 1200 = 58.333..% -> 58.33, bucket
    # floor(5.83) = 50
    return Scenario(
        description="heartbeat cap: a 10-minute gap inside a session counts 45 s",
        inputs=inputs(events, [asset(1, 1, 1200)]),
        dates=(day(24),),
        expected={
            "daily_book_metrics": [
                book_day(1, 24, total_play_starts=1, total_play_ends=1,
                         total_minutes_watched=D("2.41"), unique_children=1, completion_count=0,
                         average_watch_percentage=D("58.33"), total_sessions=1, total_plays=1),
            ],
            "daily_platform_metrics": [
                platform_day(24, total_minutes_watched=D("2.41")),
            ],
            "child_viewing_histories": [
                history(1, 1, total_minutes_watched=D("2.41")),
            ],
            "book_dropoff_buckets": buckets(1, {50: 1}),
            "plays": [
                play(1, 1, at(24, 10, 0, 0), watch_seconds=D("144.3"), max_position_seconds=700,
                     dropoff_bucket=50, duration_band="2_5m"),
            ],
        },
    )  # fmt: skip


def dropoff_buckets() -> Scenario:
    # Book 1, 1000 s. Feb 25, four children, each one play starting at 10:00.
    # Parents: children 1 and 2 -> 100, child 3 -> 101 (registered Feb 25 09:00),
    # child 4 has no profile row.
    events = [
        event(1, "play_start", at(25, 10, 0, 0), 0, child=1),
        event(2, "pause", at(25, 10, 0, 30), 350, child=1),  # 30 s; 35 % -> bucket 30
        event(3, "play_start", at(25, 10, 0, 0), 0, child=2),
        event(4, "play_end", at(25, 10, 0, 30), 1000, child=2),  # 30 s; 100 % -> bucket 100
        event(5, "play_start", at(25, 10, 0, 0), 0, child=3),
        event(6, "pause", at(25, 10, 0, 30), 999, child=3),  # 30 s; 99.9 % -> bucket 90
        event(7, "play_start", at(25, 10, 0, 0), 0, child=4),
        event(8, "heartbeat", at(25, 10, 0, 30), 500, child=4),  # 30 s
        event(9, "pause", at(25, 10, 0, 40), 100, child=4),  # 10 s; max 500, final 100
    ]
    # child 1: 35 %, bucket 30, not complete, under_2m
    # child 2: 100 %, bucket 100 (ended at the very end), complete (1000 >= 900)
    # child 3: 99.9 %, bucket 10 * floor(9.99) = 90, complete (999 >= 900)
    # child 4: 50 % (max 500), bucket from the final position: 100 / 1000 -> 10
    # minutes (30 + 30 + 30 + 40) / 60 = 2.1666.. -> 2.17
    # average (35 + 100 + 99.9 + 50) / 4 = 284.9 / 4 = 71.225 -> 71.23 (half away from zero)
    # platform: 4 children, parents {100, 101} = 2 (child 4 has no profile), 1 registration
    return Scenario(
        description="drop-off buckets: 35 % -> 30, exactly 100 % -> 100, 99.9 % -> 90",
        inputs=inputs(
            events,
            [asset(1, 1, 1000)],
            users=[user(100), user(101, created_at=at(25, 9, 0))],
            child_profiles=[child(1, 100), child(2, 100), child(3, 101)],
        ),
        dates=(day(25),),
        expected={
            "daily_book_metrics": [
                book_day(1, 25, total_play_starts=4, total_play_ends=1,
                         total_minutes_watched=D("2.17"), unique_children=4, completion_count=2,
                         average_watch_percentage=D("71.23"), total_sessions=4, total_plays=4),
            ],
            "daily_platform_metrics": [
                platform_day(25, total_play_starts=4, total_minutes_watched=D("2.17"),
                             unique_children=4, unique_parents=2, active_books=1,
                             new_registrations=1),
            ],
            "book_dropoff_buckets": buckets(1, {10: 1, 30: 1, 90: 1, 100: 1}),
            "plays": [
                play(1, 1, at(25, 10, 0, 0), final_position_seconds=350, watch_percentage=35,
                     dropoff_bucket=30, is_complete=False, duration_band="under_2m"),
                play(2, 1, at(25, 10, 0, 0), final_position_seconds=1000, watch_percentage=100,
                     dropoff_bucket=100, is_complete=True, duration_band="full_video"),
                play(3, 1, at(25, 10, 0, 0), final_position_seconds=999,
                     watch_percentage=D("99.9"), dropoff_bucket=90, is_complete=True,
                     duration_band="full_video"),
                play(4, 1, at(25, 10, 0, 0), watch_seconds=40, max_position_seconds=500,
                     final_position_seconds=100, watch_percentage=50, dropoff_bucket=10,
                     is_complete=False, duration_band="under_2m"),
            ],
        },
    )  # fmt: skip


def platform_day_without_events() -> Scenario:
    # Book 1, 300 s. Child 1 watches 30 s on Feb 26 and Feb 28; nothing on Feb 27.
    # Parent 101 registers on Feb 26 (a registration without activity).
    events = [
        event(1, "play_start", at(26, 10, 0, 0), 0),
        event(2, "play_end", at(26, 10, 0, 30), 30),  # 30 s = 0.50 min
        event(3, "play_start", at(28, 10, 0, 0), 0),
        event(4, "play_end", at(28, 10, 0, 30), 30),  # 30 s = 0.50 min
    ]
    return Scenario(
        description="a processed day without events still has a (zero) platform row",
        inputs=inputs(
            events, [asset(1, 1, 300)], users=[user(100), user(101, created_at=at(26, 18, 0))]
        ),
        dates=(day(26), day(27), day(28)),
        expected={
            "daily_book_metrics": [
                # no row on Feb 27: a book row needs a cleaned event that day
                book_day(1, 26, total_play_starts=1, total_minutes_watched=D("0.50")),
                book_day(1, 28, total_play_starts=1, total_minutes_watched=D("0.50")),
            ],
            "daily_platform_metrics": [
                platform_day(26, total_play_starts=1, total_minutes_watched=D("0.50"),
                             unique_children=1, unique_parents=1, active_books=1,
                             new_registrations=1),
                zero_platform_day(27),
                platform_day(28, total_play_starts=1, total_minutes_watched=D("0.50"),
                             unique_children=1, unique_parents=1, active_books=1,
                             new_registrations=0),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=2, total_minutes_watched=D("1.00")),
            ],
        },
    )  # fmt: skip


def minutes_rounded_from_exact_totals() -> Scenario:
    # Books 1 (publisher 10) and 2 (publisher 11), 300 s each. Child 1 watches 10 s of
    # each on Feb 3 and 10 s of book 1 on Feb 4.
    events = [
        event(1, "play_start", at(3, 10, 0, 0), 0, book=1),
        event(2, "pause", at(3, 10, 0, 10), 10, book=1),  # 10 s
        event(3, "play_start", at(3, 11, 0, 0), 0, book=2),
        event(4, "pause", at(3, 11, 0, 10), 10, book=2),  # 10 s
        event(5, "play_start", at(4, 10, 0, 0), 10, book=1),
        event(6, "pause", at(4, 10, 0, 10), 20, book=1),  # 10 s
    ]
    # each book day: 10 / 60 = 0.1666.. -> 0.17
    # platform Feb 3: (10 + 10) / 60 = 0.333.. -> 0.33 (not 0.17 + 0.17 = 0.34);
    #   unique children 1 (distinct, not 1 + 1); active books 2
    # child 1 on book 1, all time: 20 / 60 -> 0.33 (not 0.34)
    return Scenario(
        description="minutes are rounded from exact totals, never summed from rounded ones",
        inputs=inputs(
            events,
            [asset(1, 1, 300), asset(2, 2, 300)],
            books=[book(1, publisher_id=10), book(2, publisher_id=11)],
        ),
        dates=(day(3), day(4)),
        expected={
            "daily_book_metrics": [
                book_day(1, 3, publisher_id=10, total_minutes_watched=D("0.17")),
                book_day(2, 3, publisher_id=11, total_minutes_watched=D("0.17")),
                book_day(1, 4, publisher_id=10, total_minutes_watched=D("0.17")),
            ],
            "daily_platform_metrics": [
                platform_day(3, total_play_starts=2, total_minutes_watched=D("0.33"),
                             unique_children=1, unique_parents=1, active_books=2),
                platform_day(4, total_play_starts=1, total_minutes_watched=D("0.17"),
                             unique_children=1, unique_parents=1, active_books=1),
            ],
            "child_viewing_histories": [
                history(1, 1, total_views=2, total_minutes_watched=D("0.33")),
                history(1, 2, total_views=1, total_minutes_watched=D("0.17")),
            ],
        },
    )  # fmt: skip


def same_instant_events_use_type_rank() -> Scenario:
    # Book 1, 300 s. Feb 5. A heartbeat and a play_end at the same instant; the play_end
    # has the lower id. SPEC order (occurred_at, then type rank play_start, resume,
    # heartbeat, pause, play_end, then id): 1, 3, 2.
    events = [
        event(1, "play_start", at(5, 10, 0, 0), 0),  # 1->3: 45 s
        event(2, "play_end", at(5, 10, 0, 45), 45),
        event(3, "heartbeat", at(5, 10, 0, 45), 45),  # 3->2: 0 s
    ]
    # one play: watch 45 s = 0.75 min, 45 / 300 = 15 %, bucket 10. (Ordered by id the
    # heartbeat would follow the play_end and begin a second play.)
    return Scenario(
        description="events at the same instant are ordered by type rank, then id",
        inputs=inputs(events, [asset(1, 1, 300)]),
        dates=(day(5),),
        expected={
            "daily_book_metrics": [
                book_day(1, 5, total_play_starts=1, total_play_ends=1,
                         total_minutes_watched=D("0.75"), total_sessions=1, total_plays=1,
                         average_watch_percentage=D("15.00")),
            ],
            "plays": [
                play(1, 1, at(5, 10, 0, 0), watch_seconds=45, final_position_seconds=45,
                     watch_percentage=15, dropoff_bucket=10),
            ],
        },
    )  # fmt: skip


def valid_plays_and_known_durations() -> Scenario:
    # Book 1 (300 s since January) and book 2, whose only asset (200 s) is created on
    # Feb 9 at 09:00: its duration is unknown on Feb 8 and known on Feb 9.
    events = [
        # child 1, book 1, Feb 8: a 29 s play, then (59 min later, same session) a 30 s one
        event(1, "play_start", at(8, 10, 0, 0), 0),
        event(2, "pause", at(8, 10, 0, 29), 29),  # 29 s: below 30, not valid
        event(3, "play_start", at(8, 11, 0, 0), 0),  # after a pause: 0 s
        event(4, "pause", at(8, 11, 0, 30), 30),  # 30 s: valid (at least 30)
        # child 2, book 1, Feb 8: 20 s, but seeks to 290 >= 0.9 * 300: complete, so valid
        event(5, "play_start", at(8, 12, 0, 0), 0, child=2),
        event(6, "heartbeat", at(8, 12, 0, 10), 280, child=2),  # 10 s
        event(7, "play_end", at(8, 12, 0, 20), 290, child=2),  # 10 s
        # child 1, book 2, Feb 8 (duration unknown) and Feb 9 (200 s)
        event(8, "play_start", at(8, 13, 0, 0), 0, book=2),
        event(9, "play_end", at(8, 13, 1, 0), 60, book=2),  # 45 s (cap): valid
        event(10, "play_start", at(9, 13, 0, 0), 0, book=2),
        event(11, "heartbeat", at(9, 13, 0, 40), 40, book=2),  # 40 s: valid, 20 %
    ]
    # book 1, Feb 8: 3 plays, all with a known duration; valid 2 (30 s, complete); 1
    # completion: completion rate 1 / 3.
    # book 2, Feb 8: 1 play, 0 with a known duration (completion unknown), 1 valid;
    # Feb 9: 1 play with a known duration (40 / 200 = 20 %, not complete), 1 valid.
    # Retention, book 1: highest positions 29, 30 and 290 of 300; mark m is reached when
    # position >= 3 m: 29 up to mark 5 (15 s), 30 up to 10 (30 s), 290 up to 95 (285 s):
    # 3 plays at 0 and 5 (share 1), 2 at 10 (0.6667), 1 at 15..95 (0.3333), 0 at 100.
    # Book 2: the Feb 8 play has no duration (not measured); Feb 9 reached 40 of 200 =
    # 20 %: 1 play at 0..20 (share 1), 0 from 25 on.
    return Scenario(
        description="valid plays and plays of known duration",
        inputs=inputs(
            events,
            [asset(1, 1, 300), asset(2, 2, 200, created_at=at(9, 9, 0))],
            books=[book(1), book(2)],
        ),
        dates=(day(8), day(9)),
        expected={
            "daily_book_metrics": [
                book_day(1, 8, total_plays=3, plays_with_duration=3, valid_plays=2,
                         completion_count=1, total_sessions=2),
                book_day(2, 8, total_plays=1, plays_with_duration=0, valid_plays=1,
                         completion_count=0, average_watch_percentage=None),
                book_day(2, 9, total_plays=1, plays_with_duration=1, valid_plays=1,
                         completion_count=0, average_watch_percentage=D("20.00")),
            ],
            "plays": [
                play(1, 1, at(8, 10, 0, 0), watch_seconds=29, is_complete=False, is_valid=False),
                play(1, 1, at(8, 11, 0, 0), watch_seconds=30, is_complete=False, is_valid=True),
                play(2, 1, at(8, 12, 0, 0), watch_seconds=20, is_complete=True, is_valid=True),
                play(1, 2, at(8, 13, 0, 0), watch_seconds=45, duration_seconds=None,
                     is_valid=True),
                play(1, 2, at(9, 13, 0, 0), watch_seconds=40, duration_seconds=200,
                     is_complete=False, is_valid=True),
            ],
            "book_retention_curve": [
                *retention(1, 3, {10: 2, 15: 1, 100: 0}),
                *retention(2, 1, {25: 0}),
            ],
        },
    )  # fmt: skip


SCENARIOS: dict[str, Scenario] = {
    build.__name__: build()
    for build in (
        full_watch_with_pause,
        replay_after_play_end,
        restart_within_the_hour,
        resume_after_more_than_an_hour,
        book_without_duration,
        asset_replaced_mid_range,
        play_across_midnight,
        exact_duplicates,
        rejected_rows,
        negative_and_over_duration_positions,
        bad_source_rows,
        abandoned_play,
        heartbeat_cap,
        dropoff_buckets,
        platform_day_without_events,
        minutes_rounded_from_exact_totals,
        same_instant_events_use_type_rank,
        valid_plays_and_known_durations,
    )
}
