"""`storytime-analytics bench` / `make bench`: how close the daily run is to the hardware's
floor, measured in one run on the embedded database (every figure a median of several
repetitions, compared as ratios because the machine is shared and noisy).

Dataset (generated once into the database `storytime_bench` and reused): a benchmark
day with about 5 M events, about 1 M on each neighbouring day, and 29 lighter days of
history before them, all backfilled once.
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

from psycopg import sql

from . import db, dbt_invoke, generate, pipeline, relations, runlog
from .errors import InfrastructureFailure
from .summary import format_table

BENCH_DATABASE = "storytime_bench"
GROWTH_DATABASE = "storytime_bench_growth"
BENCH_DAY = dt.date(2026, 3, 18)
HISTORY_DAYS = 29
# (first day, days, children, seed): ~23 events per child per day.
SLICES = (
    (BENCH_DAY - dt.timedelta(days=HISTORY_DAYS + 1), HISTORY_DAYS, 3_000, 11),
    (BENCH_DAY - dt.timedelta(days=1), 1, 45_000, 12),
    (BENCH_DAY + dt.timedelta(days=1), 1, 45_000, 13),
    (BENCH_DAY, 1, 220_000, 14),
)
FIRST_DAY = SLICES[0][0]
# The benchmark day is larger than a day the 30 s default is meant for (see README).
DAILY_STATEMENT_TIMEOUT = 300
LAST_DAY = BENCH_DAY + dt.timedelta(days=1)


def day_bounds(day: dt.date, days: int = 1) -> tuple[dt.datetime, dt.datetime]:
    start = dt.datetime.combine(day, dt.time(), dt.timezone.utc)
    return start, start + dt.timedelta(days=days)


def _exists(server: db.Target, name: str) -> bool:
    with server.with_database("postgres").connect(autocommit=True) as conn:
        return bool(
            conn.execute("select 1 from pg_database where datname = %s", (name,)).fetchone()
        )


def _database(server: db.Target, name: str, first: dt.date, last: dt.date) -> db.Target:
    """The database `name` with the source tables and the partitions from first to last."""
    target = server.with_database(name)
    if not _exists(server, name):
        with server.with_database("postgres").connect(autocommit=True) as conn:
            conn.execute(sql.SQL("create database {}").format(sql.Identifier(name)))
    with target.connect() as conn:
        has_source = conn.execute(
            "select to_regclass(%s)", (f"{db.source_schema()}.usage_events",)
        ).fetchone()[0]
    if not has_source:
        dbt_invoke.invoke(target, ["run-operation", "init_source"], quiet=True)
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
    return target


def _ready(server: db.Target, name: str, marker: str) -> bool:
    """Whether the database `name` exists and its generation finished (marker table)."""
    if not _exists(server, name):
        return False
    with server.with_database(name).connect() as conn:
        marked = conn.execute(
            "select to_regclass(%s)", (f"{relations.ops_schema()}.{marker}",)
        ).fetchone()
    return marked[0] is not None


def prepare(server: db.Target) -> db.Target:
    """The benchmark database, generated and backfilled on first use."""
    if _ready(server, BENCH_DATABASE, "bench_ready"):
        return server.with_database(BENCH_DATABASE)
    print("generating the benchmark dataset (once)...", file=sys.stderr)
    target = _database(server, BENCH_DATABASE, FIRST_DAY, LAST_DAY)
    with target.connect() as conn:
        for first, days, children, seed in SLICES:
            stats = generate.generate(conn, db.source_schema(), first, days, children, 300, seed)
            print(f"  {first} +{days}d: {stats['events']} events", file=sys.stderr)
        conn.execute(sql.SQL("analyze {}").format(db.source_table("usage_events")))
    pipeline.backfill(target, FIRST_DAY, LAST_DAY, chunk_days=8)
    with target.connect() as conn:
        conn.execute(
            sql.SQL("create table {} (ready_at timestamptz default now())").format(
                sql.Identifier(relations.ops_schema(), "bench_ready")
            )
        )
    return target


def floor_seconds(target: db.Target, day: dt.date = BENCH_DAY) -> float:
    """One ordered pass over the day's events, consumed in the server, not returned."""
    start, end = day_bounds(day)
    with target.connect() as conn:
        conn.execute("set enable_indexscan = off")
        conn.execute("set enable_bitmapscan = off")
        conn.execute("set work_mem = '1GB'")
        began = time.perf_counter()
        conn.execute(
            sql.SQL(
                """select count(*), max(occurred_at) from (
                       select child_profile_id, book_id, occurred_at from {}
                       where occurred_at >= %s and occurred_at < %s
                       order by child_profile_id, book_id, occurred_at offset 0) as ordered"""
            ).format(db.source_table("usage_events")),
            (start, end),
        ).fetchone()
        return time.perf_counter() - began


