"""The date window of a run reaches the partitioned usage_events table, so PostgreSQL
scans only the monthly partitions the run needs (checked on the real plan)."""

from __future__ import annotations

import os
from pathlib import Path

from storytime_analytics import PROJECT_DIR, dbt_invoke

COMPILED = (
    Path(os.environ.get("DBT_TARGET_PATH") or PROJECT_DIR / "target")
    / "compiled"
    / "storytime"
    / "models"
    / "intermediate"
    / "playback"
    / "int_play_segments_slice_0.sql"
)


def scanned_partitions(wh, day: str) -> set[str]:
    dbt_invoke.invoke(
        wh.target,
        ["compile", "--select", "int_play_segments_slice_0"],
        dbt_vars={"date": day},
        quiet=True,
    )
    with wh.target.connect() as conn:
        plan = conn.execute("explain (format json) " + COMPILED.read_text()).fetchone()[0]
    found: set[str] = set()

    def walk(node):
        if node.get("Relation Name", "").startswith("usage_events"):
            found.add(node["Relation Name"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def test_a_mid_month_day_scans_one_partition(warehouse):
    warehouse.build()  # creates the upstream relations
    assert scanned_partitions(warehouse, "2026-02-14") == {"usage_events_y2026m02"}


def test_the_first_of_a_month_also_reads_the_last_hour_of_the_previous_one(warehouse):
    warehouse.build()
    assert scanned_partitions(warehouse, "2026-03-01") == {
        "usage_events_y2026m02",
        "usage_events_y2026m03",
    }


def rejects_plan(wh, day: str) -> dict[str, set[str]]:
    """Scanned usage_events partitions of the rejects model's plan -> their scan nodes."""
    dbt_invoke.invoke(
        wh.target,
        ["compile", "--select", "int_usage_events_rejected"],
        dbt_vars={"date": day},
        quiet=True,
    )
    compiled = COMPILED.with_name("int_usage_events_rejected.sql")
    with wh.target.connect() as conn:
        conn.execute("set enable_seqscan = off")  # what the plan can do, not what is cheap
        plan = conn.execute("explain (format json) " + compiled.read_text()).fetchone()[0]
    found: dict[str, set[str]] = {}

    def walk(node):
        name = node.get("Relation Name", "")
        if name.startswith("usage_events"):
            found.setdefault(name, set()).add(node["Node Type"])
        for child in node.get("Plans", []):
            walk(child)

    walk(plan[0]["Plan"])
    return found


def test_the_rejects_skip_the_months_between_the_upload_limit_and_the_day(warehouse):
    """A run for Feb 14 counts rows dated from Feb 14 on (later months and the default
    partition: clocks ahead), and rows received on Feb 14 dated more than 60 days before
    the end of the day (before Dec 17: the months up to December, through the created_at
    index). January cannot hold a rejected row counted on Feb 14: it is not read."""
    warehouse.build()
    plan = rejects_plan(warehouse, "2026-02-14")
    assert "usage_events_y2026m01" not in plan
    assert {"usage_events_y2025m10", "usage_events_y2025m12", "usage_events_y2026m02"} <= set(plan)
    assert {"usage_events_y2026m12", "usage_events_default"} <= set(plan)
    # the months before the upload limit are found by receive time, not scanned whole
    for month in ("usage_events_y2025m10", "usage_events_y2025m11"):
        assert plan[month] & {"Index Scan", "Bitmap Heap Scan", "Index Only Scan"}, plan[month]
