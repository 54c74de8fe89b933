"""COPPA (SPEC section 6): forget-child and retention delete every row keyed by a child
from every table the project writes, keep everyone else's rows, and log counts, not ids."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import pytest
from storytime_analytics import cli as storytime_cli
from storytime_analytics import dbt_invoke, privacy

from .scenarios.catalog import asset, at, book, child, event, inputs, user
from .support import RUN_TIME_COLUMNS, Warehouse

COMMAND = [sys.executable, "-m", "storytime_analytics.cli"]
FIRST, LAST = dt.date(2026, 2, 2), dt.date(2026, 2, 21)
FORGOTTEN = 9137  # distinctive, so it cannot hide in a count


def session(first_id: int, child_id: int, book_id: int, start: dt.datetime) -> list[dict]:
    """One complete-ish play: start, a heartbeat, an end."""
    return [
        event(first_id, "play_start", start, 0, child_id, book_id),
        event(first_id + 1, "heartbeat", start + dt.timedelta(seconds=30), 30, child_id, book_id),
        event(first_id + 2, "play_end", start + dt.timedelta(seconds=60), 60, child_id, book_id),
    ]


# Last activity: child 11 on Feb 2, 13 on Feb 5, 14 on Feb 15 at 00:30, 12 on Feb 20 (and
# Feb 3), FORGOTTEN on Feb 21 (and Feb 4).
INPUTS = inputs(
    events=[
        *session(1, 11, 1, at(2, 9, 0)),
        *session(4, 11, 2, at(2, 10, 0)),
        *session(7, 12, 1, at(3, 9, 0)),
        *session(10, 12, 2, at(20, 18, 0)),
        *session(13, 13, 1, at(5, 7, 0)),
        *session(16, 14, 1, at(15, 0, 30)),
        *session(19, FORGOTTEN, 1, at(4, 8, 0)),
        *session(22, FORGOTTEN, 1, at(21, 8, 0)),
        *session(25, FORGOTTEN, 2, at(21, 23, 50)),  # across midnight
    ],
    video_assets=[asset(1, 1, 90), asset(2, 2, 120)],
    books=[book(1), book(2)],
    users=[user(100), user(101), user(102), user(103), user(104)],
    child_profiles=[
        child(11, 100),
        child(12, 101),
        child(13, 102),
        child(14, 103),
        child(FORGOTTEN, 104),
    ],
)
ALL_CHILDREN = {11, 12, 13, 14, FORGOTTEN}


# -- helpers -----------------------------------------------------------------------------


def cli(wh: Warehouse, *args: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k != "STORYTIME_DATABASE_URL"}
    return subprocess.run(
        COMMAND + list(args),
        capture_output=True,
        text=True,
        timeout=300,
        env={**env, **wh.target.env()},
    )


def cli_in_process(wh: Warehouse, monkeypatch, capsys, *args: str) -> tuple[int, str]:
    """The same command in this process (dbt already imported: seconds faster)."""
    monkeypatch.delenv("STORYTIME_DATABASE_URL", raising=False)
    for key, value in wh.target.env().items():
        monkeypatch.setenv(key, value)
    capsys.readouterr()
    code = storytime_cli.main(list(args))
    return code, capsys.readouterr().out


def assert_one_line_error(result: subprocess.CompletedProcess, fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    assert fragment in lines[0]


def per_child_tables(wh: Warehouse) -> list[str]:
    """Every table (not view) with a child_profile_id column in the analytics* schemas."""
    with wh.target.connect() as conn:
        rows = conn.execute(
            """select c.table_schema, c.table_name
               from information_schema.columns c
               join information_schema.tables t using (table_schema, table_name)
               where c.column_name = 'child_profile_id' and t.table_type = 'BASE TABLE'
                 and c.table_schema like 'analytics%'
               order by 1, 2"""
        ).fetchall()
    return [f"{schema}.{name}" for schema, name in rows]


def snapshot(wh: Warehouse) -> dict[str, list[tuple]]:
    """The rows of every per-child table, without the run-time columns, in a fixed order."""
    out = {}
    with wh.target.connect() as conn, conn.cursor() as cur:
        for table in per_child_tables(wh):
            cur.execute(f"select * from {table}")
            names = [d.name for d in cur.description]
            rows = [
                tuple(
                    sorted(
                        (n, v) for n, v in zip(names, row, strict=True) if n not in RUN_TIME_COLUMNS
                    )
                )
                for row in cur.fetchall()
            ]
            out[table] = sorted(rows, key=repr)
    return out


def child_of(row: tuple) -> int:
    return dict(row)["child_profile_id"]


def without(tables: dict[str, list[tuple]], children: set[int]) -> dict[str, list[tuple]]:
    return {t: [r for r in rows if child_of(r) not in children] for t, rows in tables.items()}


def counts_of(tables: dict[str, list[tuple]], children: set[int]) -> dict[str, int]:
    return {t: sum(child_of(r) in children for r in rows) for t, rows in tables.items()}


def run_log(wh: Warehouse) -> list[dict]:
    with wh.target.connect() as conn, conn.cursor() as cur:
        if conn.execute("select to_regclass('analytics_ops.run_log')").fetchone()[0] is None:
            return []
        cur.execute(
            "select command, outcome, message, details from analytics_ops.run_log order by run_id"
        )
        names = [d.name for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


@pytest.fixture
def built(warehouse) -> Warehouse:
    warehouse.load(INPUTS)
    warehouse.build(FIRST, LAST)
    return warehouse


# -- forget-child ------------------------------------------------------------------------


def test_forget_child_removes_every_row_of_the_child_and_nothing_else(built):
    wh = built
    before = snapshot(wh)
    holding = [t for t, n in counts_of(before, {FORGOTTEN}).items() if n]
    # child_viewing_histories, int_child_book_days, int_plays, int_play_segments
    assert len(holding) >= 4, holding
    assert {child_of(r) for rows in before.values() for r in rows} == ALL_CHILDREN

    # A bad id anywhere in the list: one line, nothing deleted, nothing recorded.
    bad = cli(wh, "forget-child", str(FORGOTTEN), "12x")
    assert_one_line_error(bad, "12x")
    assert snapshot(wh) == before
    assert run_log(wh) == []

    result = cli(wh, "forget-child", str(FORGOTTEN))
    assert result.returncode == 0, result.stderr
    after = snapshot(wh)
    assert set(after) == set(before)  # no table dropped or added
    assert counts_of(after, {FORGOTTEN}) == dict.fromkeys(before, 0)
    assert after == without(before, {FORGOTTEN})  # everyone else's rows intact
    for table in holding:
        assert table in result.stdout

    [log] = run_log(wh)
    assert (log["command"], log["outcome"]) == ("forget-child", "success")
    # counts per relation, for exactly the per-child tables; never the child's id
    assert log["details"] == counts_of(before, {FORGOTTEN})
    assert str(FORGOTTEN) not in repr(log["details"]) + repr(log["message"])

    # The app deletes the child's raw events; a backfill of every date must not bring the
    # child back, and recomputes everyone else's rows identically.
    wh.execute("delete from public.usage_events where child_profile_id = %s", (FORGOTTEN,))
    wh.build(FIRST, LAST)
    rebuilt = snapshot(wh)
    assert counts_of(rebuilt, {FORGOTTEN}) == dict.fromkeys(before, 0)
    # (int_touched_plays describes the run that built it, a rerun lists what it replaced)
    run_scratch = [t for t in rebuilt if t.endswith(".int_touched_plays")]
    assert run_scratch
    for table in run_scratch:
        rebuilt.pop(table)
    assert rebuilt == {
        t: rows for t, rows in without(before, {FORGOTTEN}).items() if t not in run_scratch
    }


def test_forget_child_cleans_the_keys_an_unpublished_run_left(built):
    """A run that does not publish (here a dated `dbt run`) leaves the keys it replaced in
    child_activity_months beside the build copy, child ids included: forget-child deletes
    them like every other per-child row."""
    wh = built
    dbt_invoke.invoke(
        wh.target,
        ["run", "--select", "child_activity_months"],
        dbt_vars={"start_date": LAST.isoformat(), "end_date": LAST.isoformat()},
        quiet=True,
    )
    [keys] = [t for t in per_child_tables(wh) if t.endswith("child_activity_months__changed_keys")]
    # the platform, books 1 and 2 (Feb 21) and their publishers
    assert counts_of(snapshot(wh), {FORGOTTEN})[keys] >= 3

    result = cli(wh, "forget-child", str(FORGOTTEN))
    assert result.returncode == 0, result.stderr
    assert counts_of(snapshot(wh), {FORGOTTEN}) == dict.fromkeys(per_child_tables(wh), 0)
    assert keys in result.stdout


def stats_naming(wh: Warehouse, child_id: int) -> set[tuple[str, str, str]]:
    """(schema, table, column) of the analytics* statistics whose most common values or
    histogram bounds, read as text, hold child_id as a whole number."""
    pattern = f"(^|[^0-9]){child_id}([^0-9]|$)"
    with wh.target.connect() as conn:
        rows = conn.execute(
            """select schemaname::text, tablename::text, attname::text from pg_stats
               where schemaname like 'analytics%%'
                 and (most_common_vals::text ~ %s or histogram_bounds::text ~ %s)""",
            (pattern, pattern),
        ).fetchall()
    return set(rows)


def test_forget_child_leaves_no_trace_in_pg_stats(warehouse, monkeypatch, capsys):
    # FORGOTTEN also has two rejected events (book 3 has no books row): the rejects table
    # holds only those, so forgetting the child leaves it empty.
    rejected = session(90, FORGOTTEN, 3, at(21, 9, 0))[:2]
    warehouse.load({**INPUTS, "events": [*INPUTS["events"], *rejected]})
    warehouse.build(FIRST, LAST)
    with warehouse.target.connect() as conn:
        # the tables holding the child's rows (a dated build touches no plays: the
        # daily job's int_touched_* tables are empty here)
        tables = [
            table
            for table in per_child_tables(warehouse)
            if conn.execute(
                f"select exists (select from {table} where child_profile_id = %s)", (FORGOTTEN,)
            ).fetchone()[0]
        ]
        for table in tables:
            conn.execute(f"analyze {table}")
        conn.commit()
    before = stats_naming(warehouse, FORGOTTEN)
    named = {f"{schema}.{table}" for schema, table, column in before}
    # the test can fail: the id is in the statistics of every table holding its rows
    assert set(tables) <= named, before
    assert "analytics_intermediate.int_usage_events_rejected" in named

    code, out = cli_in_process(warehouse, monkeypatch, capsys, "forget-child", str(FORGOTTEN))
    assert code == 0
    assert "analytics_intermediate.int_usage_events_rejected" in out
    assert stats_naming(warehouse, FORGOTTEN) == set()
    # everyone else is still in the refreshed statistics of child_profile_id
    with warehouse.target.connect() as conn:
        left = conn.execute(
            """select most_common_vals::text, histogram_bounds::text from pg_stats
               where schemaname = 'analytics' and tablename = 'child_viewing_histories'
                 and attname = 'child_profile_id'"""
        ).fetchone()
    assert left is not None and "11" in repr(left)


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["forget-child", "abc"], "'abc'"),
        (["forget-child", "1.5"], "'1.5'"),
        (["forget-child", "0"], "'0'"),
        (["forget-child", "99999999999999999999"], "99999999999999999999"),
        (["retention", "--days", "ten"], "--days"),
        (["retention", "--days", "30", "--as-of", "2026-02-30"], "2026-02-30"),
    ],
)
def test_bad_input_is_one_line_and_exits_non_zero(args, fragment, warehouse):
    result = cli(warehouse, *args)
    assert_one_line_error(result, fragment)
    assert result.returncode == 2
    assert run_log(warehouse) == []


# -- retention ---------------------------------------------------------------------------


def test_retention_dry_run_then_removes_exactly_the_children_older_than_the_cut(
    built, monkeypatch, capsys
):
    wh = built
    before = snapshot(wh)
    # as of Feb 25, 10 days: last activity before Feb 15 00:00 UTC -> children 11 and 13.
    # 14 (Feb 15 00:30) is kept, and so is 12 whose Feb 3 rows are older than the cut.
    expired = {11, 13}
    args = ["retention", "--days", "10", "--as-of", "2026-02-25"]

    code, dry = cli_in_process(wh, monkeypatch, capsys, *args, "--dry-run")
    assert code == 0
    assert "would delete the rows of 2 children" in dry
    assert snapshot(wh) == before
    assert run_log(wh) == []
    expected = counts_of(before, expired)
    for table, count in expected.items():
        assert any(table in line and line.split()[-1] == str(count) for line in dry.splitlines())

    result = cli(wh, *args)
    assert result.returncode == 0, result.stderr
    after = snapshot(wh)
    assert after == without(before, expired)
    assert {child_of(r) for rows in after.values() for r in rows} == ALL_CHILDREN - expired

    [log] = run_log(wh)
    assert (log["command"], log["outcome"]) == ("retention", "success")
    assert log["details"] == expected

    # Nothing else is past the cut: a second run deletes nothing.
    assert cli_in_process(wh, monkeypatch, capsys, *args)[0] == 0
    assert snapshot(wh) == after
    assert run_log(wh)[-1]["details"] == dict.fromkeys(before, 0)


def test_retention_cutoff():
    assert privacy.retention_cutoff(dt.date(2026, 2, 25), 10) == dt.datetime(
        2026, 2, 15, tzinfo=dt.timezone.utc
    )


# -- discovery ---------------------------------------------------------------------------


def test_discovery_keeps_tables_with_the_column_whatever_the_graph_declares(warehouse, capsys):
    with warehouse.target.connect() as conn:
        conn.execute("create schema analytics")
        conn.execute("create table analytics.documented (child_profile_id bigint)")
        conn.execute("create table analytics.undocumented (child_profile_id bigint)")
        conn.execute("create table analytics.tagged_without_column (book_id bigint)")
        conn.execute("create view analytics.a_view as select 1::bigint as child_profile_id")
        graph = [
            privacy.ProjectRelation("documented", "analytics", "documented", True),
            privacy.ProjectRelation("undocumented", "analytics", "undocumented", False),
            privacy.ProjectRelation("tagged", "analytics", "tagged_without_column", True),
            privacy.ProjectRelation("a_view", "analytics", "a_view", True),
            privacy.ProjectRelation("not_built", "analytics", "not_built", True),
        ]
        found = privacy.per_child_relations(conn, graph)
    assert [r.label for r in found] == ["analytics.documented", "analytics.undocumented"]
    warnings = capsys.readouterr().err
    assert "analytics.undocumented" in warnings
    assert "analytics.tagged_without_column" in warnings