def models_seconds(target: db.Target, day: dt.date = BENCH_DAY) -> float:
    """SQL time of the models alone for one day (dbt start-up excluded)."""
    outcome = dbt_invoke.invoke(
        target,
        ["run"],
        dbt_vars={"date": day.isoformat(), "statement_timeout_seconds": 1800},
        quiet=True,
    )
    return sum(r.execution_time for r in outcome.results)


def daily_run(target: db.Target) -> tuple[float, float]:
    """The daily job as cron runs it: wall seconds and the runner's peak RSS (MB)."""
    began = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "storytime_analytics.cli",
            "daily",
            "--date",
            BENCH_DAY.isoformat(),
            "--statement-timeout",
            str(DAILY_STATEMENT_TIMEOUT),
        ],
        capture_output=True,
        text=True,
        env={**target.env(), **_path_env()},
    )
    if result.returncode != 0:
        raise InfrastructureFailure(f"the daily run failed: {result.stderr.strip()[-300:]}")
    seconds = time.perf_counter() - began
    rss_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    return seconds, rss_mb


def _path_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("PG")}


NAIVE_REPORT = """
    with events as (
        select book_id, child_profile_id, event_type, occurred_at,
               lead(occurred_at) over (partition by child_profile_id, book_id
                                       order by occurred_at) as next_at
        from {events}
        where occurred_at >= %(start)s and occurred_at < %(end)s
          and event_type in ('play_start', 'resume', 'heartbeat', 'pause', 'play_end')
    )
    select book_id,
           count(*) filter (where event_type = 'play_start') as play_starts,
           count(*) filter (where event_type = 'play_end') as play_ends,
           sum(case when event_type not in ('pause', 'play_end')
                     and next_at - occurred_at <= interval '60 minutes'
                    then least(extract(epoch from next_at - occurred_at), 45) else 0 end) / 60
               as minutes
    from events group by book_id order by minutes desc
"""
MART_REPORT = """
    select book_id, sum(total_play_starts) as play_starts, sum(total_play_ends) as play_ends,
           sum(total_minutes_watched) as minutes
    from {daily_book_metrics}
    where metric_date between %(first)s and %(last)s
    group by book_id order by minutes desc
"""


def dashboard_reads(book: int, publisher: int, first: dt.date, last: dt.date) -> dict:
    """What the dashboard (dashboard.load) and the JSON API (reporting) actually run, by
    name: each a function of a connection. dashboard_p95_ms is their p95."""
    from . import dashboard, reporting

    reads = {
        f"dashboard: {name}": (lambda conn, n=name: dashboard.read_platform(conn, n))
        for name in dashboard.PLATFORM_READS
    }
    reads.update(
        {
            f"dashboard: book {name}": (lambda conn, n=name: dashboard.read_book(conn, n, book))
            for name in dashboard.BOOK_READS
        }
    )
    reads.update(
        {
            "api: platform 30 days": lambda conn: reporting.platform_document(conn, first, last),
            "api: book 30 days": lambda conn: reporting.book_document(conn, book, first, last),
            "api: publisher 30 days": lambda conn: reporting.publisher_document(
                conn, publisher, first, last
            ),
            "api: book retention": lambda conn: reporting.retention_document(conn, book),
            "api: lifecycle 30 days": lambda conn: reporting.lifecycle_document(conn, first, last),
        }
    )
    return reads


def read_seconds(target: db.Target, read, repeat: int) -> list[float]:
    """One read (a function of a connection) timed `repeat` times after a warm-up, each in
    its own read-only REPEATABLE READ transaction on one kept connection, as the API's
    pooled connections read."""
    import psycopg

    out = []
    with target.connect() as conn:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            read(conn)  # warm: the session's plans
        for _ in range(repeat):
            began = time.perf_counter()
            with conn.transaction():
                read(conn)
            out.append(time.perf_counter() - began)
    return out


