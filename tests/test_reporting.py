"""Reporting on the aggregated tables: the usage_report model, `storytime-analytics report`,
the admin analytics documents (`api`) and their HTTP server (`serve`).

One private database holds five hand-computed scenarios of tests/scenarios/catalog.py
(they share book 1 with a 300 s video, so they fit together; their dates differ) plus
book 3, a second book of publisher 11 watched by child 1 on Feb 3, and is built once.
Every expected number below is worked out by hand from the scenarios' comments:

book 1 (publisher 10, 300 s), child 1 unless said:
  Feb 3  (minutes_rounded_from_exact_totals) 10 s, play to position 10: 3.33 %
  Feb 4  (same)                               10 s, play to position 20: 6.67 %
  Feb 5  (same_instant_events_use_type_rank)  45 s, 1 start, 1 end, 15 %
  Feb 10 (full_watch_with_pause)              300 s, 1 start, 1 end, complete, 100 %
  Feb 20 (exact_duplicates)                   children 1 and 2: 120 s + 0 s, 1 start,
                                              2 ends, 2 plays of 40 %
  Feb 26, Feb 28 (platform_day_without_events) 30 s each, 1 start, 1 end, 10 %
book 2 (publisher 11): Feb 3 11:00, 10 s, 3.33 %  (minutes_rounded_from_exact_totals)
book 3 (publisher 11): Feb 3 12:00, 10 s, 3.33 %  (added here)
"""

from __future__ import annotations

import io
import json
import os
import socket
import subprocess
import sys
import urllib.error
import urllib.request
from contextlib import contextmanager, redirect_stdout
from decimal import Decimal as D

import pytest
import yaml
from storytime_analytics import (
    StorytimeError,
    api_server,
    bench,
    cli,
    dbt_invoke,
    reporting,
    runlog,
)

from .scenarios.catalog import SCENARIOS, asset, at, book, day, event
from .support import Warehouse

PIECES = (
    "minutes_rounded_from_exact_totals",
    "same_instant_events_use_type_rank",
    "full_watch_with_pause",
    "exact_duplicates",
    "platform_day_without_events",
)
PUBLISHERS = [
    {"id": 10, "name": "Acorn Press", "created_at": at(1, 0, 0)},
    {"id": 11, "name": "Bluebird Books", "created_at": at(1, 0, 0)},
]


def combined_inputs() -> dict[str, list[dict]]:
    merged: dict[str, dict] = {t: {} for t in ("books", "video_assets", "users", "child_profiles")}
    events = []
    for n, name in enumerate(PIECES, start=1):
        inputs = SCENARIOS[name].inputs
        events += [{**e, "id": 100 * n + e["id"]} for e in inputs["events"]]
        for table, rows in merged.items():
            for row in inputs[table]:
                kept = rows.setdefault(row["id"], row)
                # users differ only in registration dates, which no report reads
                assert table == "users" or kept == row, (name, table, row)
    merged["books"][3] = book(3, publisher_id=11)
    merged["video_assets"][3] = asset(3, 3, 300)
    events += [
        event(901, "play_start", at(3, 12, 0, 0), 0, book=3),
        event(902, "pause", at(3, 12, 0, 10), 10, book=3),  # 10 s, 10 / 300 = 3.33 %
    ]
    out = {table: list(rows.values()) for table, rows in merged.items()}
    return {**out, "events": events, "publishers": PUBLISHERS}


@pytest.fixture(scope="module")
def built(server):
    wh = Warehouse(server)
    try:
        wh.load(combined_inputs())
        wh.build(day(3), day(28))
        yield wh
    finally:
        wh.drop()


@contextmanager
def running(target, tokens=None, pool_timeout=10.0):
    """The FastAPI application on uvicorn, on a free loopback port, in a thread."""
    app = api_server.create_app(
        target, tokens or api_server.Tokens(), pool_size=4, pool_timeout=pool_timeout
    )
    with api_server.RunningServer(app) as srv:
        yield srv.url


@pytest.fixture(scope="module")
def base_url(built):
    with running(built.target) as url:
        yield url


def get(url: str, method: str = "GET", token: str | None = None) -> tuple[int, str, bytes]:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url, method=method, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers["Content-Type"], exc.read()


def get_json(url: str, token: str | None = None) -> tuple[int, dict]:
    status, content_type, body = get(url, token=token)
    assert content_type.startswith("application/json"), content_type
    return status, json.loads(body)


@pytest.fixture
def cli_env(built, monkeypatch):
    """The runner's environment pointed at the private database."""
    monkeypatch.delenv("STORYTIME_DATABASE_URL", raising=False)
    for key, value in built.target.env().items():
        monkeypatch.setenv(key, value)


