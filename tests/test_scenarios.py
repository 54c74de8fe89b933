"""The hand-computed scenarios of tests/scenarios/catalog.py, loaded into PostgreSQL and
run through dbt: the published tables must hold exactly the hand-computed numbers, and
every column must equal the independent Python implementation of SPEC.md."""

from __future__ import annotations

import pytest
from storytime_analytics import dbt_invoke, pipeline
from storytime_analytics.errors import DataTestFailure

from .reference import spec_model
from .scenarios.catalog import SCENARIOS, mismatches
from .support import PUBLISHED, normalise


def sql_outputs(warehouse) -> dict[str, list[dict]]:
    """The published tables plus plays, rejects and the reconciliation, in the oracle's
    column names."""
    out = warehouse.published()
    out["plays"] = [
        {**row, "dropoff_bucket": row.pop("dropoff_bucket_percent")}
        for row in warehouse.rows("int_plays", schema="analytics_intermediate")
    ]
    out["rejects"] = [
        {
            "id": row["usage_event_id"],
            "reason": row["reject_reason"],
            "reject_date": row["reject_date"],
        }
        for row in warehouse.rows("int_usage_events_rejected", schema="analytics_intermediate")
    ]
    out["reconciliation"] = [
        {k: v for k, v in row.items() if k != "unexplained_events"}
        for row in warehouse.rows("int_usage_events_reconciled", schema="analytics_intermediate")
    ]
    return out


def oracle_outputs(scenario) -> dict[str, list[dict]]:
    return spec_model.compute(**scenario.inputs, dates=list(scenario.dates))


def assert_same_as_oracle(actual: dict, expected: dict, dates) -> None:
    for table, keys in PUBLISHED.items():
        want = expected[table]
        if table == "daily_book_metrics":
            want = [r for r in want if r["metric_date"] in dates]
        assert normalise(actual[table], keys) == normalise(want, keys), table
    # the rejects and the reconciliation of the processed dates (a dated run writes those)
    rejects = [r for r in expected["rejects"] if r["reject_date"] in dates]
    assert normalise(actual["rejects"], ("id",)) == normalise(rejects, ("id",)), "rejects"
    tally = [r for r in expected["reconciliation"] if r["count_date"] in dates]
    keys = ("count_date",)
    assert normalise(actual["reconciliation"], keys) == normalise(tally, keys), "reconciliation"


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(warehouse, name):
    scenario = SCENARIOS[name]
    warehouse.load(scenario.inputs)
    warehouse.build(min(scenario.dates), max(scenario.dates))
    actual = sql_outputs(warehouse)
    assert mismatches(actual, scenario.expected) == []
    assert_same_as_oracle(actual, oracle_outputs(scenario), set(scenario.dates))


def test_bad_rows_are_rejects_not_test_failures(warehouse):
    """The rows SPEC section 2 rejects (unknown book, 1970/2100 clocks, corrupt positions)
    pass every data test of a dated build; the reconciliation explains every raw row."""
    scenario = SCENARIOS["bad_source_rows"]
    warehouse.load(scenario.inputs)
    warehouse.build(min(scenario.dates), max(scenario.dates), tests=True)
    (tally,) = warehouse.rows("int_usage_events_reconciled", schema="analytics_intermediate")
    assert tally["unexplained_events"] == 0


def test_the_reconciliation_catches_a_lost_row(warehouse):
    """A row missing from the rejects is unexplained, and the data test says so."""
    scenario = SCENARIOS["bad_source_rows"]
    warehouse.load(scenario.inputs)
    day = min(scenario.dates)
    warehouse.build(day)
    warehouse.execute(
        "delete from analytics_intermediate.int_usage_events_rejected where usage_event_id = 12"
    )
    with pytest.raises(DataTestFailure, match="int_usage_events_reconciled"):
        dbt_invoke.invoke(
            warehouse.target,
            ["build", "--select", "int_usage_events_reconciled"],
            dbt_vars={"date": day.isoformat()},
            quiet=True,
        )
    (tally,) = warehouse.rows("int_usage_events_reconciled", schema="analytics_intermediate")
    assert tally["unexplained_events"] == 1


def test_the_run_log_counts_the_rejects_of_the_run(warehouse):
    """A backfill over the bad rows succeeds (no data test fails) and its run log row
    counts the four rejected rows of its date (pipeline.count_rows reads the rejects
    table)."""
    scenario = SCENARIOS["bad_source_rows"]
    warehouse.load(scenario.inputs)
    day = min(scenario.dates)
    run = pipeline.backfill(warehouse.target, day, day)
    assert run.rows_rejected == 4
