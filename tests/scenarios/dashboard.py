"""The dashboard scenario (tests/test_dashboard_marts.py, test_access.py, test_dashboard.py).

Every video lasts 100 s. A "watch" of S seconds is a play_start at position 0, a heartbeat
every 40 s and a play_end at S (position = elapsed seconds), so it adds exactly S seconds
(no interval reaches the 45 s cap), ends in bucket 10 * floor(S / 10), and is complete
when S >= 90. Publisher 10 owns books 1-3, publisher 11 books 4-5. A run over
FIRST .. TODAY (2026-01-20 .. 2026-02-28) makes Feb 28 "today"; the last 7 days are
Feb 22-28, the 7 before Feb 15-21, the last 30 days Jan 30 - Feb 28.

book 1: Feb 20 child 1 90 s (complete), Feb 27 child 2 60 s, Feb 28 child 1 100 s (complete)
book 2: Feb 24 child 4 20 s, Feb 25 child 3 30 s, Feb 28 child 3 30 s
book 3: Feb 10 child 1 100 s (complete)
book 4: Jan 20 child 2 50 s
book 5: never watched
book 6 (publisher 12, no video asset: duration unknown): Feb 5 child 4 three plays of 25 s
  (1.25 min; inside the 30 days, outside the 14-day trend): a duration_unknown alert, and
  no low_completion_rate alert although none of its plays is known to be complete
"""

from __future__ import annotations

import datetime as dt

from storytime_analytics import dbt_invoke

from .catalog import asset, at, book, child, event, user

UTC = dt.timezone.utc
FIRST, TODAY = dt.date(2026, 1, 20), dt.date(2026, 2, 28)
PUBLISHERS = [
    {"id": 10, "name": "Acorn Press", "created_at": at(1, 0, 0)},
    {"id": 11, "name": "Bluebird Books", "created_at": at(1, 0, 0)},
    {"id": 12, "name": "Cedar House", "created_at": at(1, 0, 0)},
]


def watch(first_id: int, child_id: int, book_id: int, start: dt.datetime, seconds: int):
    events = [event(first_id, "play_start", start, 0, child_id, book_id)]
    for n, elapsed in enumerate(range(40, seconds, 40), start=1):
        events.append(
            event(
                first_id + n,
                "heartbeat",
                start + dt.timedelta(seconds=elapsed),
                elapsed,
                child_id,
                book_id,
            )
        )
    end = start + dt.timedelta(seconds=seconds)
    events.append(event(first_id + 9, "play_end", end, seconds, child_id, book_id))
    return events


def jan(d: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 1, d, hour, 0, tzinfo=UTC)


INPUTS = {
    "events": [
        *watch(100, 1, 1, at(20, 10, 0), 90),
        *watch(110, 2, 1, at(27, 10, 0), 60),
        *watch(120, 1, 1, at(28, 10, 0), 100),
        *watch(200, 4, 2, at(24, 11, 0), 20),
        *watch(210, 3, 2, at(25, 11, 0), 30),
        *watch(220, 3, 2, at(28, 11, 0), 30),
        *watch(300, 1, 3, at(10, 12, 0), 100),
        *watch(400, 2, 4, jan(20, 9), 50),
        *watch(600, 4, 6, at(5, 9, 0), 25),
        *watch(610, 4, 6, at(5, 10, 0), 25),
        *watch(620, 4, 6, at(5, 11, 0), 25),
    ],
    "books": [book(1), book(2), book(3), book(4, 11), book(5, 11), book(6, 12)],
    "video_assets": [asset(n, n, 100) for n in range(1, 6)],
    "users": [user(100), user(101), user(102), user(103)],
    "child_profiles": [child(1, 100), child(2, 101), child(3, 102), child(4, 103)],
    "publishers": PUBLISHERS,
}
PAYOUTS_DDL = """
create table public.publisher_payouts (
    id bigint primary key,
    publisher_id bigint not null,
    period_start date not null,
    period_end date not null,
    amount numeric(12, 2) not null,
    currency text not null
);
insert into public.publisher_payouts values
    (1, 10, '2026-02-01', '2026-02-28', 1000.00, 'USD'),
    (2, 11, '2026-02-01', '2026-02-28', 50.00, 'USD');
"""


def build(target, **extra_vars) -> None:
    """One dbt build (data tests included, unit tests not) over FIRST .. TODAY."""
    dbt_invoke.invoke(
        target,
        ["build", "--exclude", "resource_type:unit_test"],
        dbt_vars={"start_date": FIRST.isoformat(), "end_date": TODAY.isoformat(), **extra_vars},
        quiet=True,
    )
