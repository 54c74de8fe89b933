"""The command line: bad input gives one clear line on stderr and a non-zero exit,
never a traceback."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

COMMAND = [sys.executable, "-m", "storytime_analytics.cli"]


def run(args: list[str], env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        COMMAND + args,
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, **(env or {})},
    )


def assert_one_line_error(result: subprocess.CompletedProcess, *fragments: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr
    for fragment in fragments:
        assert fragment in lines[0]


def test_help_lists_the_commands():
    result = run(["--help"])
    assert result.returncode == 0
    for command in ("daily", "backfill", "db", "init-source", "generate", "demo"):
        assert command in result.stdout


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["backfill", "--start", "2026-02-30", "--end", "2026-03-01"], "2026-02-30"),
        (["backfill", "--start", "2026-03-02", "--end", "2026-03-01"], "before"),
        (["daily", "--date", "yesterday"], "not a valid date"),
        (
            ["backfill", "--start", "2026-03-01", "--end", "2026-03-02", "--chunk-days", "0"],
            "chunk-days",
        ),
    ],
)
def test_bad_dates(args, fragment, server):
    assert_one_line_error(run(args, server.env()), fragment)


def test_unreachable_database():
    result = run(
        ["daily", "--date", "2026-02-10"], {"PGHOST": "/nonexistent-socket-dir", "PGPORT": "5999"}
    )
    assert_one_line_error(result, "cannot connect")


def test_missing_source_tables(server):
    admin = server.with_database("postgres")
    with admin.connect(autocommit=True) as conn:
        conn.execute("drop database if exists storytime_test_empty")
        conn.execute("create database storytime_test_empty")
    try:
        result = run(
            ["daily", "--date", "2026-02-10"], server.with_database("storytime_test_empty").env()
        )
        assert_one_line_error(result, "source tables missing", "usage_events")
    finally:
        with admin.connect(autocommit=True) as conn:
            conn.execute("drop database storytime_test_empty with (force)")


def test_database_url_that_is_not_one():
    result = run(["daily", "--date", "2026-02-10"], {"STORYTIME_DATABASE_URL": "not a url"})
    assert_one_line_error(result, "STORYTIME_DATABASE_URL")


def test_source_schema_that_is_not_a_plain_name(server):
    result = run(
        ["daily", "--date", "2026-02-10"], {**server.env(), "STORYTIME_SOURCE_SCHEMA": "app; drop"}
    )
    assert_one_line_error(result, "STORYTIME_SOURCE_SCHEMA")


def test_runner_and_dbt_read_the_same_source_schema(server):
    """STORYTIME_SOURCE_SCHEMA moves the app's tables for the runner (source checks,
    generator, late-data watermark, row counts) and for dbt (the source, the macros) alike."""
    admin = server.with_database("postgres")
    with admin.connect(autocommit=True) as conn:
        conn.execute("drop database if exists storytime_test_schema")
        conn.execute("create database storytime_test_schema")
    target = server.with_database("storytime_test_schema")
    env = {**target.env(), "STORYTIME_SOURCE_SCHEMA": "app"}
    try:
        steps = [
            ["init-source"],
            [
                "generate",
                "--start",
                "2026-02-10",
                "--days",
                "2",
                "--children",
                "20",
                "--books",
                "4",
            ],
            ["backfill", "--start", "2026-02-10", "--end", "2026-02-11"],
            ["daily", "--date", "2026-02-11"],
        ]
        for step in steps:
            result = run(step, env)
            assert result.returncode == 0, (step, result.stderr)
        with target.connect() as conn:
            assert conn.execute("select to_regclass('public.usage_events')").fetchone()[0] is None
            generated = conn.execute(
                "select count(*) from app.usage_events where occurred_at < '2026-02-12'"
            ).fetchone()[0]
            starts = conn.execute(
                "select count(*) from app.usage_events where event_type = 'play_start'"
                " and occurred_at >= '2026-02-10' and occurred_at < '2026-02-12'"
            ).fetchone()[0]
            published = conn.execute(
                "select coalesce(sum(total_play_starts), 0) from analytics.daily_book_metrics"
            ).fetchone()[0]
        assert generated > 0
        assert published == starts
    finally:
        with admin.connect(autocommit=True) as conn:
            conn.execute("drop database storytime_test_schema with (force)")
