"""The dashboard marts (models/marts/dashboard), one hand-computed scenario.

Every video lasts 100 s. A "watch" of S seconds is a play_start at position 0, a heartbeat
every 40 s and a play_end at S (position = elapsed seconds), so it adds exactly S seconds
(no interval reaches the 45 s cap), ends in bucket 10 * floor(S / 10), and is complete
when S >= 90. Publisher 10 owns books 1-3, publisher 11 books 4-5. The run covers
2026-01-20 .. 2026-02-28, so "today" is Feb 28; the last 7 days are Feb 22-28, the 7
before Feb 15-21, the last 30 days Jan 30 - Feb 28.

book 1: Feb 20 child 1 90 s (complete), Feb 27 child 2 60 s, Feb 28 child 1 100 s (complete)
book 2: Feb 24 child 4 20 s, Feb 25 child 3 30 s, Feb 28 child 3 30 s
book 3: Feb 10 child 1 100 s (complete)
book 4: Jan 20 child 2 50 s
book 5: never watched

The run uses dashboard_min_plays = 3 and the payout system (payouts_enabled).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest
from storytime_analytics import dbt_invoke

from .scenarios.catalog import asset, at, book, child, event, user
from .support import Warehouse

UTC = dt.timezone.utc
FIRST, TODAY = dt.date(2026, 1, 20), dt.date(2026, 2, 28)
PUBLISHERS = [
    {"id": 10, "name": "Acorn Press", "created_at": at(1, 0, 0)},
    {"id": 11, "name": "Bluebird Books", "created_at": at(1, 0, 0)},
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
    ],
    "books": [book(1), book(2), book(3), book(4, 11), book(5, 11)],
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


def build(wh: Warehouse, **extra_vars) -> None:
    dbt_invoke.invoke(
        wh.target,
        ["build", "--exclude", "resource_type:unit_test"],  # data tests included
        dbt_vars={
            "start_date": FIRST.isoformat(),
            "end_date": TODAY.isoformat(),
            **extra_vars,
        },
        quiet=True,
    )


@pytest.fixture(scope="module")
def built(server):
    wh = Warehouse(server)
    try:
        wh.load(INPUTS)
        wh.execute(PAYOUTS_DDL)
        build(wh, dashboard_min_plays=3, payouts_enabled=True)
        yield wh
    finally:
        wh.drop()


def rows(wh: Warehouse, table: str, order: str) -> list[dict]:
    return wh.rows(table, where=f"order by {order}")


def test_dashboard_dates(built):
    assert rows(built, "dashboard_dates", "1") == [
        {
            "as_of_date": TODAY,
            "last_7_days_start": dt.date(2026, 2, 22),
            "previous_7_days_start": dt.date(2026, 2, 15),
            "previous_7_days_end": dt.date(2026, 2, 21),
            "last_30_days_start": dt.date(2026, 1, 30),
        }
    ]


def test_platform_overview(built):
    # today: book 1 100 s + book 2 30 s = 130 s = 2.1666 -> 2.17 min; children 1 and 3;
    # books 1 and 2 had a play_start. Last 7 days: Feb 24 0.33 + Feb 25 0.50 + Feb 27 1.00
    # + Feb 28 2.17 = 4.00; the 7 before: Feb 20 1.50. Trend 100 * (4.00 - 1.50) / 1.50 = +166.7.
    assert rows(built, "platform_overview", "1") == [
        {
            "as_of_date": TODAY,
            "minutes_watched_today": D("2.17"),
            "unique_children_today": 2,
            "active_books_today": 2,
            "minutes_last_7_days": D("4.00"),
            "minutes_previous_7_days": D("1.50"),
            "trend_7_day_percent": D("166.7"),
        }
    ]


def test_platform_trend(built):
    trend = rows(built, "platform_trend", "metric_date")
    assert len(trend) == 14
    assert trend[0]["metric_date"] == dt.date(2026, 2, 15)
    assert trend[-1] == {
        "metric_date": TODAY,
        "trend_window": "last_7_days",
        "days_before_today": 0,
        "total_minutes_watched": D("2.17"),
        "unique_children": 2,
    }
    minutes = {
        r["metric_date"].day: r["total_minutes_watched"]
        for r in trend
        if r["total_minutes_watched"]
    }
    assert minutes == {20: D("1.50"), 24: D("0.33"), 25: D("0.50"), 27: D("1.00"), 28: D("2.17")}
    assert [r["trend_window"] for r in trend] == ["previous_7_days"] * 7 + ["last_7_days"] * 7


def test_top_books_by_minutes(built):
    # Feb 22-28. book 1: 60 + 100 = 160 s = 2.67 min, 2 plays, 1 complete, children 1, 2.
    # book 2: 20 + 30 + 30 = 80 s = 1.33 min, 3 plays, none complete, children 3, 4.
    top = rows(built, "top_books_by_minutes", "book_rank")
    assert [(r["book_rank"], r["book_id"], r["title"]) for r in top] == [
        (1, 1, "Book 1"),
        (2, 2, "Book 2"),
    ]
    assert [
        (r["total_minutes_watched"], r["completion_count"], r["unique_children"], r["total_plays"])
        for r in top
    ] == [(D("2.67"), 1, 2, 2), (D("1.33"), 0, 2, 3)]
    assert {(r["window_start_date"], r["window_end_date"]) for r in top} == {
        (dt.date(2026, 2, 22), TODAY)
    }


def test_top_books_by_completion_needs_the_minimum_plays(built):
    # book 1 has the better rate (1 / 2) but only 2 plays < dashboard_min_plays = 3.
    top = rows(built, "top_books_by_completion", "book_rank")
    assert [
        (r["book_rank"], r["book_id"], r["completion_rate"], r["total_plays"]) for r in top
    ] == [(1, 2, D("0.000"), 3)]


def test_engagement_alerts(built):
    # Jan 30 - Feb 28: books 4 (last play Jan 20) and 5 (never) have no play; book 2 has
    # 3 plays, 0 complete (< 30 %); book 1 has 2 of 3 complete; book 3 1 play (< 3).
    alerts = rows(built, "engagement_alerts", "alert_type, book_id")
    assert [
        (
            r["alert_type"],
            r["book_id"],
            r["publisher_name"],
            r["total_plays"],
            r["completion_rate"],
            r["last_play_date"],
        )
        for r in alerts
    ] == [
        ("low_completion_rate", 2, "Acorn Press", 3, D("0.000"), dt.date(2026, 2, 28)),
        ("no_plays_30_days", 4, "Bluebird Books", 0, None, dt.date(2026, 1, 20)),
        ("no_plays_30_days", 5, "Bluebird Books", 0, None, None),
    ]


def test_book_panel_summary(built):
    # book 1: 3 views, child 1 190 s = 3.17 + child 2 60 s = 1.00 -> 4.17; 2 complete of
    # 3 = 0.6667; 2 children, 1.50 views each, one of two (0.5) watched again; last 30
    # days 250 s = 4.17. book 5: nothing.
    panel = {r["book_id"]: r for r in rows(built, "book_panel_summary", "book_id")}
    assert set(panel) == {1, 2, 3, 4, 5}
    one = panel[1]
    assert (
        one["total_views"],
        one["total_minutes_watched"],
        one["completion_count"],
        one["completion_rate"],
        one["unique_children"],
        one["average_views_per_child"],
        one["repeat_viewer_share"],
        one["minutes_last_30_days"],
        one["publisher_name"],
    ) == (3, D("4.17"), 2, D("0.6667"), 2, D("1.50"), D("0.5000"), D("4.17"), "Acorn Press")
    assert panel[4]["minutes_last_30_days"] == D("0.00")
    assert panel[4]["total_minutes_watched"] == D("0.83")  # 50 s on Jan 20
    five = panel[5]
    assert (five["total_views"], five["completion_rate"], five["average_views_per_child"]) == (
        0,
        None,
        None,
    )


def test_book_panel_daily_minutes(built):
    daily = rows(built, "book_panel_daily_minutes", "book_id, metric_date")
    assert len(daily) == 5 * 30
    one = [r for r in daily if r["book_id"] == 1]
    assert one[0]["metric_date"] == dt.date(2026, 1, 30) and one[-1]["metric_date"] == TODAY
    nonzero = {
        r["metric_date"].day: r["total_minutes_watched"] for r in one if r["total_minutes_watched"]
    }
    assert nonzero == {20: D("1.50"), 27: D("1.00"), 28: D("1.67")}
    assert sum(r["total_plays"] for r in one) == 3
    assert all(r["total_minutes_watched"] == 0 for r in daily if r["book_id"] == 5)


def test_book_panel_dropoff(built):
    # book 1 plays end at 90, 60 and 100 s of 100: buckets 90, 60, 100, a third each.
    one = [
        r for r in rows(built, "book_panel_dropoff", "book_id, bucket_percent") if r["book_id"] == 1
    ]
    assert [r["bucket_percent"] for r in one] == list(range(0, 101, 10))
    assert {
        r["bucket_percent"]: (r["play_count"], r["play_percentage"]) for r in one if r["play_count"]
    } == {60: (1, D("33.33")), 90: (1, D("33.33")), 100: (1, D("33.33"))}


def test_book_panel_duration_bands(built):
    # book 1: two complete plays (full_video), one of 60 s (under_2m).
    bands = {
        r["duration_band"]: (r["play_count"], r["total_plays"], r["play_percentage"])
        for r in rows(built, "book_panel_duration_bands", "band_order")
        if r["book_id"] == 1
    }
    assert bands == {
        "under_2m": (1, 3, D("33.33")),
        "2_5m": (0, 3, D("0.00")),
        "5_10m": (0, 3, D("0.00")),
        "10m_plus": (0, 3, D("0.00")),
        "full_video": (2, 3, D("66.67")),
    }


def test_publisher_panel_summary(built):
    # publisher 10: book 1 1.50 + 1.00 + 1.67, book 2 0.33 + 0.50 + 0.50, book 3 1.67
    # = 7.17, all inside the 30 days; completions: 2 (book 1) + 1 (book 3); 7 plays.
    # publisher 11: book 4 0.83 on Jan 20, outside the 30 days.
    panel = rows(built, "publisher_panel_summary", "publisher_id")
    assert [
        (
            r["publisher_id"],
            r["publisher_name"],
            r["total_minutes_watched"],
            r["minutes_last_30_days"],
            r["completion_count"],
            r["completions_last_30_days"],
            r["total_plays"],
            r["books_watched"],
        )
        for r in panel
    ] == [
        (10, "Acorn Press", D("7.17"), D("7.17"), 3, 3, 7, 3),
        (11, "Bluebird Books", D("0.83"), D("0.00"), 0, 0, 1, 1),
    ]


def test_publisher_panel_top_books(built):
    top = rows(built, "publisher_panel_top_books", "publisher_id, book_rank")
    assert [
        (r["publisher_id"], r["book_rank"], r["book_id"], r["total_minutes_watched"]) for r in top
    ] == [
        (10, 1, 1, D("4.17")),
        (10, 2, 3, D("1.67")),
        (10, 3, 2, D("1.33")),
        (11, 1, 4, D("0.83")),
    ]
    assert top[0]["completion_rate"] == D("0.667")


def test_revenue_attribution_when_payouts_are_configured(built):
    # payout 1 (publisher 10, 1000.00, February): 7.17 minutes; book 1 4.17 / 7.17 ->
    # 581.590, book 3 1.67 / 7.17 -> 232.915 -> 232.91, book 2 1.33 / 7.17 -> 185.495 ->
    # 185.50 (the cents add up to 1000.00). Payout 2 (publisher 11): no February minutes,
    # no row.
    rows_ = rows(built, "publisher_revenue_attribution", "payout_id, book_id")
    assert [(r["payout_id"], r["book_id"], r["attributed_amount"]) for r in rows_] == [
        (1, 1, D("581.59")),
        (1, 2, D("185.50")),
        (1, 3, D("232.91")),
    ]
    assert {r["publisher_minutes_watched"] for r in rows_} == {D("7.17")}
