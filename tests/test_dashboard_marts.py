"""The dashboard marts (models/marts/dashboard) on the hand-computed scenario of
tests/scenarios/dashboard.py (its docstring lists every play), built with
dashboard_min_plays = 3 and the payout system configured (payouts_enabled)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal as D

import pytest

from .scenarios.dashboard import INPUTS, PAYOUTS_DDL, TODAY, build
from .support import Warehouse


@pytest.fixture(scope="module")
def built(server):
    wh = Warehouse(server)
    try:
        wh.load(INPUTS)
        wh.execute(PAYOUTS_DDL)
        build(wh.target, dashboard_min_plays=3, payouts_enabled=True)
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
    # book 6: 3 plays, none of known duration: duration_unknown, its rate unknown (null),
    # and not low_completion_rate (it has 0 < 3 plays of known duration).
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
        ("duration_unknown", 6, "Cedar House", 3, None, dt.date(2026, 2, 5)),
        ("low_completion_rate", 2, "Acorn Press", 3, D("0.000"), dt.date(2026, 2, 28)),
        ("no_plays_30_days", 4, "Bluebird Books", 0, None, dt.date(2026, 1, 20)),
        ("no_plays_30_days", 5, "Bluebird Books", 0, None, None),
    ]
    assert [r["plays_with_duration"] for r in alerts] == [0, 3, 0, 0]


def test_book_panel_summary(built):
    # book 1: 3 views, all valid, child 1 190 s + child 2 60 s = 250 s -> 4.17 (exact
    # seconds rounded once); 2 complete of 3 = 0.667; 2 children, 1.50 views each, one of
    # two (0.5) watched again; last 30 days 250 s = 4.17. book 5: nothing.
    panel = {r["book_id"]: r for r in rows(built, "book_panel_summary", "book_id")}
    assert set(panel) == {1, 2, 3, 4, 5, 6}
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
    ) == (3, D("4.17"), 2, D("0.667"), 2, D("1.50"), D("0.5000"), D("4.17"), "Acorn Press")
    assert (one["valid_plays"], one["plays_with_duration"]) == (3, 3)
    # book 2: 20 s (not valid), 30 s and 30 s (valid); book 6: 3 plays of 25 s, no duration
    assert (panel[2]["valid_plays"], panel[2]["plays_with_duration"]) == (2, 3)
    six = panel[6]
    assert (six["total_views"], six["valid_plays"], six["plays_with_duration"]) == (3, 0, 0)
    assert (six["completion_rate"], six["total_minutes_watched"]) == (None, D("1.25"))
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
    assert len(daily) == 6 * 30
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
        (12, "Cedar House", D("1.25"), D("1.25"), 0, 0, 3, 1),
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
        (12, 1, 6, D("1.25")),
    ]
    assert top[0]["completion_rate"] == D("0.667")
    # book 6 has no known duration: its rate is unknown, not 0
    assert (top[-1]["plays_with_duration"], top[-1]["completion_rate"]) == (0, None)


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


def test_platform_lifecycle(built):
    # 14 days up to Feb 28. Feb 28: children 1 (last active Feb 20: resurrecting) and 3
    # (Feb 25: returning); 7 and 28 days: children 1-4. Feb 27: child 2, last active on
    # Jan 20, resurrects. Feb 15: nobody active.
    lifecycle = {r["metric_date"].day: r for r in rows(built, "platform_lifecycle", "metric_date")}
    assert sorted(lifecycle) == list(range(15, 29))
    today = lifecycle[28]
    assert (
        today["days_before_today"],
        today["active_children"],
        today["new_children"],
        today["returning_children"],
        today["resurrecting_children"],
        today["dormant_children"],
        today["active_children_7d"],
        today["active_children_28d"],
        today["stickiness"],
    ) == (0, 2, 0, 1, 1, 0, 4, 4, D("0.5000"))
    feb_27 = lifecycle[27]
    assert (feb_27["active_children"], feb_27["resurrecting_children"]) == (1, 1)
    assert lifecycle[15]["active_children"] == 0
