"""The sub-commands. Each `register_*` adds its parser and handler."""

from __future__ import annotations

import datetime as dt

from psycopg import sql

from . import StorytimeError, db, dbt_invoke, pipeline, runlog, summary
from .cliutil import add_lock_wait, connected_target
from .dates import chunks, parse_date, parse_range, yesterday_utc

SOURCE_TABLES = ("usage_events", "books", "video_assets", "publishers", "users", "child_profiles")


def _target_with_sources() -> db.Target:
    """The database, after checking the app's source tables are there."""
    target = connected_target()
    schema = db.source_schema()
    with target.connect() as conn:
        missing = [
            table
            for table in SOURCE_TABLES
            if conn.execute("select to_regclass(%s)", (f"{schema}.{table}",)).fetchone()[0] is None
        ]
    if missing:
        raise StorytimeError(
            f"source tables missing in schema {schema}: {', '.join(missing)} "
            "(for a local database: storytime-analytics init-source)"
        )
    return target


def register_db(sub) -> None:
    p = sub.add_parser("db", help="start, stop or locate the embedded PostgreSQL")
    p.add_argument("action", choices=["start", "stop", "status", "url", "env"])
    p.set_defaults(handler=run_db)


def run_db(args) -> int:
    explicit = db.explicit_target()
    if args.action in ("start", "stop") and explicit is not None:
        raise StorytimeError(
            f"the environment names a database ({explicit.describe()}); "
            "the embedded one is used only when no PG* variable or STORYTIME_DATABASE_URL is set"
        )
    if args.action == "start":
        print(f"embedded PostgreSQL running: {db.start_embedded().url}")
    elif args.action == "stop":
        print("stopped" if db.stop_embedded() else "not running")
    elif args.action == "status":
        print(explicit.describe() if explicit else db.embedded_status())
    elif args.action == "url":
        print((explicit or db.start_embedded()).url)
    else:
        for key, value in (explicit or db.start_embedded()).env().items():
            print(f"export {key}='{value}'")
    return 0


def register_init_source(sub) -> None:
    p = sub.add_parser("init-source", help="create the app's source tables (local, demo, tests)")
    p.add_argument(
        "--add-missing",
        action="store_true",
        help="on a schema that already has some tables, create only the missing ones",
    )
    p.set_defaults(handler=run_init_source)


def run_init_source(args) -> int:
    schema = db.source_schema()
    target = connected_target()
    with target.connect() as conn:
        existing = [
            table
            for table in SOURCE_TABLES
            if conn.execute("select to_regclass(%s)", (f"{schema}.{table}",)).fetchone()[0]
        ]
    if existing and not args.add_missing:
        raise StorytimeError(
            f"schema {schema} already has {', '.join(existing)}; nothing changed "
            "(--add-missing creates only the missing tables)"
        )
    if len(existing) == len(SOURCE_TABLES):
        print(f"all source tables already exist in schema {schema}; nothing to do")
        return 0
    dbt_invoke.invoke(
        target,
        [
            "run-operation",
            "init_source",
            "--args",
            f"{{add_missing: {str(args.add_missing).lower()}}}",
        ],
        quiet=True,
    )
    print(f"created the missing source tables in schema {schema}")
    return 0


def register_partitions(sub) -> None:
    p = sub.add_parser("partitions", help="create monthly partitions of usage_events")
    p.add_argument("--start", help="first month (YYYY-MM-DD inside it); default this month")
    p.add_argument(
        "--months-ahead",
        type=int,
        default=3,
        help="months after the current one to create (default 3)",
    )
    p.set_defaults(handler=run_partitions)


def ensure_partitions(target: db.Target, first: dt.date, last: dt.date) -> None:
    dbt_invoke.invoke(
        target,
        [
            "run-operation",
            "create_event_partitions",
            "--args",
            f"{{start_month: '{first}', end_month: '{last}'}}",
        ],
        quiet=True,
    )