def run_cli(args: list[str]) -> tuple[int, str]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(args)
    return code, out.getvalue()


def day_entry(d, play_starts=0, minutes=0.0, children=0, completions=0, rate=None) -> dict:
    return {
        "date": day(d).isoformat(),
        "play_starts": play_starts,
        "minutes_watched": minutes,
        "unique_children": children,
        "completions": completions,
        "completion_rate": rate,
    }


def summary(play_starts, minutes, children, completions, rate) -> dict:
    return {
        "total_play_starts": play_starts,
        "total_minutes_watched": minutes,
        "total_unique_children": children,
        "total_completions": completions,
        "overall_completion_rate": rate,
    }


def test_the_benchmark_opens_the_most_played_book_with_a_publisher(built):
    """`make bench` picks its book and publisher from a published table (its query once
    named a column book_engagement does not have, and the benchmark stopped there)."""
    plays: dict[tuple[int, int], int] = {}
    for m in built.rows("daily_book_metrics"):
        if m["publisher_id"] is not None:
            key = (m["book_id"], m["publisher_id"])
            plays[key] = plays.get(key, 0) + m["total_plays"]
    most = max(plays.values())
    assert bench.top_book(built.target) == min(k for k, v in plays.items() if v == most)


# -- the model -----------------------------------------------------------------------


def test_usage_report_model_is_daily_book_metrics_with_names(built):
    rows = built.rows("usage_report", where="order by book_id, metric_date")
    metrics = built.rows("daily_book_metrics")
    assert [(r["book_id"], r["metric_date"]) for r in rows] == [
        (m["book_id"], m["metric_date"]) for m in metrics
    ]
    for row, m in zip(rows, metrics, strict=True):
        assert {k: row[k] for k in m} == m
    by_key = {(r["book_id"], r["metric_date"]): r for r in rows}
    assert by_key[1, day(10)]["title"] == "Book 1"
    assert by_key[1, day(10)]["publisher_name"] == "Acorn Press"
    assert by_key[1, day(10)]["completion_rate"] == D("1.000")
    assert by_key[1, day(20)]["completion_rate"] == D("0.000")  # 0 of 2 plays
    assert by_key[3, day(3)]["publisher_name"] == "Bluebird Books"
    assert by_key[1, day(20)]["unique_children"] == 2


def test_usage_report_reads_no_per_child_relation(built):
    with built.target.connect() as conn:
        used = conn.execute(
            """select table_schema || '.' || table_name from information_schema.view_table_usage
               where view_schema = 'analytics' and view_name = 'usage_report'"""
        ).fetchall()
        columns = conn.execute(
            """select column_name from information_schema.columns
               where table_schema = 'analytics' and table_name = 'usage_report'"""
        ).fetchall()
    assert sorted(u for (u,) in used) == [
        "analytics.daily_book_metrics",
        "analytics_staging.stg_app__books",
        "analytics_staging.stg_app__publishers",
    ]
    assert "child_profile_id" not in {c for (c,) in columns}


# -- the report ----------------------------------------------------------------------

BOOK_1_ALL = {
    "book_id": 1,
    "title": "Book 1",
    "publisher_id": 10,
    "publisher": "Acorn Press",
    "play_starts": 7,  # Feb 3, 4, 5, 10, 20, 26, 28
    "play_ends": 6,  # Feb 5, 10, 20 (2), 26, 28
    # 10 + 10 + 45 + 300 + 120 + 30 + 30 = 545 s = 9.083 min (the rounded days add to 9.09)
    "minutes_watched": D("9.08"),
    "unique_children": 2,  # children 1 and 2 (the days add up to 8)
    "completions": 1,  # Feb 10
    "plays": 8,
    "plays_with_duration": 8,  # every play of book 1 had its 300 s duration
    # at least 30 s or complete: Feb 5 (45 s), Feb 10, Feb 20 (child 1's 120 s; child 2's
    # 0 s is not), Feb 26 and Feb 28 (30 s each); not the 10 s plays of Feb 3 and 4
    "valid_plays": 5,
    # (10/3 + 20/3 + 15 + 100 + 40 + 40 + 10 + 10) / 8 = 225 / 8 = 28.125 -> 28.13
    # (the unweighted mean of the 7 daily averages would be 26.43)
    "average_watch_percentage": D("28.13"),
    "completion_rate": D("0.125"),  # 1 / 8
}