def day_events(target: db.Target, day: dt.date) -> int:
    with target.connect() as conn:
        return conn.execute(
            sql.SQL("select count(*) from {} where occurred_at >= %s and occurred_at < %s").format(
                db.source_table("usage_events")
            ),
            day_bounds(day),
        ).fetchone()[0]


def query_seconds(target: db.Target, query, params: dict, repeat: int) -> list[float]:
    with target.connect() as conn:
        conn.execute(query, params).fetchall()  # warm
        out = []
        for _ in range(repeat):
            began = time.perf_counter()
            conn.execute(query, params).fetchall()
            out.append(time.perf_counter() - began)
    return out


def top_book(target: db.Target) -> tuple[int, int]:
    """The most played book that has a publisher, and that publisher: what the dashboard
    and API reads of the benchmark open."""
    with target.connect() as conn:
        return conn.execute(
            sql.SQL(
                "select book_id, publisher_id from {} where publisher_id is not null "
                "group by book_id, publisher_id order by sum(total_plays) desc, book_id limit 1"
            ).format(relations.relation("daily_book_metrics"))
        ).fetchone()


def run(repeat: int = 3) -> str:
    server = db.resolve()
    target = prepare(server)
    end = day_bounds(BENCH_DAY)[1]
    events = day_events(target, BENCH_DAY)
    book, publisher = top_book(target)
    params = {
        "start": day_bounds(BENCH_DAY - dt.timedelta(days=29))[0],
        "end": end,
        "first": BENCH_DAY - dt.timedelta(days=29),
        "last": BENCH_DAY,
        "book": book,
    }

    rows = []
    floor = [floor_seconds(target) for _ in range(repeat)]
    rows.append(("floor: ordered pass over the day", floor))
    print(f"floor: {floor}", file=sys.stderr, flush=True)
    models = [models_seconds(target) for _ in range(repeat)]
    rows.append(("models for the day (SQL time)", models))
    print(f"models: {models}", file=sys.stderr, flush=True)
    daily = [daily_run(target) for _ in range(max(2, repeat - 1))]
    rows.append(("daily job (D-1 and D, dbt start-up, tests)", [d[0] for d in daily]))
    naive_report = sql.SQL(NAIVE_REPORT).format(events=db.source_table("usage_events"))
    naive = query_seconds(target, naive_report, params, repeat)
    rows.append(("naive 30-day report from raw events", naive))
    mart_report = sql.SQL(MART_REPORT).format(
        daily_book_metrics=relations.relation("daily_book_metrics")
    )
    mart = query_seconds(target, mart_report, params, 10 * repeat)
    rows.append(("30-day report from daily_book_metrics", mart))
    dashboard: list[float] = []
    reads = dashboard_reads(book, publisher, params["first"], params["last"])
    for name, read in reads.items():
        timings = read_seconds(target, read, 20)
        dashboard += timings
        rows.append((name, timings))

    table = [
        (name, len(t), f"{statistics.median(t):.3f}", f"{min(t):.3f}", f"{max(t):.3f}")
        for name, t in rows
    ]
    print(format_table(["measure", "runs", "median_s", "min_s", "max_s"], table))
    f, m = statistics.median(floor), statistics.median(models)
    a, b = statistics.median(naive), statistics.median(mart)
    p95 = statistics.quantiles(dashboard, n=20)[-1] * 1000
    line = (
        f"bench: events={events} daily_run_s={statistics.median(d[0] for d in daily):.1f} "
        f"models_s={m:.2f} floor_s={f:.2f} ratio={m / f:.2f} naive_report_s={a:.2f} "
        f"mart_report_s={b:.4f} report_speedup={a / b:.0f} dashboard_p95_ms={p95:.1f} "
        f"runner_rss_mb={max(d[1] for d in daily):.0f}"
    )
    print(line)
    return line


# Growth curve (README "Scale"): one day each of ~1, 2.5, 5 and 10 M events, three days
# apart so that no run's window sees another's events; ~29.6 events per child per day.
GROWTH_DAYS = (
    (dt.date(2026, 4, 6), 34_000, 21),
    (dt.date(2026, 4, 9), 85_000, 22),
    (dt.date(2026, 4, 12), 170_000, 23),
    (dt.date(2026, 4, 15), 340_000, 24),
)


