"""Privacy and access (SPEC section 6): dbt groups keep per-child models out of reach of
publisher-facing models at parse time, and the PostgreSQL roles the marts' grants name
keep per-child relations out of reach of publisher_reader at query time."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg
import pytest
from psycopg import sql
from storytime_analytics import PROJECT_DIR, dbt_invoke

from .support import Warehouse

PUBLISHING = {
    "usage_report",
    "publisher_panel_summary",
    "publisher_panel_top_books",
    "book_retention_curve",
}
# Every relation dbt materialises with a child_profile_id column (int_usage_events_cleaned,
# int_usage_events_sessionized and int_play_segments_unsliced are ephemeral; the profile's
# two threads give two slices of the ordered pass).
PER_CHILD = {
    "stg_app__usage_events",
    "stg_app__child_profiles",
    "int_usage_events_rejected",
    "int_play_segments",
    "int_play_segments_slice_0",
    "int_play_segments_slice_1",
    "int_plays",
    "int_child_book_days",
    "child_viewing_histories",
}


def test_dbt_refuses_a_publishing_model_that_refs_per_child_data(tmp_path):
    project = tmp_path / "project"
    shutil.copytree(
        PROJECT_DIR,
        project,
        ignore=shutil.ignore_patterns(
            ".*", "target*", "logs", "tests", "scripts", "dbt_packages", "__pycache__"
        ),
    )
    leak = project / "models" / "marts" / "dashboard" / "publisher_children.sql"
    leak.write_text(
        "{{ config(group='publishing') }}\n"
        "select book_id, count(*) as children\n"
        "from {{ ref('child_viewing_histories') }}\n"
        "group by book_id\n"
    )
    dbt = Path(sys.executable).parent / "dbt"
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    done = subprocess.run(
        [str(dbt), "parse", "--no-partial-parse", "--project-dir", str(project)]
        + ["--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode != 0, output
    assert (
        "model.storytime.publisher_children attempted to reference node "
        "model.storytime.child_viewing_histories" in output
    ), output
    assert "private to the 'per_child' group" in output, output


@pytest.fixture
def built(dashboard_warehouse):
    return dashboard_warehouse  # default vars: no payout system configured


def relations(wh: Warehouse, column: str | None = None) -> set[tuple[str, str]]:
    """(schema, name) of every table and view in the analytics schemas, or of those with
    `column`."""
    query = """
        select distinct table_schema, table_name
        from information_schema.columns
        where
            table_schema like 'analytics%%'
            and (%(column)s::text is null or column_name = %(column)s)
    """
    with wh.target.connect() as conn:
        return {tuple(row) for row in conn.execute(query, {"column": column}).fetchall()}


def can_read(wh: Warehouse, role: str, schema: str, name: str) -> bool:
    """Selects from the relation as `role` (set role: the embedded server's user is a
    superuser); False when PostgreSQL refuses."""
    with wh.target.connect() as conn:
        conn.execute(sql.SQL("set role {}").format(sql.Identifier(role)))
        try:
            conn.execute(sql.SQL("select * from {} limit 1").format(sql.Identifier(schema, name)))
        except psycopg.errors.InsufficientPrivilege:
            return False
        return True


def test_publisher_reader_is_denied_every_per_child_relation(built):
    per_child = relations(built, "child_profile_id")
    assert {name for _, name in per_child} >= PER_CHILD
    readable = [rel for rel in sorted(per_child) if can_read(built, "publisher_reader", *rel)]
    assert readable == []


def test_publisher_reader_reads_the_publisher_relations_and_nothing_else(built):
    for name in sorted(PUBLISHING):
        assert can_read(built, "publisher_reader", "analytics", name), name
    with built.target.connect() as conn:
        granted = {
            (schema, name)
            for schema, name in relations(built)
            if conn.execute(
                "select has_table_privilege('publisher_reader', %s, 'select')",
                (f'"{schema}"."{name}"',),
            ).fetchone()[0]
        }
    assert granted == {("analytics", name) for name in PUBLISHING}
    assert not can_read(built, "publisher_reader", "analytics", "daily_platform_metrics")
    # the lifecycle holds counts only, but of per-child activity: not for publishers
    assert not can_read(built, "publisher_reader", "analytics", "daily_child_lifecycle")
    assert can_read(built, "analytics_reader", "analytics", "daily_child_lifecycle")


def test_analytics_reader_reads_every_mart_but_no_staging_or_intermediate(built):
    everything = relations(built)
    marts = {name for schema, name in everything if schema == "analytics"}
    assert {"platform_overview", "child_viewing_histories", "usage_report"} <= marts
    for name in sorted(marts):
        assert can_read(built, "analytics_reader", "analytics", name), name
    for schema, name in sorted(everything):
        if schema in ("analytics_staging", "analytics_intermediate"):
            assert not can_read(built, "analytics_reader", schema, name), (schema, name)


def test_revenue_attribution_is_absent_without_a_payout_system(built):
    with built.target.connect() as conn:
        for name in (
            "analytics.publisher_revenue_attribution",
            "analytics_staging.stg_payouts__publisher_payouts",
        ):
            assert conn.execute("select to_regclass(%s)", (name,)).fetchone()[0] is None


def test_reader_roles_are_created_once_under_concurrent_runs(built):
    """Roles are cluster-wide and test databases build concurrently: four sessions
    creating the same (fresh) roles at once all succeed; a second pass changes nothing."""
    roles = [f"test_reader_{uuid.uuid4().hex[:8]}", f"test_reader_{uuid.uuid4().hex[:8]}"]
    outcome = dbt_invoke.invoke(
        built.target,
        ["compile", "--inline", f"{{{{ storytime.ensure_reader_roles({roles}, false) }}}}"],
        quiet=True,
    )
    statement = outcome.results[0].node.compiled_code
    barrier = threading.Barrier(4)
    errors: list[BaseException] = []

    def create(wait: bool = True) -> None:
        try:
            with built.target.connect(autocommit=True) as conn:
                if wait:
                    barrier.wait(30)
                conn.execute(statement)
        except BaseException as exc:  # reported below
            errors.append(exc)

    try:
        threads = [threading.Thread(target=create) for _ in range(4)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert errors == []
        create(wait=False)
        assert errors == []
        with built.target.connect() as conn:
            found = conn.execute(
                "select count(*) from pg_roles where rolname = any(%s)", (roles,)
            ).fetchone()[0]
        assert found == 2
    finally:
        with built.target.connect(autocommit=True) as conn:
            for role in roles:
                conn.execute(sql.SQL("drop role if exists {}").format(sql.Identifier(role)))