def small_book(book_id: int) -> dict:
    return {
        "book_id": book_id,
        "title": f"Book {book_id}",
        "publisher_id": 11,
        "publisher": "Bluebird Books",
        "play_starts": 1,
        "play_ends": 0,
        "minutes_watched": D("0.17"),  # 10 / 60
        "unique_children": 1,
        "completions": 0,
        "plays": 1,
        "plays_with_duration": 1,
        "valid_plays": 0,  # 10 s
        "average_watch_percentage": D("3.33"),
        "completion_rate": D("0.000"),
    }


def report(wh, first, last, publisher=None, book_id=None) -> list[dict]:
    with reporting.read_only(wh.target) as conn:
        return reporting.usage_report(conn, day(first), day(last), publisher, book_id)


def test_report_over_the_month(built):
    assert report(built, 1, 28) == [BOOK_1_ALL, small_book(2), small_book(3)]


def test_report_filters(built):
    assert report(built, 1, 28, publisher=11) == [small_book(2), small_book(3)]
    assert report(built, 1, 28, book_id=1) == [BOOK_1_ALL]
    assert report(built, 1, 28, publisher=10, book_id=2) == []
    assert report(built, 27, 27) == []  # nothing happened on Feb 27
    # book 1, Feb 3-4: child 1 on both days counts once; 20 s = 0.33 (not 0.17 + 0.17)
    assert report(built, 3, 4, book_id=1) == [
        {
            **BOOK_1_ALL,
            "play_starts": 2,
            "play_ends": 0,
            "minutes_watched": D("0.33"),
            "unique_children": 1,
            "completions": 0,
            "plays": 2,
            "plays_with_duration": 2,
            "valid_plays": 0,
            "average_watch_percentage": D("5.00"),  # (3.33.. + 6.66..) / 2
            "completion_rate": D("0.000"),
        }
    ]


def test_report_command_formats(cli_env):
    code, out = run_cli(
        ["report", "--start", "2026-02-01", "--end", "2026-02-28", "--format", "csv"]
    )
    assert code == 0
    lines = out.splitlines()
    assert lines[0] == ",".join(reporting.REPORT_COLUMNS)
    assert lines[1] == "1,Book 1,10,Acorn Press,7,6,9.08,2,1,8,8,5,28.13,0.125"
    assert len(lines) == 4

    code, out = run_cli(
        ["report", "--start", "2026-02-03", "--end", "2026-02-04", "--publisher", "11",
         "--format", "json"]
    )  # fmt: skip
    assert code == 0
    assert [r["book_id"] for r in json.loads(out)] == [2, 3]
    assert json.loads(out)[0]["minutes_watched"] == 0.17

    code, out = run_cli(["report", "--start", "2026-02-01", "--end", "2026-02-28", "--book", "2"])
    assert code == 0
    assert "Bluebird Books" in out and "Acorn Press" not in out

    assert run_cli(["report", "--start", "2026-02-28", "--end", "2026-02-01"])[0] == 2
    assert (
        run_cli(["report", "--start", "2026-02-01", "--end", "2026-02-28", "--book", "99"])[0] == 2
    )


# -- the analytics documents ---------------------------------------------------------

BOOK_1_FEB_3_10 = {
    "data": [
        day_entry(3, 1, 0.17, 1, 0, 0.0),
        day_entry(4, 1, 0.17, 1, 0, 0.0),
        day_entry(5, 1, 0.75, 1, 0, 0.0),
        day_entry(6),  # zero-filled: no activity, completion_rate null
        day_entry(7),
        day_entry(8),
        day_entry(9),
        day_entry(10, 1, 5.0, 1, 1, 1.0),
    ],
    # 10 + 10 + 45 + 300 = 365 s = 6.083 -> 6.08 (the rounded days add to 6.09); one child
    # on four days; 1 completion of 4 plays
    "summary": summary(4, 6.08, 1, 1, 0.25),
}

# Publisher 11, Feb 3-4: books 2 and 3, both watched by child 1 on Feb 3.
PUBLISHER_11_FEB_3_4 = {
    "data": [
        day_entry(3, 2, 0.33, 1, 0, 0.0),  # 20 s = 0.33 (not 0.34); one child (not 2)
        day_entry(4),
    ],
    "summary": summary(2, 0.33, 1, 0, 0.0),
}

# Platform, Feb 10-20: Feb 10 one complete play (child 1), Feb 20 two plays (children 1, 2)
PLATFORM_FEB_10_20 = {
    "data": [day_entry(10, 1, 5.0, 1, 1, 1.0)]
    + [day_entry(d) for d in range(11, 20)]
    + [day_entry(20, 1, 2.0, 2, 0, 0.0)],
    # children {1} and {1, 2}: 2 distinct (the days add to 3); 1 completion of 3 plays
    "summary": summary(2, 7.0, 2, 1, 0.333),
}