def run_partitions(args) -> int:
    today = dt.datetime.now(dt.timezone.utc).date()
    first = parse_date(args.start, "--start") if args.start else today.replace(day=1)
    last = today
    for _ in range(args.months_ahead):
        last = (last.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    ensure_partitions(connected_target(), first, last)
    print(f"partitions present from {first:%Y-%m} to {last:%Y-%m}")
    return 0


def register_generate(sub) -> None:
    p = sub.add_parser("generate", help="load realistic synthetic events (deterministic per seed)")
    p.add_argument("--start", required=True, help="first day (YYYY-MM-DD)")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--children", type=int, default=3000)
    p.add_argument("--books", type=int, default=200)
    p.add_argument("--seed", type=int, default=1)
    p.set_defaults(handler=run_generate)


def run_generate(args) -> int:
    from . import generate

    start = parse_date(args.start, "--start")
    if args.days < 1 or args.children < 1 or args.books < 1:
        raise StorytimeError("--days, --children and --books must be positive")
    target = connected_target()
    last = start + dt.timedelta(days=args.days)
    ensure_partitions(target, start - dt.timedelta(days=1), last + dt.timedelta(days=7))
    with target.connect() as conn:
        stats = generate.generate(
            conn,
            db.source_schema(),
            start,
            args.days,
            args.children,
            args.books,
            args.seed,
            progress=lambda done, total: pipeline.progress_bar(done, total, "days generated"),
        )
    print(", ".join(f"{k}={v}" for k, v in stats.items() if not isinstance(v, dict)))
    return 0


def register_daily(sub) -> None:
    p = sub.add_parser(
        "daily", help="the daily job: a date whole, and by play what late rows touched"
    )
    p.add_argument("--date", help="the date to process (default: yesterday, UTC)")
    _add_run_options(p, pipeline.DAILY_TIMEOUT_SECONDS)
    p.set_defaults(handler=run_daily)


def _add_run_options(p, timeout_seconds: int) -> None:
    p.add_argument(
        "--statement-timeout",
        type=int,
        default=timeout_seconds,
        metavar="SECONDS",
        help=f"statement_timeout of every model statement (default {timeout_seconds})",
    )
    add_lock_wait(p)


def run_daily(args) -> int:
    day = parse_date(args.date, "--date") if args.date else yesterday_utc()
    target = _target_with_sources()
    run = pipeline.daily(target, day, args.lock_wait, args.statement_timeout)
    print(
        f"processed {runlog.describe_dates(run.dates)}: {run.rows_read} events read, "
        f"{run.rows_rejected} rejected; received through {run.watermark}"
    )
    details = run.details
    if details.get("touched_plays"):
        print(
            f"reprocessed by play: {details['touched_pairs']} child-book pairs on "
            f"{details['touched_dates']} earlier dates ({details['touched_date_span']}), "
            f"{details['touched_rows_received']} rows received since, "
            f"{details['touched_events_read']} events read"
        )
    if details.get("unprocessed_rows"):
        print(
            f"left to backfill: {details['unprocessed_rows']} rows received for dates never "
            f"processed ({details['unprocessed_dates']})"
        )
    summary.print_summary(target, day - dt.timedelta(days=1), day, rejected=False)
    return 0


def register_runs(sub) -> None:
    p = sub.add_parser("runs", help="the recent runs of the run log (for whoever is on call)")
    p.add_argument("--limit", type=int, default=20, help="how many (default 20)")
    p.set_defaults(handler=run_runs)


def run_runs(args) -> int:
    if args.limit < 1:
        raise StorytimeError("--limit must be at least 1")
    target = connected_target()
    with target.connect() as conn:
        runlog.mark_interrupted(conn)
        rows = runlog.recent(conn, args.limit)
    headers = ["run", "command", "outcome", "started (UTC)", "seconds", "dates", "rows read"]
    headers += ["rejected", "message"]
    print(summary.format_table(headers, rows) if rows else "no runs recorded yet")
    return 0


def register_backfill(sub) -> None:
    p = sub.add_parser("backfill", help="recompute a range of dates")
    p.add_argument("--start", required=True)
    p.add_argument("--end", required=True)
    p.add_argument(
        "--chunk-days", type=int, default=10, help="dates per dbt invocation (default 10)"
    )
    _add_run_options(p, pipeline.BACKFILL_TIMEOUT_SECONDS)
    p.set_defaults(handler=run_backfill)


def run_backfill(args) -> int:
    first, last = parse_range(args.start, args.end)
    chunks(first, last, args.chunk_days)  # validates --chunk-days before touching the database
    target = _target_with_sources()
    run = pipeline.backfill(
        target, first, last, args.chunk_days, args.lock_wait, args.statement_timeout
    )
    print(
        f"processed {runlog.describe_dates(run.dates)}: {run.rows_read} events read, "
        f"{run.rows_rejected} rejected"
    )
    summary.print_summary(target, first, last, rejected=False)
    return 0


def register_demo(sub) -> None:
    p = sub.add_parser("demo", help="the whole job on the embedded database with generated data")
    p.add_argument("--days", type=int, default=30)
    p.add_argument("--children", type=int, default=3000)
    p.add_argument("--books", type=int, default=200)
    p.set_defaults(handler=run_demo)


def run_demo(args) -> int:
    from . import generate

    target = connected_target()
    with target.connect() as conn:
        has_source = conn.execute(
            "select to_regclass(%s)", (f"{db.source_schema()}.usage_events",)
        ).fetchone()[0]
    if not has_source:
        dbt_invoke.invoke(target, ["run-operation", "init_source"], quiet=True)
    with target.connect() as conn:
        span = conn.execute(
            sql.SQL("select min(occurred_at)::date, max(occurred_at)::date from {}").format(
                db.source_table("usage_events")
            )
        ).fetchone()
    if span[0] is None:
        first = yesterday_utc() - dt.timedelta(days=args.days - 1)
        ensure_partitions(
            target, first - dt.timedelta(days=1), yesterday_utc() + dt.timedelta(days=7)
        )
        with target.connect() as conn:
            stats = generate.generate(
                conn,
                db.source_schema(),
                first,
                args.days,
                args.children,
                args.books,
                1,
                progress=lambda done, total: pipeline.progress_bar(done, total, "days generated"),
            )
        print(
            f"generated {stats.get('events', '?')} events "
            f"({stats.get('events_per_minute', '?')} events/minute)"
        )
        last = yesterday_utc()
    else:
        first, last = span
        print(f"reusing the events already loaded ({first} .. {last})")
    pipeline.backfill(target, first, last)
    summary.print_summary(target, max(first, last - dt.timedelta(days=6)), last)
    return 0


from . import bench, partition_upkeep, privacy, reporting, spark  # noqa: E402  (bench: issue 6; privacy: SPEC section 6)
from .dashboard import register_dashboard  # noqa: E402  (issue 5)

REGISTRY = [
    register_daily,
    register_backfill,
    register_runs,
    register_db,
    register_init_source,
    register_partitions,
    register_generate,
    register_demo,
    privacy.register_forget_child,
    privacy.register_retention,
    bench.register_bench,
    partition_upkeep.register_migrate_partitions,
    partition_upkeep.register_indexes,
    partition_upkeep.register_retire_partitions,
    reporting.register_report,
    reporting.register_api,
    reporting.register_serve,
    # Issue 5 (reporting): the admin dashboard as one HTML page.
    register_dashboard,
    spark.register_spark,
]