def prepare_growth(server: db.Target) -> db.Target:
    """The growth-curve database (its own, so that its days never reach the main
    benchmark's dashboards or runs), generated and backfilled on first use."""
    if _ready(server, GROWTH_DATABASE, "bench_growth_ready"):
        return server.with_database(GROWTH_DATABASE)
    print("generating the growth-curve days (once)...", file=sys.stderr)
    first, last = GROWTH_DAYS[0][0], GROWTH_DAYS[-1][0]
    target = _database(server, GROWTH_DATABASE, first, last + dt.timedelta(days=1))
    with target.connect() as conn:
        for day, children, seed in GROWTH_DAYS:
            stats = generate.generate(conn, db.source_schema(), day, 1, children, 300, seed)
            print(f"  {day}: {stats['events']} events", file=sys.stderr, flush=True)
        conn.execute(sql.SQL("analyze {}").format(db.source_table("usage_events")))
    # the backfill creates every table (so each measured run is an incremental one), one
    # growth day per chunk
    pipeline.backfill(target, first, last, chunk_days=3)
    with target.connect() as conn:
        conn.execute(
            sql.SQL("create table {} (ready_at timestamptz default now())").format(
                sql.Identifier(relations.ops_schema(), "bench_growth_ready")
            )
        )
    return target


def growth(repeat: int = 2) -> str:
    """Floor and models time for days of ~1, 2.5, 5 and 10 M events (same run)."""
    target = prepare_growth(db.resolve())
    rows = []
    for day, _, _ in GROWTH_DAYS:
        events = day_events(target, day)
        floor = statistics.median(floor_seconds(target, day) for _ in range(repeat))
        models = statistics.median(models_seconds(target, day) for _ in range(repeat))
        rows.append(
            (
                events,
                f"{floor:.2f}",
                f"{models:.2f}",
                f"{models / floor:.2f}",
                f"{1000 * models / events * 1000:.2f}",
            )
        )
        print(
            f"growth: events={events} floor_s={floor:.2f} models_s={models:.2f}",
            file=sys.stderr,
            flush=True,
        )
    table = format_table(
        ["events", "floor_s", "models_s", "ratio", "models_ms_per_1k_events"], rows
    )
    print(table)
    return table


# Steady state (issue 12): consecutive days with the generator's late uploads, the daily
# job run for each day in order as cron would, each event visible only once received.
STEADY_DATABASE = "storytime_bench_steady"
STEADY_FIRST = dt.date(2026, 5, 4)
STEADY_DAYS = 7
STEADY_MEASURED = 3  # the last runs, reported
RUN_HOUR = 2  # cron: the daily job for D at 02:00 UTC on D+1


def night_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(RUN_HOUR), dt.timezone.utc)


def prepare_steady(server: db.Target, children: int) -> db.Target:
    """The steady-state template: STEADY_DAYS generated days whose events wait in
    <source>.incoming until received, and one tablet's week held back for the burst."""
    name = f"{STEADY_DATABASE}_{children}"
    if _ready(server, name, "bench_steady_ready"):
        return server.with_database(name)
    print(f"generating the steady-state days (once, {children} children)...", file=sys.stderr)
    last = STEADY_FIRST + dt.timedelta(days=STEADY_DAYS)
    target = _database(
        server, name, STEADY_FIRST - dt.timedelta(days=1), last + dt.timedelta(days=7)
    )
    events = db.source_table("usage_events")
    incoming = db.source_table("incoming")
    with target.connect() as conn:
        stats = generate.generate(
            conn, db.source_schema(), STEADY_FIRST, STEADY_DAYS, children, 300, 31
        )
        print(f"  {stats['events']} events", file=sys.stderr)
        # the burst: the most active child's week, uploaded at once after the last night
        conn.execute(
            sql.SQL(
                """update {events} set created_at = %s where child_profile_id = (
                       select child_profile_id from {events} group by child_profile_id
                       order by count(distinct cast(occurred_at as date)) desc, count(*) desc
                       limit 1)"""
            ).format(events=events),
            (night_of(STEADY_FIRST + dt.timedelta(days=STEADY_DAYS - 1)) + dt.timedelta(hours=1),),
        )
        conn.execute(sql.SQL("create table {} as select * from {}").format(incoming, events))
        conn.execute(sql.SQL("create index on {} (created_at)").format(incoming))
        conn.execute(sql.SQL("truncate {}").format(events))
        conn.execute(
            sql.SQL("create schema if not exists {}").format(sql.Identifier(relations.ops_schema()))
        )
        conn.execute(
            sql.SQL("create table {} (ready_at timestamptz)").format(
                sql.Identifier(relations.ops_schema(), "bench_steady_ready")
            )
        )
    return target