PLATFORM_FEB_26_28 = {
    "data": [day_entry(26, 1, 0.5, 1, 0, 0.0), day_entry(27), day_entry(28, 1, 0.5, 1, 0, 0.0)],
    "summary": summary(2, 1.0, 1, 0, 0.0),  # child 1 on two days counts once
}

A = "/admin/api/v1/analytics"


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (f"{A}/books/1?start=2026-02-03&end=2026-02-10", BOOK_1_FEB_3_10),
        (f"{A}/publishers/11?start=2026-02-03&end=2026-02-04", PUBLISHER_11_FEB_3_4),
        (f"{A}/platform?start=2026-02-10&end=2026-02-20", PLATFORM_FEB_10_20),
        (f"{A}/platform/?end=2026-02-28&start=2026-02-26", PLATFORM_FEB_26_28),
    ],
)
def test_documents_over_http(base_url, path, expected):
    status, document = get_json(base_url + path)
    assert status == 200
    assert document == expected
    assert list(document) == ["data", "summary"]
    assert list(document["data"][0]) == list(expected["data"][0])
    assert list(document["summary"]) == list(expected["summary"])


def test_documents_agree_with_the_daily_tables(built, base_url):
    """The platform days are daily_platform_metrics; publisher 10 (book 1 only) is book 1."""
    _, platform = get_json(f"{base_url}{A}/platform?start=2026-02-03&end=2026-02-28")
    tables = {r["metric_date"].isoformat(): r for r in built.rows("daily_platform_metrics")}
    assert len(platform["data"]) == 26 and len(tables) == 26
    for entry in platform["data"]:
        row = tables[entry["date"]]
        assert entry["play_starts"] == row["total_play_starts"]
        assert entry["minutes_watched"] == float(row["total_minutes_watched"])
        assert entry["unique_children"] == row["unique_children"]
    assert platform["summary"] == summary(9, 9.42, 2, 1, 0.1)  # 565 s; 1 of 10 plays
    _, book_1 = get_json(f"{base_url}{A}/books/1?start=2026-02-01&end=2026-02-28")
    _, publisher_10 = get_json(f"{base_url}{A}/publishers/10?start=2026-02-01&end=2026-02-28")
    assert book_1 == publisher_10
    assert book_1["summary"] == summary(7, 9.08, 2, 1, 0.125)


def test_api_command_prints_the_same_document(cli_env):
    code, out = run_cli(["api", "books", "1", "--start", "2026-02-03", "--end", "2026-02-10"])
    assert code == 0
    assert json.loads(out) == BOOK_1_FEB_3_10
    code, out = run_cli(["api", "platform", "--start", "2026-02-26", "--end", "2026-02-28"])
    assert code == 0 and json.loads(out) == PLATFORM_FEB_26_28
    assert (
        run_cli(["api", "publishers", "99", "--start", "2026-02-03", "--end", "2026-02-04"])[0] == 2
    )
    assert run_cli(["api", "platform", "--start", "2026-02-04", "--end", "2026-02-03"])[0] == 2


@pytest.mark.parametrize(
    ("path", "status", "fragment"),
    [
        (f"{A}/platform", 400, "required"),
        (f"{A}/platform?start=2026-02-10", 400, "required"),
        (f"{A}/books/1?start=2026-02-30&end=2026-03-01", 400, "2026-02-30"),
        (f"{A}/books/1?start=2026-02-10&end=yesterday", 400, "not a valid date"),
        (f"{A}/publishers/11?start=2026-02-10&end=2026-02-03", 400, "before"),
        (f"{A}/platform?start=2026-02-10&start=2026-02-11&end=2026-02-12", 400, "more than once"),
        (f"{A}/platform?start=2020-01-01&end=2026-01-01", 400, "longer than"),
        (f"{A}/books/999?start=2026-02-03&end=2026-02-04", 404, "no book 999"),
        (f"{A}/publishers/999?start=2026-02-03&end=2026-02-04", 404, "no publisher 999"),
        (f"{A}/books/abc?start=2026-02-03&end=2026-02-04", 404, "no book"),
        (f"{A}/books/99999999999999999999?start=2026-02-03&end=2026-02-04", 404, "no book"),
        (f"{A}/books?start=2026-02-03&end=2026-02-04", 404, "no such resource"),
        (f"{A}/children/1?start=2026-02-03&end=2026-02-04", 404, "no such resource"),
    ],
)
def test_errors_over_http(base_url, path, status, fragment):
    got, document = get_json(base_url + path)
    assert got == status
    assert list(document) == ["error"] and fragment in document["error"]


