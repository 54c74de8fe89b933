"""The hand-computed scenarios of tests/scenarios/catalog.py, loaded into PostgreSQL and
run through dbt: the published tables must hold exactly the hand-computed numbers, and
every column must equal the independent Python implementation of SPEC.md."""

from __future__ import annotations

import pytest

from .reference import spec_model
from .scenarios.catalog import SCENARIOS, mismatches
from .support import PUBLISHED, normalise


def sql_outputs(warehouse) -> dict[str, list[dict]]:
    """The published tables plus plays and rejects, in the oracle's column names."""
    out = warehouse.published()
    out["plays"] = [
        {**row, "dropoff_bucket": row.pop("dropoff_bucket_percent")}
        for row in warehouse.rows("int_plays", schema="analytics_intermediate")
    ]
    out["rejects"] = [
        {"id": row["usage_event_id"], "reason": row["reject_reason"]}
        for row in warehouse.rows("int_usage_events_rejected", schema="analytics_intermediate")
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


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_scenario(warehouse, name):
    scenario = SCENARIOS[name]
    warehouse.load(scenario.inputs)
    warehouse.build(min(scenario.dates), max(scenario.dates))
    actual = sql_outputs(warehouse)
    assert mismatches(actual, scenario.expected) == []
    assert_same_as_oracle(actual, oracle_outputs(scenario), set(scenario.dates))