def receive(target: db.Target, until: dt.datetime) -> int:
    """Make the events received up to `until` visible in the source."""
    with target.connect() as conn:
        return conn.execute(
            sql.SQL(
                """with moved as (delete from {} where created_at <= %s returning *)
                   insert into {} select * from moved"""
            ).format(db.source_table("incoming"), db.source_table("usage_events")),
            (until,),
        ).rowcount


def timed_daily(target: db.Target, cli: str, day: dt.date, project: str) -> dict:
    """One `daily` as cron runs it (a subprocess of `cli`), with the longest model
    statement from dbt's run_results.json."""
    import json

    began = time.perf_counter()
    result = subprocess.run(
        [cli, "daily", "--date", day.isoformat(), "--statement-timeout", "1800"],
        capture_output=True,
        text=True,
        env={**_path_env(), "STORYTIME_DATABASE_URL": target.conninfo},
    )
    seconds = time.perf_counter() - began
    if result.returncode != 0:
        raise InfrastructureFailure(f"the daily run failed: {result.stderr.strip()[-300:]}")
    results = json.loads((Path(project) / "target" / "run_results.json").read_text())["results"]
    publish_s = 0.0  # the on-run-end publish (macros/publish), recorded by the database
    table = f"{runlog.ops_schema()}.publication"
    with target.connect() as conn:
        if conn.execute("select to_regclass(%s)", (table,)).fetchone()[0]:
            found = conn.execute(f"select publish_seconds from {table}").fetchone()
            publish_s = float(found[0] or 0) if found else 0.0
    models = [r for r in results if r["unique_id"].startswith("model.")]
    slowest = max(models, key=lambda r: r["execution_time"])
    return {
        "wall_s": seconds,
        "publish_s": publish_s,
        "models_s": sum(r["execution_time"] for r in models),
        "max_statement_s": slowest["execution_time"],
        "max_statement": slowest["unique_id"].split(".")[-1],
        # statements of the ordered pass that ran (1 before it was sliced)
        "slices": sum(".int_play_segments_slice_" in r["unique_id"] for r in models) or 1,
        "output": [
            line
            for line in result.stdout.splitlines()
            if line.startswith(("processed", "reprocessed", "left to backfill"))
        ],
    }


def steady(children: int, cli: str | None = None, project: str | None = None) -> dict:
    """Cron over STEADY_DAYS days (a backfill of the first, then one daily run a night),
    then the burst and a quiet rerun of the last day. `cli`/`project`: another checkout's
    runner (the same data, measured the same way), default this one. Prints one line and
    returns its figures."""
    from . import PROJECT_DIR

    server = db.resolve()
    template = prepare_steady(server, children)
    name = f"{template.params['dbname']}_run"
    with server.with_database("postgres").connect(autocommit=True) as conn:
        conn.execute(
            sql.SQL("drop database if exists {} with (force)").format(sql.Identifier(name))
        )
        conn.execute(
            sql.SQL("create database {} template {}").format(
                sql.Identifier(name), sql.Identifier(template.params["dbname"])
            )
        )
    target = server.with_database(name)
    cli = cli or str(Path(sys.executable).parent / "storytime-analytics")
    project = project or str(PROJECT_DIR)
    receive(target, night_of(STEADY_FIRST))
    backfill = subprocess.run(
        [cli, "backfill", "--start", STEADY_FIRST.isoformat(), "--end", STEADY_FIRST.isoformat()],
        capture_output=True,
        text=True,
        env={**_path_env(), "STORYTIME_DATABASE_URL": target.conninfo},
    )
    if backfill.returncode != 0:
        raise InfrastructureFailure(f"the backfill failed: {backfill.stderr.strip()[-300:]}")
    nights = []
    for n in range(1, STEADY_DAYS):
        day = STEADY_FIRST + dt.timedelta(days=n)
        received = receive(target, night_of(day))
        run = timed_daily(target, cli, day, project)
        run.update(day=day, received=received)
        nights.append(run)
        print(
            f"steady: {day} received={received} wall_s={run['wall_s']:.1f} "
            f"models_s={run['models_s']:.1f} publish_s={run['publish_s']:.2f} "
            f"max_statement_s={run['max_statement_s']:.1f} "
            f"({run['max_statement']}) | " + " | ".join(run["output"][:2]),
            file=sys.stderr,
            flush=True,
        )
    last = STEADY_FIRST + dt.timedelta(days=STEADY_DAYS - 1)
    quiet = timed_daily(target, cli, last, project)
    burst_rows = receive(target, night_of(last) + dt.timedelta(hours=2))
    burst = timed_daily(target, cli, last, project)
    print(
        f"steady: quiet rerun wall_s={quiet['wall_s']:.1f}; burst of {burst_rows} rows "
        f"wall_s={burst['wall_s']:.1f} | " + " | ".join(burst["output"][:2]),
        file=sys.stderr,
    )
    measured = nights[-STEADY_MEASURED:]
    figures = {
        "events_per_night": f"{statistics.median(r['received'] for r in measured):.0f}",
        "steady_daily_s": f"{statistics.median(r['wall_s'] for r in measured):.1f}",
        "quiet_daily_s": f"{quiet['wall_s']:.1f}",
        "late_burst_s": f"{burst['wall_s']:.1f}",
        "slices": f"{burst['slices']}",
        "max_statement_s": f"{max(r['max_statement_s'] for r in measured + [burst]):.1f}",
        "publish_s": f"{statistics.median(r['publish_s'] for r in measured):.2f}",
    }
    print("steady: " + " ".join(f"{k}={v}" for k, v in figures.items()))
    # the run's database stays (for EXPLAIN ANALYZE on the week); the next run replaces it
    print(f"steady: the warehouse after the burst is kept in database {name}", file=sys.stderr)
    return figures