def test_read_only_methods_and_openapi(base_url):
    status, _, body = get(f"{base_url}{A}/platform?start=2026-02-03&end=2026-02-04", "POST")
    assert status == 405 and "only GET" in json.loads(body)["error"]
    status, content_type, body = get(
        f"{base_url}{A}/books/1?start=2026-02-03&end=2026-02-04", "HEAD"
    )
    assert (status, body) == (200, b"") and content_type.startswith("application/json")
    status, content_type, body = get(f"{base_url}/admin/api/v1/openapi.yaml")
    assert status == 200 and content_type.startswith("application/yaml")
    spec = yaml.safe_load(body)
    assert set(spec["paths"]) == {
        f"{A}/platform",
        f"{A}/books/{{id}}",
        f"{A}/publishers/{{id}}",
        f"{A}/books/{{id}}/retention",
        f"{A}/platform/lifecycle",
        "/admin/api/v1/openapi.yaml",
    }
    schemas = spec["components"]["schemas"]
    item = schemas["Lifecycle"]["properties"]["data"]["items"]
    item = schemas[item["$ref"].rsplit("/", 1)[-1]] if "$ref" in item else item
    assert set(item["properties"]) == set(LIFECYCLE_FEB_26_28[0])
    assert set(spec["components"]["schemas"]["Day"]["properties"]) == set(day_entry(1))
    assert set(spec["components"]["schemas"]["Summary"]["properties"]) == set(
        summary(0, 0, 0, 0, None)
    )


def test_openapi_is_generated_from_the_code(base_url):
    """The YAML and the JSON are the same document, FastAPI's, with every status."""
    _, _, body = get(f"{base_url}/admin/api/v1/openapi.yaml")
    status, content_type, json_body = get(f"{base_url}/admin/api/v1/openapi.json")
    assert status == 200 and content_type.startswith("application/json")
    assert yaml.safe_load(body) == json.loads(json_body)
    book = yaml.safe_load(body)["paths"][f"{A}/books/{{id}}"]
    assert list(book) == ["get"]  # HEAD is served, not a second operation
    assert {"200", "400", "401", "403", "404", "503"} <= set(book["get"]["responses"])
    assert {p["name"] for p in book["get"]["parameters"]} == {"id", "start", "end"}


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"])
def test_every_other_method_is_a_json_405(base_url, method):
    status, content_type, body = get(
        f"{base_url}{A}/platform?start=2026-02-03&end=2026-02-04", method
    )
    assert status == 405 and content_type.startswith("application/json")
    assert "only GET" in json.loads(body)["error"]


def test_long_url_unknown_path_and_encoded_id_are_json(base_url):
    status, document = get_json(
        f"{base_url}{A}/platform?start=2026-02-03&end=2026-02-04&x={'a' * 9000}"
    )
    assert status == 414 and "longer than" in document["error"]
    status, document = get_json(f"{base_url}/admin/api/v1/nothing")
    assert status == 404 and "no such resource" in document["error"]
    _, plain = get_json(f"{base_url}{A}/books/1?start=2026-02-03&end=2026-02-10")
    status, encoded = get_json(f"{base_url}{A}/books/%31?start=2026-02-03&end=2026-02-10")
    assert status == 200 and encoded == plain == BOOK_1_FEB_3_10


ADMIN = "admin-token-0123456789abcdef"
PUBLISHER_10 = "publisher-10-token-0123456789"


@pytest.fixture(scope="module")
def secured_url(built):
    tokens = api_server.Tokens(admin=(ADMIN,), publishers=((PUBLISHER_10, 10),))
    with running(built.target, tokens) as url:
        yield url


@pytest.mark.parametrize(
    ("path", "token", "status"),
    [
        (f"{A}/platform?start=2026-02-03&end=2026-02-10", None, 401),
        (f"{A}/platform?start=2026-02-03&end=2026-02-10", "wrong-token-0123456789", 401),
        (f"{A}/platform", None, 401),  # no token before a bad range
        (f"{A}/platform?start=2026-02-03&end=2026-02-10", ADMIN, 200),
        (f"{A}/books/1/retention", ADMIN, 200),
        (f"{A}/platform/lifecycle?start=2026-02-26&end=2026-02-28", ADMIN, 200),
        (f"{A}/books/3?start=2026-02-03&end=2026-02-10", ADMIN, 200),
        (f"{A}/publishers/11?start=2026-02-03&end=2026-02-04", ADMIN, 200),
        # publisher 10 (book 1): its publisher and its books only
        (f"{A}/publishers/10?start=2026-02-03&end=2026-02-10", PUBLISHER_10, 200),
        (f"{A}/books/1?start=2026-02-03&end=2026-02-10", PUBLISHER_10, 200),
        (f"{A}/books/%31?start=2026-02-03&end=2026-02-10", PUBLISHER_10, 200),
        (f"{A}/books/3?start=2026-02-03&end=2026-02-10", PUBLISHER_10, 403),
        (f"{A}/books/999?start=2026-02-03&end=2026-02-10", PUBLISHER_10, 403),
        (f"{A}/publishers/11?start=2026-02-03&end=2026-02-04", PUBLISHER_10, 403),
        (f"{A}/platform?start=2026-02-03&end=2026-02-10", PUBLISHER_10, 403),
        (f"{A}/platform/lifecycle?start=2026-02-26&end=2026-02-28", PUBLISHER_10, 403),
        (f"{A}/books/1/retention", PUBLISHER_10, 403),
        (f"{A}/books/1?start=2026-02-10&end=2026-02-03", PUBLISHER_10, 400),
    ],
)
def test_tokens_and_publisher_scope(secured_url, path, token, status):
    got, document = get_json(secured_url + path, token)
    assert got == status, document
    if status == 200:
        assert "error" not in document
    else:
        assert list(document) == ["error"]


