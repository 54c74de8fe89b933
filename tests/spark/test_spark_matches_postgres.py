"""The same models on Apache Spark (dbt-spark, session method) give the same rows as on
PostgreSQL. Run by `make test-spark` in .venv-spark (skipped elsewhere).

Starting the JVM (~20 s) and dbt (~5 s plus ~1-5 s per model on Spark) dominates, so every
hand-computed scenario is loaded at once: scenario k's ids are shifted by (k + 1) * 10**6
(the scenarios already use disjoint dates), one PostgreSQL database and one Spark warehouse
hold them all, and each side runs dbt a few times:

1. build 2026-02-03..2026-02-28 on both (on Spark: every table created);
2. per scenario, the Spark rows equal the hand-computed numbers and the Python oracle of
   SPEC.md; every row of the four published tables equals PostgreSQL's;
3. rerun two dates on both after deleting one scenario's events of one date (on Spark the
   insert_overwrite path, the kept keys of the all-time tables and the emptied date), then
   build with data tests; again every row equal."""

from __future__ import annotations

import datetime as dt
import os
from decimal import Decimal

import pytest

from ..reference import spec_model
from ..scenarios.catalog import SCENARIOS, mismatches
from ..support import PUBLISHED, Warehouse, normalise

pyspark = pytest.importorskip("pyspark", reason="pyspark is in .venv-spark (make test-spark)")

from storytime_analytics import spark as st_spark  # noqa: E402

SHIFT = 10**6
ID_COLUMNS = {
    "publishers": ("id",),
    "books": ("id", "publisher_id"),
    "video_assets": ("id", "book_id"),
    "users": ("id",),
    "child_profiles": ("id", "user_id"),
    "events": ("id", "child_profile_id", "book_id"),
}
OUTPUT_IDS = ("book_id", "child_profile_id", "publisher_id", "first_usage_event_id", "id")
FIRST = dt.date(2026, 2, 3)
LAST = dt.date(2026, 2, 28)
NAMES = sorted(SCENARIOS)
# Published tables over the whole platform whose figures of a date depend on other dates
# (compared with the oracle over all scenarios together, not per scenario).
PLATFORM_WIDE = ("daily_child_lifecycle",)
# The rerun: every event of this scenario on its first date is deleted before it.
EMPTIED = "heartbeat_cap"


def shift_of(name: str) -> int:
    return (NAMES.index(name) + 1) * SHIFT


def shifted_inputs() -> dict[str, list[dict]]:
    combined: dict[str, list[dict]] = {table: [] for table in ID_COLUMNS}
    for name in NAMES:
        offset = shift_of(name)
        for table, rows in SCENARIOS[name].inputs.items():
            for row in rows:
                row = dict(row)
                for column in ID_COLUMNS[table]:
                    if row.get(column) is not None:
                        row[column] += offset
                combined[table].append(row)
    return combined


def unshift(rows: list[dict], offset: int) -> list[dict]:
    return [
        {k: (v - offset if k in OUTPUT_IDS and v is not None else v) for k, v in row.items()}
        for row in rows
    ]


def owned(rows: list[dict], offset: int, column: str) -> list[dict]:
    return [r for r in rows if r[column] is not None and offset <= r[column] < offset + SHIFT]


def published(read) -> dict[str, list[dict]]:
    """The four tables plus plays and rejects (read: schema, table -> rows)."""
    out = {table: read("analytics", table) for table in PUBLISHED}
    out["plays"] = [
        {**row, "dropoff_bucket": row.pop("dropoff_bucket_percent")}
        for row in read("analytics_intermediate", "int_plays")
    ]
    out["rejects"] = [
        {
            "id": row["usage_event_id"],
            "reason": row["reject_reason"],
            "reject_date": row["reject_date"],
        }
        for row in read("analytics_intermediate", "int_usage_events_rejected")
    ]
    out["reconciliation"] = [
        {k: v for k, v in row.items() if k != "unexplained_events"}
        for row in read("analytics_intermediate", "int_usage_events_reconciled")
    ]
    return out


def scenario_rows(everything: dict[str, list[dict]], name: str) -> dict[str, list[dict]]:
    offset, dates = shift_of(name), set(SCENARIOS[name].dates)
    out = {
        "daily_book_metrics": owned(everything["daily_book_metrics"], offset, "book_id"),
        "child_viewing_histories": owned(everything["child_viewing_histories"], offset, "book_id"),
        "book_dropoff_buckets": owned(everything["book_dropoff_buckets"], offset, "book_id"),
        "book_retention_curve": owned(everything["book_retention_curve"], offset, "book_id"),
        "plays": owned(everything["plays"], offset, "child_profile_id"),
        "rejects": owned(everything["rejects"], offset, "id"),
        "daily_platform_metrics": [
            r for r in everything["daily_platform_metrics"] if r["metric_date"] in dates
        ],
    }
    # per day over the platform (the scenarios' dates are disjoint), no ids to shift
    reconciliation = [r for r in everything["reconciliation"] if r["count_date"] in dates]
    return {
        **{table: unshift(rows, offset) for table, rows in out.items()},
        "reconciliation": reconciliation,
    }


