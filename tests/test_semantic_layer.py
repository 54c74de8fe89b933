"""The semantic layer (models/semantic) answers what the marts hold: MetricFlow's
warehouse validations pass on a built warehouse, and one `mf query` of every metric by
day equals the marts' numbers and the hand-computed ones."""

from __future__ import annotations

import csv
import os
import subprocess
import sys
from decimal import Decimal as D
from pathlib import Path

from storytime_analytics import PROJECT_DIR

from .scenarios.catalog import asset, at, book, child, day, event, inputs, user

MF = str(Path(sys.executable).with_name("mf"))
METRICS = (
    "minutes_watched",
    "plays",
    "plays_with_duration",
    "valid_plays",
    "completions",
    "completion_rate",
    "sessions",
    "unique_children",
    "active_children",
    "new_children",
    "returning_children",
    "resurrecting_children",
    "dormant_children",
    "active_children_7d",
    "active_children_28d",
    "stickiness",
)
LIFECYCLE = METRICS[METRICS.index("active_children") :]


def two_days() -> dict[str, list[dict]]:
    """Book 1 (300 s, publisher 10), book 2 (90 s, publisher 11) and book 3 (publisher 11,
    no video asset: duration unknown); children 1 and 2."""
    events = [
        # Feb 10, child 1, book 1: a full watch with a 5-minute pause; one session, one
        # complete play, 45 + 45 + 30 + 4 * 45 = 300 s = 5.00 min.
        event(1, "play_start", at(10, 10, 0, 0), 0),
        event(2, "heartbeat", at(10, 10, 0, 45), 45),
        event(3, "heartbeat", at(10, 10, 1, 30), 90),
        event(4, "pause", at(10, 10, 2, 0), 120),
        event(5, "resume", at(10, 10, 7, 0), 120),
        event(6, "heartbeat", at(10, 10, 7, 45), 165),
        event(7, "heartbeat", at(10, 10, 8, 30), 210),
        event(8, "heartbeat", at(10, 10, 9, 15), 255),
        event(9, "play_end", at(10, 10, 10, 0), 300),
        # Feb 10, child 2, book 2: abandoned at 45 of 90 s (< 81): one session, one play,
        # not complete, 45 s = 0.75 min.
        event(10, "play_start", at(10, 18, 0, 0), 0, child=2, book=2),
        event(11, "heartbeat", at(10, 18, 0, 45), 45, child=2, book=2),
        # Feb 11, child 1, book 2: watched to the end twice in one session (a replay after
        # play_end is a new play): two complete plays, 90 + 90 s = 3.00 min.
        event(12, "play_start", at(11, 9, 0, 0), 0, book=2),
        event(13, "heartbeat", at(11, 9, 0, 45), 45, book=2),
        event(14, "play_end", at(11, 9, 1, 30), 90, book=2),
        event(15, "play_start", at(11, 9, 2, 0), 0, book=2),
        event(16, "heartbeat", at(11, 9, 2, 45), 45, book=2),
        event(17, "play_end", at(11, 9, 3, 30), 90, book=2),
        # Feb 11, child 2, book 3 (no duration): one play of 20 s = 0.33 min, not valid
        # (< 30 s), neither complete nor incomplete: not in the completion rate.
        event(18, "play_start", at(11, 12, 0, 0), 0, child=2, book=3),
        event(19, "pause", at(11, 12, 0, 20), 20, child=2, book=3),
    ]
    return inputs(
        events,
        [asset(1, 1, 300), asset(2, 2, 90)],
        books=[book(1, 10), book(2, 11), book(3, 11)],
        users=[user(100), user(101)],
        child_profiles=[child(1, 100), child(2, 101)],
    )


# By hand, per day: minutes 5.00 + 0.75 and 3.00 + 0.33; plays 2 and 3, of known duration
# 2 and 2, valid 2 (300 s, 45 s) and 2 (the 20 s play is not); completions 1 and 2;
# sessions 2 and 2; distinct children 2 and 2; completion rate 1/2 and 2/2 (not 2/3).
# Lifecycle: Feb 10 children 1 and 2 are new; Feb 11 both return (active Feb 10); nobody
# resurrects or is dormant; 2 children in 7 and 28 days, stickiness 2 / 2.
HAND = {
    day(10): {
        "minutes_watched": D("5.75"),
        "plays": 2,
        "plays_with_duration": 2,
        "valid_plays": 2,
        "completions": 1,
        "completion_rate": D("0.5"),
        "sessions": 2,
        "unique_children": 2,
        **dict(zip(LIFECYCLE, (2, 2, 0, 0, 0, 2, 2, D("1")), strict=True)),
    },
    day(11): {
        "minutes_watched": D("3.33"),
        "plays": 3,
        "plays_with_duration": 2,
        "valid_plays": 2,
        "completions": 2,
        "completion_rate": D("1"),
        "sessions": 2,
        "unique_children": 2,
        **dict(zip(LIFECYCLE, (2, 0, 2, 0, 0, 2, 2, D("1")), strict=True)),
    },
}