def test_publisher_token_reads_the_admin_document(secured_url):
    path = f"{A}/books/1?start=2026-02-03&end=2026-02-10"
    assert get_json(secured_url + path, PUBLISHER_10) == get_json(secured_url + path, ADMIN)
    assert get_json(secured_url + path, PUBLISHER_10)[1] == BOOK_1_FEB_3_10
    status, _, _ = get(f"{secured_url}/admin/api/v1/openapi.yaml")
    assert status == 200  # the description holds no data


def test_tokens_from_the_environment_and_a_file(tmp_path):
    tokens_file = tmp_path / "tokens"
    tokens_file.write_text(
        "# API tokens\nadmin file-admin-0123456789abc\npublisher 11 file-pub-11-0123456789\n"
    )
    tokens = api_server.load_tokens(
        {
            api_server.ADMIN_TOKEN_VAR: ADMIN,
            api_server.PUBLISHER_TOKENS_VAR: f"10:{PUBLISHER_10}",
            api_server.TOKENS_FILE_VAR: str(tokens_file),
        }
    )
    assert tokens.principal(ADMIN).admin and tokens.principal("file-admin-0123456789abc").admin
    assert tokens.principal(PUBLISHER_10) == api_server.Principal(admin=False, publisher_id=10)
    assert tokens.principal("file-pub-11-0123456789").publisher_id == 11
    assert tokens.principal("nobody-0123456789abcdef") is None
    assert not api_server.load_tokens({}).configured
    for bad in (
        {api_server.PUBLISHER_TOKENS_VAR: "ten:abcdefghijklmnopqrs"},
        {api_server.ADMIN_TOKEN_VAR: "short"},
    ):
        with pytest.raises(StorytimeError):
            api_server.load_tokens(bad)


def test_serve_refuses_a_public_address_without_tokens(built):
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYTIME_API_")}
    env.pop("STORYTIME_DATABASE_URL", None)
    env.update(built.target.env())
    command = [sys.executable, "-m", "storytime_analytics.cli", "serve", "--host", "0.0.0.0"]
    done = subprocess.run(
        [*command, "--port", "0"], capture_output=True, text=True, timeout=120, env=env
    )
    assert done.returncode != 0
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "refusing to listen on 0.0.0.0 without API tokens" in lines[0]