def keyed(rows: list[dict], keys: tuple[str, ...], places: int | None = None) -> dict:
    """Rows by primary key, run-time columns left out, numbers as exact Decimals (or
    rounded to `places` decimals)."""
    out = normalise(rows, keys)
    if places is not None:
        for row in out.values():
            for column, value in row.items():
                if isinstance(value, Decimal):
                    row[column] = round(value, places)
    return out


@pytest.fixture(scope="module")
def engines(server, tmp_path_factory):
    """PostgreSQL (a private database) and Spark (a warehouse in a temporary directory)
    holding every scenario, built for FIRST..LAST."""
    os.environ.setdefault("STORYTIME_SPARK_SHUFFLE_PARTITIONS", "2")
    base = tmp_path_factory.mktemp("spark")
    session = st_spark.session(base)
    pg = Warehouse(server)
    try:
        pg.load(shifted_inputs())
        pg.build(FIRST, LAST)
        with pg.target.connect() as conn:
            st_spark.load_from_postgres(session, conn)
        st_spark.invoke(
            ["build", "--exclude", "resource_type:test", "resource_type:unit_test"],
            {"start_date": FIRST.isoformat(), "end_date": LAST.isoformat()},
            base=base,
        )
        yield pg, session, base
    finally:
        pg.drop()


def spark_reader(session):
    return lambda schema, table: st_spark.rows(session, f"{schema}.{table}")


def pg_reader(pg):
    return lambda schema, table: pg.rows(table, schema=schema)


def assert_same_rows(pg, session) -> None:
    for table, keys in PUBLISHED.items():
        want = keyed(pg.rows(table), keys)
        got = keyed(st_spark.rows(session, f"analytics.{table}"), keys)
        differing = {
            k: (got.get(k), want.get(k)) for k in set(got) | set(want) if got.get(k) != want.get(k)
        }
        assert differing == {}, f"{table} (spark, postgres)"


def test_every_scenario_matches_hand_computed_and_oracle_on_spark(engines):
    _, session, _ = engines
    everything = published(spark_reader(session))
    problems = {}
    for name in NAMES:
        scenario = SCENARIOS[name]
        actual = scenario_rows(everything, name)
        wrong = mismatches(actual, scenario.expected)
        oracle = spec_model.compute(**scenario.inputs, dates=list(scenario.dates))
        for table, keys in PUBLISHED.items():
            if table in PLATFORM_WIDE:
                continue
            want = oracle[table]
            if table == "daily_book_metrics":
                want = [r for r in want if r["metric_date"] in scenario.dates]
            if normalise(actual[table], keys) != normalise(want, keys):
                wrong.append(f"{table} differs from the oracle")
        if wrong:
            problems[name] = wrong
    assert problems == {}
    # The lifecycle's 7- and 28-day windows span the scenarios' dates: it is compared with
    # the oracle over all of them at once.
    days = [FIRST + dt.timedelta(days=n) for n in range((LAST - FIRST).days + 1)]
    combined = {t: rows for t, rows in shifted_inputs().items() if t != "publishers"}
    oracle = spec_model.compute(**combined, dates=days)
    for table in PLATFORM_WIDE:
        keys = PUBLISHED[table]
        assert normalise(everything[table], keys) == normalise(oracle[table], keys), table


def test_spark_rows_equal_postgres_rows(engines):
    pg, session, _ = engines
    assert_same_rows(pg, session)
    # Plays too, the facts every mart derives from. A play's watch_percentage is a quotient
    # each engine keeps to its own scale (PostgreSQL ~16 significant digits, Spark 13
    # decimals): equal to 10 decimals; the published averages are equal exactly (above).
    keys = ("child_profile_id", "book_id", "play_start_at")
    want = keyed(pg.rows("int_plays", schema="analytics_intermediate"), keys, places=10)
    got = keyed(st_spark.rows(session, "analytics_intermediate.int_plays"), keys, places=10)
    assert got == want


def test_rerun_with_an_emptied_date_equals_postgres(engines):
    pg, session, base = engines
    offset = shift_of(EMPTIED)
    emptied = SCENARIOS[EMPTIED].dates[0]
    pg.execute(
        "delete from public.usage_events where id >= %s and id < %s",
        (offset, offset + SHIFT),
    )
    with pg.target.connect() as conn:
        st_spark.load_from_postgres(session, conn, tables=["usage_events"])
    rerun = {"start_date": emptied.isoformat(), "end_date": (emptied + dt.timedelta(1)).isoformat()}
    pg.build(emptied, emptied + dt.timedelta(1))
    st_spark.invoke(["build", "--exclude", "resource_type:unit_test"], rerun, base=base)
    rows = owned(st_spark.rows(session, "analytics.daily_book_metrics"), offset, "book_id")
    assert [r for r in rows if r["metric_date"] == emptied] == []
    assert_same_rows(pg, session)