def register_bench(sub) -> None:
    p = sub.add_parser("bench", help="measure the daily run against the floor (make bench)")
    p.add_argument("--repeat", type=int, default=3, help="repetitions per measure (default 3)")
    p.add_argument(
        "--growth",
        action="store_true",
        help="instead: floor and models time at ~1, 2.5, 5 and 10 M events a day (README 'Scale')",
    )
    p.add_argument(
        "--steady",
        action="store_true",
        help="only the steady state: cron over 7 days with late uploads, then a late burst "
        "(plain bench runs it after the benchmark day)",
    )
    p.add_argument(
        "--children",
        type=int,
        default=220_000,
        help="--steady: children (about 23 events each a day; default ~5 M events a day)",
    )
    p.add_argument(
        "--api",
        action="store_true",
        help="instead: a bounded load on the JSON API (10,000 requests, 16 clients; one line)",
    )
    p.add_argument(
        "--warehouse",
        choices=("auto", "bench", "current"),
        default="auto",
        help="--api: the bench warehouse (storytime_bench), the database in use (e.g. the "
        "demo's), or auto: the bench warehouse when it is built, else the database in use",
    )
    p.add_argument("--requests", type=int, default=10_000, help="--api: requests (10,000)")
    p.add_argument("--clients", type=int, default=16, help="--api: concurrent clients (16)")
    p.add_argument("--workers", type=int, default=2, help="--api: server processes (2)")
    p.add_argument(
        "--pool-size", type=int, default=3, help="--api: connections per server process (3)"
    )
    p.add_argument(
        "--cache-documents",
        type=int,
        help="--api: the server's document cache size (0: none; default the server's)",
    )
    p.add_argument("--cli", help="--steady: another checkout's storytime-analytics (compare)")
    p.add_argument("--project", help="--steady: that checkout's folder (its dbt target/)")
    p.set_defaults(handler=run_bench)


def api_warehouse(choice: str) -> tuple[db.Target, str]:
    """The warehouse `bench --api` loads, and its label."""
    server = db.resolve()
    if choice == "bench" or (choice == "auto" and _ready(server, BENCH_DATABASE, "bench_ready")):
        return prepare(server), BENCH_DATABASE
    return server, server.params.get("dbname", "current")


def run_bench(args) -> int:
    if args.api:
        from . import api_bench

        target, label = api_warehouse(args.warehouse)
        api_bench.run(
            target,
            label,
            args.requests,
            args.clients,
            args.workers,
            args.pool_size,
            args.cache_documents,
        )
    elif args.steady:
        steady(args.children, args.cli, args.project)
    elif args.growth:
        growth(min(args.repeat, 2))
    else:
        # the benchmark day, then cron over a week with late uploads (issue 12): one line
        line = run(args.repeat)
        figures = steady(args.children)
        wanted = ("steady_daily_s", "late_burst_s", "slices", "max_statement_s")
        print(line + "".join(f" {k}={figures[k]}" for k in wanted))
    return 0
