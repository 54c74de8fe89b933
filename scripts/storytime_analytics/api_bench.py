"""`storytime-analytics bench --api`: a bounded load on the admin analytics API.

Starts `storytime-analytics serve` (its own process, on 127.0.0.1, with a throw-away admin
token) on a warehouse, then 16 client threads, each on one keep-alive connection, send
10,000 GET requests between them: a fixed mix of 7-, 30- and 365-day platform, book and
publisher documents ending on the warehouse's latest processed day, over the most
watched books and every publisher. Prints one line: requests/s, p50/p95/p99 overall and
for the 30-day documents, and errors (any status but 200, or a failed connection).
"""

from __future__ import annotations

import datetime as dt
import http.client
import os
import random
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time

from psycopg import sql

from . import StorytimeError, db, relations
from .errors import InfrastructureFailure

REQUESTS = 10_000
CLIENTS = 16
# uvicorn worker processes (one per core) and connections per worker: on 2 cores shared
# with PostgreSQL, few connections (requests wait for one in the pool, not in the CPU queue)
WORKERS = 2
POOL_SIZE = 3
RANGE_DAYS = (7, 30, 365)
KINDS = ("platform", "books", "publishers")
A = "/admin/api/v1/analytics"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def request_mix(target: db.Target, requests: int, seed: int = 15) -> list[tuple[int, str]]:
    """(range days, path) for every request: kinds and ranges in equal shares, books drawn
    from the 50 most watched, publishers from all, in a shuffled but fixed order."""
    with target.connect() as conn:
        last = conn.execute(
            sql.SQL("select max(metric_date) from {}").format(
                relations.relation("daily_scope_activity")
            )
        ).fetchone()[0]
        books = [
            r[0]
            for r in conn.execute(
                sql.SQL(
                    "select book_id from {} order by total_minutes_watched desc, book_id limit 50"
                ).format(relations.relation("book_panel_summary"))
            )
        ]
        publishers = [
            r[0]
            for r in conn.execute(
                sql.SQL("select distinct publisher_id from {} order by 1").format(
                    relations.relation("publisher_panel_summary")
                )
            )
        ]
    if last is None or not books or not publishers:
        raise StorytimeError("the warehouse has no processed date: run a backfill first")
    rng = random.Random(seed)
    out = []
    for n in range(requests):
        kind = KINDS[n % 3]
        days = RANGE_DAYS[(n // 3) % 3]
        first = last - dt.timedelta(days=days - 1)
        path = {
            "platform": f"{A}/platform",
            "books": f"{A}/books/{rng.choice(books)}",
            "publishers": f"{A}/publishers/{rng.choice(publishers)}",
        }[kind]
        out.append((days, f"{path}?start={first}&end={last}"))
    rng.shuffle(out)
    return out


def _client(port, token, work, lock, results, errors) -> None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    while True:
        with lock:
            if not work:
                break
            days, path = work.pop()
        began = time.perf_counter()
        try:
            conn.request("GET", path, headers=headers)
            response = conn.getresponse()
            response.read()
            ok = response.status == 200
        except (OSError, http.client.HTTPException):
            conn.close()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            ok = False
        elapsed = time.perf_counter() - began
        with lock:
            results.append((days, elapsed))
            if not ok:
                errors.append(path)
    conn.close()


def _percentiles(seconds: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000, cuts[98] * 1000


def run(
    target: db.Target,
    label: str,
    requests: int = REQUESTS,
    clients: int = CLIENTS,
    workers: int = WORKERS,
    pool_size: int = POOL_SIZE,
    cache_documents: int | None = None,
) -> str:
    if requests < clients or clients < 1:
        raise StorytimeError("--requests must be at least the number of clients (>= 1)")
    work = request_mix(target, requests)
    token = secrets.token_urlsafe(24)
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("STORYTIME_API_") and k != "STORYTIME_DATABASE_URL"
    }
    env.update({"STORYTIME_DATABASE_URL": target.conninfo, "STORYTIME_API_ADMIN_TOKEN": token})
    if cache_documents is not None:  # the server's document cache (0: every request reads SQL)
        env["STORYTIME_API_CACHE_DOCUMENTS"] = str(cache_documents)
    server = subprocess.Popen(
        [sys.executable, "-m", "storytime_analytics.cli", "serve", "--port", str(port),
         "--pool-size", str(pool_size), "--workers", str(workers), "--quiet"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        first_line = server.stdout.readline()
        if "serving" not in first_line:
            server.kill()
            _, err = server.communicate(timeout=30)
            raise InfrastructureFailure(
                f"the API server did not start: {(err or first_line).strip()[-300:]}"
            )
        # warm: every distinct document once (plans, pool, caches), not measured
        warm_lock = threading.Lock()
        warm = list(dict.fromkeys(work))
        _run_clients(port, token, warm, warm_lock, clients)
        pending = list(work)
        lock = threading.Lock()
        began = time.perf_counter()
        results, errors = _run_clients(port, token, pending, lock, clients)
        wall = time.perf_counter() - began
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
    every = [s for _, s in results]
    month = [s for days, s in results if days == 30]
    p50, p95, p99 = _percentiles(every)
    m50, m95, m99 = _percentiles(month)
    line = (
        f"bench-api: warehouse={label} requests={len(results)} clients={clients} "
        f"workers={workers} pool={pool_size} "
        f"cache={'default' if cache_documents is None else cache_documents} "
        f"rps={len(results) / wall:.0f} p50_ms={p50:.1f} p95_ms={p95:.1f} p99_ms={p99:.1f} "
        f"p50_30d_ms={m50:.1f} p95_30d_ms={m95:.1f} p99_30d_ms={m99:.1f} errors={len(errors)}"
    )
    print(line, flush=True)
    return line


def _run_clients(port, token, work, lock, clients):
    results: list[tuple[int, float]] = []
    errors: list[str] = []
    threads = [
        threading.Thread(target=_client, args=(port, token, work, lock, results, errors))
        for _ in range(clients)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results, errors