def test_serve_answers_as_a_process(built):
    """`storytime-analytics serve` itself: a uvicorn process with the configured tokens."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("STORYTIME_API_")}
    env.pop("STORYTIME_DATABASE_URL", None)
    env.update(built.target.env())
    env[api_server.ADMIN_TOKEN_VAR] = ADMIN
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, "-m", "storytime_analytics.cli", "serve", "--port", str(port)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )  # fmt: skip
    try:
        assert "serving /admin/api/v1" in proc.stdout.readline()
        url = f"http://127.0.0.1:{port}{A}/books/1?start=2026-02-03&end=2026-02-10"
        assert get_json(url)[0] == 401
        assert get_json(url, ADMIN) == (200, BOOK_1_FEB_3_10)
    finally:
        proc.terminate()
        proc.wait(30)


# Book 1's plays reached (highest position of 300 s): 10 (3.33 %), 20 (6.67 %), 45 (15 %),
# 300 (100 %), 120 and 120 (40 %), 30 and 30 (10 %): 8 measured. Mark m is reached at
# 3 m seconds: 8 plays at 0, 7 at 5, 6 at 10, 4 at 15 (the two 10 % plays drop), 3 from
# 20 to 40, 1 (the full watch) from 45 to 100.
BOOK_1_REACHED = {0: 8, 5: 7, 10: 6, 15: 4}
BOOK_1_REACHED.update(dict.fromkeys(range(20, 41, 5), 3))
BOOK_1_REACHED.update(dict.fromkeys(range(45, 101, 5), 1))

# The lifecycle, Feb 26-28: child 1 active Feb 20 (with child 2), 26 and 28.
# Feb 26: child 1 returns (Feb 20 is within Feb 19-25); 7 days Feb 20-26: children 1, 2.
# Feb 27: nobody; child 2 (last active Feb 20 = D-7) turns dormant; 7 days: child 1.
# Feb 28: child 1 returns (Feb 26); 7 days Feb 22-28: child 1. 28 days: children 1 and 2.
LIFECYCLE_FEB_26_28 = [
    {"date": "2026-02-26", "active_children": 1, "new_children": 0, "returning_children": 1,
     "resurrecting_children": 0, "dormant_children": 0, "active_children_7d": 2,
     "active_children_28d": 2, "stickiness": 0.5},
    {"date": "2026-02-27", "active_children": 0, "new_children": 0, "returning_children": 0,
     "resurrecting_children": 0, "dormant_children": 1, "active_children_7d": 1,
     "active_children_28d": 2, "stickiness": 0.0},
    {"date": "2026-02-28", "active_children": 1, "new_children": 0, "returning_children": 1,
     "resurrecting_children": 0, "dormant_children": 0, "active_children_7d": 1,
     "active_children_28d": 2, "stickiness": 0.5},
]  # fmt: skip


def test_retention_and_lifecycle_over_http(base_url):
    status, curve = get_json(f"{base_url}{A}/books/1/retention")
    assert status == 200 and list(curve) == ["book_id", "data", "summary"]
    assert curve["book_id"] == 1 and curve["summary"] == {"plays_measured": 8}
    assert [(e["percent_mark"], e["plays_reached"]) for e in curve["data"]] == sorted(
        BOOK_1_REACHED.items()
    )
    assert [e["share"] for e in curve["data"][:5]] == [1.0, 0.875, 0.75, 0.5, 0.375]
    assert curve["data"][-1] == {"percent_mark": 100, "plays_reached": 1, "share": 0.125}
    lifecycle_path = f"{A}/platform/lifecycle?start=2026-02-26&end=2026-02-28"
    status, lifecycle = get_json(base_url + lifecycle_path)
    assert status == 200 and lifecycle == {"data": LIFECYCLE_FEB_26_28}
    # days never processed have no entry (the warehouse was built from Feb 3)
    _, early = get_json(f"{base_url}{A}/platform/lifecycle?start=2026-02-01&end=2026-02-03")
    assert [e["date"] for e in early["data"]] == ["2026-02-03"]


def test_api_command_prints_retention_and_lifecycle(cli_env):
    code, out = run_cli(["api", "retention", "3"])
    assert code == 0
    # book 3: one play to 10 of 300 s (3.33 %): reached mark 0 only
    assert json.loads(out)["data"][:2] == [
        {"percent_mark": 0, "plays_reached": 1, "share": 1.0},
        {"percent_mark": 5, "plays_reached": 0, "share": 0.0},
    ]
    code, out = run_cli(["api", "lifecycle", "--start", "2026-02-26", "--end", "2026-02-28"])
    assert code == 0 and json.loads(out) == {"data": LIFECYCLE_FEB_26_28}
    assert run_cli(["api", "retention", "99"])[0] == 2
    assert run_cli(["api", "lifecycle", "--start", "2026-02-28", "--end", "2026-02-01"])[0] == 2


@pytest.mark.parametrize(
    ("path", "status", "fragment"),
    [
        (f"{A}/books/999/retention", 404, "no book 999"),
        (f"{A}/books/abc/retention", 404, "no book"),
        (f"{A}/publishers/10/retention", 404, "no such resource"),
        (f"{A}/books/1/retention?start=2026-02-03&end=2026-02-04", 400, "all time"),
        (f"{A}/platform/lifecycle", 400, "required"),
        (f"{A}/platform/lifecycle?start=2026-02-10&end=2026-02-03", 400, "before"),
        (f"{A}/platform/lifecycle?start=2020-01-01&end=2026-01-01", 400, "longer than"),
        (f"{A}/platform/other?start=2026-02-03&end=2026-02-04", 404, "no such resource"),
    ],
)
def test_retention_and_lifecycle_errors(base_url, path, status, fragment):
    got, document = get_json(base_url + path)
    assert got == status
    assert list(document) == ["error"] and fragment in document["error"]


def test_database_failure_is_503(server):
    with running(server.with_database("storytime_test_no_such_database"), pool_timeout=2) as url:
        status, document = get_json(f"{url}{A}/platform?start=2026-02-03&end=2026-02-04")
        assert status == 503 and "cannot connect" in document["error"]
        for path in ("books/1/retention", "platform/lifecycle?start=2026-02-03&end=2026-02-04"):
            status, document = get_json(f"{url}{A}/{path}")
            assert status == 503 and "cannot connect" in document["error"], path


def test_usage_report_data_tests(built):
    dbt_invoke.invoke(built.target, ["test", "--select", "usage_report"], quiet=True)


@pytest.mark.parametrize("schema", [None, "storytime_custom"])
def test_relations_follow_dbts_schema_rule(built, monkeypatch, schema):
    """relations.model_schema (what the runner reads) is where dbt puts every model (the
    published copy of a mart), with STORYTIME_SCHEMA unset or set."""
    from storytime_analytics import privacy, relations

    if schema:
        monkeypatch.setenv("STORYTIME_SCHEMA", schema)
    else:
        monkeypatch.delenv("STORYTIME_SCHEMA", raising=False)
    models = relations._model_folders()
    # a mart is listed twice, its published copy (the readers' schema, sorted first) and
    # its build copy (<schema>_build): the runner reads the published one
    parsed: dict[str, str] = {}
    for r in privacy.project_relations(built.target):
        if r.name in models:
            parsed.setdefault(r.name, r.schema)
    assert parsed["daily_book_metrics"] == (schema or "analytics")
    assert {"child_book_activity_days", "daily_scope_activity", "stg_app__books"} <= set(parsed)
    assert {name: relations.model_schema(name) for name in parsed} == parsed
    assert relations.function("analytics_document").as_string() == (
        f'"{schema or "analytics"}"."analytics_document"'
    )


def test_range_functions_give_counts_to_publisher_reader(built):
    """publisher_reader runs the functions (SECURITY DEFINER) without reading the per-child
    marts they read."""
    with built.target.connect() as conn:
        conn.execute("set role publisher_reader")
        document = conn.execute(
            "select * from analytics.analytics_document('2026-02-03', '2026-02-10', 'books', 1)"
        ).fetchall()
        report = conn.execute(
            "select * from analytics.usage_report_range('2026-02-01', '2026-02-28', 10, null)"
        ).fetchall()
        readable = [
            conn.execute(
                "select has_table_privilege(%s, 'select')", (f"analytics.{name}",)
            ).fetchone()[0]
            for name in ("child_book_activity_days", "child_activity_months")
        ]
        conn.execute("reset role")
    assert (
        document[-1][0] is None
        and document[-1][3] == BOOK_1_FEB_3_10["summary"]["total_unique_children"]
    )
    assert [row[0] for row in report] == [1]
    assert readable == [False, False]


def test_the_document_cache_keeps_one_data_version():
    cache = api_server.DocumentCache(size=2)
    assert cache.get(None, "a") is None
    cache.put(None, "a", b"1")  # no version known: nothing is kept
    assert cache.get(None, "a") is None
    assert cache.get((1,), "a") is None  # a new version empties the cache
    cache.put((1,), "a", b"1")
    cache.put((1,), "b", b"2")
    assert cache.get((1,), "a") == b"1"
    cache.put((1,), "c", b"3")  # the least recently used ("b") goes
    assert (cache.get((1,), "b"), cache.get((1,), "c")) == (None, b"3")
    cache.put((0,), "a", b"old")  # a document of another version is not kept
    assert cache.get((1,), "a") == b"1"
    assert cache.get((2,), "a") is None and cache.entries == {}


def test_a_cached_document_changes_with_the_next_publish(server):
    """Admin documents come from memory while the data version (the last publish, the
    last job of the run log) stays; a run that publishes new rows is seen at once."""
    wh = Warehouse(server)
    try:
        wh.load(combined_inputs())
        wh.build(day(3), day(4))
        with wh.target.connect() as conn:
            runlog.ensure(conn)  # what the runner creates: the version needs it
        path = f"{A}/platform?start={day(3)}&end={day(4)}"
        app = api_server.create_app(wh.target, api_server.Tokens(), pool_size=2)
        with api_server.RunningServer(app) as srv:
            cache = app.app.state.cache
            first = get_json(srv.url + path)
            assert first[0] == 200 and len(cache.entries) == 1
            assert get_json(srv.url + path) == first  # from the cache
            wh.execute("delete from public.usage_events where occurred_at < %s", (day(4),))
            wh.build(day(3))  # publishes: the version moves
            fresh = get_json(srv.url + path)
            assert fresh != first
            cache.entries.clear()  # uncached, the same document
            assert get_json(srv.url + path) == fresh
    finally:
        wh.drop()
