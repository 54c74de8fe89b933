"""daily_child_lifecycle (SPEC section 4): a hand-computed January, then a late upload
that changes later days than the one it touches, rebuilt by a run of that day alone.

Book 1 (300 s). Each activity is one 10 s play at 10:00 UTC.
    child 1: Jan 1, Jan 2, Jan 10
    child 2: Jan 2
    child 3: Jan 9, Jan 10

    day  active  new  ret  res  dormant  7d  28d  stickiness
    1    {1}     1    0    0    0        1   1    1.0000
    2    {1,2}   1    1    0    0        2   2    1.0000   (1 was active on Jan 1)
    3-8  {}      0    0    0    0        2   2    0.0000   (Jan 1-2 still in D-6..D until 8)
    9    {3}     1    0    0    2        1   3    0.3333   (1 and 2 last active on Jan 2 = D-7)
    10   {1,3}   0    1    1    0        2   3    0.6667   (3 returns; 1 resurrects: none of
                                                               Jan 3-9, but Jan 2)
Jan 8 has no dormant child: child 1's last activity up to Jan 8 is Jan 2, not Jan 1.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

from .reference import spec_model
from .scenarios.catalog import asset, book, child, inputs, user
from .support import PUBLISHED, Warehouse, normalise

UTC = dt.timezone.utc
FIRST, LAST = dt.date(2026, 1, 1), dt.date(2026, 1, 10)
ACTIVE = {1: (1, 2, 10), 2: (2,), 3: (9, 10)}
COLUMNS = (
    "active_children",
    "new_children",
    "returning_children",
    "resurrecting_children",
    "dormant_children",
    "active_children_7d",
    "active_children_28d",
    "stickiness",
)
EXPECTED = {
    1: (1, 1, 0, 0, 0, 1, 1, D("1.0000")),
    2: (2, 1, 1, 0, 0, 2, 2, D("1.0000")),
    **{d: (0, 0, 0, 0, 0, 2, 2, D("0.0000")) for d in range(3, 9)},
    9: (1, 1, 0, 0, 2, 1, 3, D("0.3333")),
    10: (2, 0, 1, 1, 0, 2, 3, D("0.6667")),
}


def play(first_id: int, child_id: int, day: int, received: dt.datetime | None = None) -> list:
    start = dt.datetime(2026, 1, day, 10, 0, tzinfo=UTC)
    return [
        {
            "id": first_id + n,
            "child_profile_id": child_id,
            "book_id": 1,
            "event_type": kind,
            "position_seconds": 10 * n,
            "occurred_at": start + dt.timedelta(seconds=10 * n),
            "created_at": received or start + dt.timedelta(seconds=10 * n + 2),
        }
        for n, kind in enumerate(("play_start", "pause"))
    ]


def january() -> dict:
    events = []
    for child_id, days in ACTIVE.items():
        for day in days:
            events += play(1000 * child_id + 10 * day, child_id, day)
    return inputs(
        events,
        [asset(1, 1, 300)],
        books=[book(1)],
        users=[user(100), user(101)],
        child_profiles=[child(1, 100), child(2, 101), child(3, 101)],
    )


def lifecycle(wh: Warehouse) -> dict[int, tuple]:
    return {
        row["metric_date"].day: tuple(row[c] for c in COLUMNS)
        for row in wh.rows("daily_child_lifecycle")
    }


def oracle(rows: dict) -> list[dict]:
    days = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    return spec_model.compute(**rows, dates=days)["daily_child_lifecycle"]


def test_lifecycle_by_hand_then_a_late_upload(warehouse):
    rows = january()
    warehouse.load(rows)
    warehouse.build(FIRST, LAST, tests=True)
    assert lifecycle(warehouse) == EXPECTED
    keys = PUBLISHED["daily_child_lifecycle"]
    assert normalise(warehouse.rows("daily_child_lifecycle"), keys) == normalise(oracle(rows), keys)

    # Child 2's tablet uploads a Jan 5 play on Jan 11. The run for Jan 5 alone recomputes
    # Jan 5 and every later processed day: on Jan 9 child 2 is no longer dormant (last
    # active Jan 5, not Jan 2) and counts in the 7 days of Jan 9 and 10.
    late = play(2050, 2, 5, received=dt.datetime(2026, 1, 11, 8, 0, tzinfo=UTC))
    warehouse.load({"events": late})
    warehouse.build(dt.date(2026, 1, 5), tests=True)
    after = lifecycle(warehouse)
    assert after[5] == (1, 0, 1, 0, 0, 2, 2, D("0.5000"))
    assert after[9] == (1, 1, 0, 0, 1, 2, 3, D("0.3333"))
    assert after[10] == (2, 0, 1, 1, 0, 3, 3, D("0.6667"))
    assert {d: after[d] for d in (1, 2, 3, 4)} == {d: EXPECTED[d] for d in (1, 2, 3, 4)}
    rows["events"] = rows["events"] + late
    assert normalise(warehouse.rows("daily_child_lifecycle"), keys) == normalise(oracle(rows), keys)