def mf(warehouse, *args: str) -> subprocess.CompletedProcess:
    """Runs the MetricFlow CLI in the project against the warehouse's database."""
    env = {**os.environ, **warehouse.target.env()}
    return subprocess.run(
        [MF, *args], cwd=PROJECT_DIR, env=env, capture_output=True, text=True, timeout=300
    )


def mart_by_day(warehouse) -> dict:
    """The same figures read straight from the marts."""
    out = {}
    for row in warehouse.rows("daily_platform_metrics"):
        out[row["metric_date"]] = {
            "minutes_watched": D(0),
            "plays": 0,
            "plays_with_duration": 0,
            "valid_plays": 0,
            "completions": 0,
            "sessions": 0,
            "unique_children": row["unique_children"],
        }
    for row in warehouse.rows("daily_book_metrics"):
        figures = out[row["metric_date"]]
        figures["minutes_watched"] += row["total_minutes_watched"]
        figures["plays"] += row["total_plays"]
        figures["plays_with_duration"] += row["plays_with_duration"]
        figures["valid_plays"] += row["valid_plays"]
        figures["completions"] += row["completion_count"]
        figures["sessions"] += row["total_sessions"]
    for row in warehouse.rows("daily_child_lifecycle"):
        figures = out[row["metric_date"]]
        figures.update({m: row[m] for m in LIFECYCLE})
        figures["stickiness"] = D(row["active_children"]) / D(row["active_children_28d"])
    for figures in out.values():
        figures["completion_rate"] = D(figures["completions"]) / D(figures["plays_with_duration"])
    return out


def test_mf_query_equals_the_marts(warehouse, monkeypatch, tmp_path):
    # mf reads <project>/target/semantic_manifest.json whatever DBT_TARGET_PATH says.
    monkeypatch.delenv("DBT_TARGET_PATH", raising=False)
    warehouse.load(two_days())
    warehouse.build(day(10), day(11))

    validation = mf(warehouse, "validate-configs")
    assert validation.returncode == 0, validation.stdout + validation.stderr

    answer = tmp_path / "answer.csv"
    query = mf(
        warehouse,
        "query",
        "--metrics",
        ",".join(METRICS),
        "--group-by",
        "metric_time__day",
        "--order",
        "metric_time__day",
        "--csv",
        str(answer),
    )
    assert query.returncode == 0, query.stdout + query.stderr
    with answer.open() as f:
        rows = list(csv.DictReader(f))
    got = {dt_from(row["metric_time__day"]): {m: number(row[m]) for m in METRICS} for row in rows}

    assert got == HAND
    assert mart_by_day(warehouse) == HAND

    # The retention curve, all time, over both books with a duration: book 1's play
    # reached 300 of 300 s (every mark), book 2's three plays 45, 90 and 90 of 90 s (45 s
    # is mark 50): 4 plays measured; 4 reach marks 0..50, 3 the marks above.
    curve = tmp_path / "curve.csv"
    query = mf(
        warehouse,
        "query",
        "--metrics",
        "retention_share,plays_reached,plays_measured",
        "--group-by",
        "book_mark__percent_mark",
        "--csv",
        str(curve),
    )
    assert query.returncode == 0, query.stdout + query.stderr
    with curve.open() as f:
        got = {
            int(row["book_mark__percent_mark"]): (
                number(row["retention_share"]),
                int(row["plays_reached"]),
                int(row["plays_measured"]),
            )
            for row in csv.DictReader(f)
        }
    assert got == {
        mark: (D(1) if mark <= 50 else D("0.75"), 4 if mark <= 50 else 3, 4)
        for mark in range(0, 101, 5)
    }


def dt_from(text: str):
    import datetime as dt

    return dt.date.fromisoformat(text[:10])


def number(text: str) -> D:
    return D(text).normalize() if text else None
