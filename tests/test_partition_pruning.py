"""The date window of a run reaches the partitioned usage_events table, so PostgreSQL
scans only the monthly partitions the run needs (checked on the real plan)."""

from __future__ import annotations

from storytime_analytics import PROJECT_DIR, dbt_invoke

COMPILED = (
    PROJECT_DIR
    / "target"
    / "compiled"
    / "storytime"
    / "models"
    / "intermediate"
    / "playback"
    / "int_play_segments.sql"
)


def scanned_partitions(wh, day: str) -> set[str]:
    dbt_invoke.invoke(
        wh.target,
        ["compile", "--select", "int_play_segments"],
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
