"""Figures over nested windows never disagree (SPEC section 4, issue 13): on generated data
(storytime-analytics generate: late uploads, replays, books without a duration), for every
book and publisher, no window's minutes, plays, completions or unique children exceed
those of a window containing it: a day <= its 7 days <= 30 days <= all time, and the
report over all processed days equals the all-time figures (each rounded once from exact
seconds, never summed from rounded parts)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP
from decimal import Decimal as D

import pytest
from storytime_analytics import generate, reporting

from .support import SOURCE_SCHEMA, Warehouse

START, DAYS = dt.date(2026, 1, 1), 40
# (figure in book_activity_windows / book_engagement, the report's column)
FIGURES = {
    "total_minutes_watched": "minutes_watched",
    "total_plays": "plays",
    "plays_with_duration": "plays_with_duration",
    "valid_plays": "valid_plays",
    "completion_count": "completions",
    "unique_children": "unique_children",
}
PLAY_COUNTS = ("total_plays", "completion_count", "plays_with_duration", "valid_plays")
ALL_TIME = {"total_plays": "total_views"}  # book_engagement's name, where it differs


@pytest.fixture(scope="module")
def built(server):
    wh = Warehouse(server)
    try:
        with wh.target.connect() as conn:
            generate.generate(conn, SOURCE_SCHEMA, START, DAYS, children=40, books=8, seed=13)
        wh.build(tests=True)  # a full build, and every data test on every row
        yield wh
    finally:
        wh.drop()


def report(wh: Warehouse, first: dt.date, last: dt.date, publisher=None) -> dict:
    """The report's figures over first..last per book (summed over the book's publishers
    for counts; minutes and children per book need one row, so a book that changed
    publisher is reported per publisher and compared per publisher)."""
    with reporting.read_only(wh.target) as conn:
        rows = reporting.usage_report(conn, first, last, publisher_id=publisher)
    return {(r["book_id"], r["publisher_id"]): r for r in rows}


def dates(wh: Warehouse) -> dict:
    return wh.rows("dashboard_dates")[0]


def assert_within(small: dict, large: dict, what: str) -> None:
    for column, value in small.items():
        assert value is not None and large[column] is not None, (what, column)
        assert value <= large[column], (what, column, value, large[column])


def test_the_generated_data_has_what_the_rules_care_about(built):
    books = built.rows("book_engagement")
    assert len(books) >= 5
    # plays of unknown duration and invalid plays both occur, so the checks below bite
    assert any(b["plays_with_duration"] < b["total_views"] for b in books)
    assert any(b["valid_plays"] < b["total_views"] for b in books)
    assert len({r["metric_date"] for r in built.rows("daily_book_metrics")}) >= 30
    # summing the children's rounded minutes (book_engagement before issue 13) would give
    # another figure for some book than the exact seconds rounded once
    summed = defaultdict(int)
    for history in built.rows("child_viewing_histories"):
        summed[history["book_id"]] += history["total_minutes_watched"]
    assert any(summed[b["book_id"]] != b["total_minutes_watched"] for b in books)


def test_seven_days_within_thirty_within_all_time(built):
    windows = defaultdict(dict)
    for row in built.rows("book_activity_windows"):
        windows[row["book_id"]][row["window_days"]] = {c: row[c] for c in FIGURES}
    all_time = {row["book_id"]: row for row in built.rows("book_engagement")}
    panel = {row["book_id"]: row for row in built.rows("book_panel_summary")}
    assert windows
    for book_id, by_days in windows.items():
        if 7 in by_days:
            assert_within(by_days[7], by_days[30], f"book {book_id}: 7 <= 30 days")
        whole = {c: all_time[book_id][ALL_TIME.get(c, c)] for c in FIGURES}
        assert_within(by_days[30], whole, f"book {book_id}: 30 days <= all time")
        assert panel[book_id]["minutes_last_30_days"] <= panel[book_id]["total_minutes_watched"]


def test_windows_are_their_days_and_children_distinct_over_them(built):
    """book_activity_windows adds up the book's days and counts children by the JSON API's
    month-mask rule (child_activity_months); here, independently, from the per-child rows:
    the plays begun in the window, the exact seconds of its days rounded once, and the
    children with a cleaned event on a day of it, each once. The 30-day window crosses a
    month, so children active in both months must count once."""
    today = dates(built)
    windows = {
        7: (today["last_7_days_start"], today["as_of_date"]),
        30: (today["last_30_days_start"], today["as_of_date"]),
    }
    assert windows[30][0].month != windows[30][1].month
    days = built.rows("int_child_book_days", schema="analytics_intermediate")
    plays = built.rows("int_plays", schema="analytics_intermediate")
    expected = {}
    for size, (start, end) in windows.items():
        children, seconds = defaultdict(set), defaultdict(int)
        for day in days:
            if start <= day["activity_date"] <= end:
                children[day["book_id"]].add(day["child_profile_id"])
                seconds[day["book_id"]] += day["watched_seconds"]
        counts = defaultdict(lambda: defaultdict(int))
        for play in plays:
            if start <= play["play_date"] <= end:
                book = counts[play["book_id"]]
                book["total_plays"] += 1
                book["completion_count"] += play["is_complete"]
                book["plays_with_duration"] += play["duration_seconds"] is not None
                book["valid_plays"] += play["is_valid"]
        for book_id, watched in children.items():
            exact = D(seconds[book_id]) / 60
            expected[(book_id, size)] = {
                "unique_children": len(watched),
                "total_minutes_watched": exact.quantize(D("0.01"), rounding=ROUND_HALF_UP),
                **{c: counts[book_id][c] for c in PLAY_COUNTS},
            }
    first_month = {
        d["child_profile_id"]
        for d in days
        if windows[30][0] <= d["activity_date"] and d["activity_date"].month == windows[30][0].month
    }
    second_month = {
        d["child_profile_id"]
        for d in days
        if d["activity_date"] <= windows[30][1] and d["activity_date"].month == windows[30][1].month
    }
    crossing = first_month & second_month
    assert crossing, "no child active in both months of the 30-day window"
    actual = {
        (row["book_id"], row["window_days"]): {c: row[c] for c in FIGURES}
        for row in built.rows("book_activity_windows")
    }
    assert actual == expected


def test_a_day_within_its_windows_and_the_report_over_everything_is_all_time(built):
    today = dates(built)
    first = min(r["metric_date"] for r in built.rows("daily_platform_metrics"))
    everything = report(built, first, today["as_of_date"])
    last_30 = report(built, today["last_30_days_start"], today["as_of_date"])
    last_7 = report(built, today["last_7_days_start"], today["as_of_date"])
    columns = list(FIGURES.values())
    for key, row in last_7.items():
        assert_within({c: row[c] for c in columns}, last_30[key], f"{key}: report 7 <= 30")
    for key, row in last_30.items():
        assert_within({c: row[c] for c in columns}, everything[key], f"{key}: report 30 <= all")
    for day in built.rows("daily_book_metrics"):
        key = (day["book_id"], day["publisher_id"])
        figures = {c: day[f] for f, c in FIGURES.items()}
        assert_within(figures, everything[key], f"{key} on {day['metric_date']} <= all time")

    # a book that never changed publisher: the report over every day is the all-time row
    publishers = defaultdict(set)
    for key in everything:
        publishers[key[0]].add(key[1])
    all_time = {row["book_id"]: row for row in built.rows("book_engagement")}
    compared = 0
    for (book_id, _), row in everything.items():
        if len(publishers[book_id]) == 1:
            compared += 1
            for figure, column in FIGURES.items():
                assert row[column] == all_time[book_id][ALL_TIME.get(figure, figure)], (
                    book_id,
                    figure,
                )
    assert compared >= 5


def test_publisher_windows(built):
    today = dates(built)
    first = min(r["metric_date"] for r in built.rows("daily_platform_metrics"))
    for panel in built.rows("publisher_panel_summary"):
        assert panel["minutes_last_30_days"] <= panel["total_minutes_watched"]
        assert panel["completions_last_30_days"] <= panel["completion_count"]
        ranges = [
            (today["last_7_days_start"], today["as_of_date"]),
            (today["last_30_days_start"], today["as_of_date"]),
            (first, today["as_of_date"]),
        ]
        totals = []
        for start, end in ranges:
            rows = report(built, start, end, publisher=panel["publisher_id"]).values()
            totals.append({c: sum(r[c] for r in rows) for c in ("plays", "completions")})
        for smaller, larger in zip(totals, totals[1:], strict=False):
            assert_within(smaller, larger, f"publisher {panel['publisher_id']}")
    with reporting.read_only(built.target) as conn:
        document = reporting.platform_document(conn, first, today["as_of_date"])
    summary = document["summary"]
    for entry in document["data"]:
        assert entry["minutes_watched"] <= summary["total_minutes_watched"]
        assert entry["unique_children"] <= summary["total_unique_children"]
        assert entry["completions"] <= summary["total_completions"]
