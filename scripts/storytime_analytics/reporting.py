"""Reporting on the published tables (product spec sections 3.1 and 6; SPEC section 7).

- `storytime-analytics report`: the usage report (the old UsageReportQuery) per book over
  a date range, filtered by publisher and book, as a table, CSV or JSON.
- `storytime-analytics api platform|books ID|publishers ID`: the admin analytics JSON
  document of product spec 6.2, the same function the HTTP server (`serve`,
  api_server.py) calls for GET /admin/api/v1/analytics/...

Only published marts are read, and every figure is computed in the database by SQL that
dbt creates from the project's rule macros; this module composes no metric SQL. The
per-day figures come from the marts; the figures over a range that cannot be added up
over days come from two functions every dbt run creates in the marts' schema
(macros/operations/create_rule_functions.sql), SECURITY DEFINER over the per-child mart
child_book_activity_days, returning counts only:

- `analytics_document(first, last, scope, id)`: the JSON document's days and range row:
  play starts and completions (daily_book_metrics), children distinct over the range (a
  child active on two days counts once), minutes from the range's exact seconds rounded
  once (macro minutes_from_seconds; DECISIONLOG 5), and the completion rate of the sums
  (macro completion_rate);
- `usage_report_range(first, last, publisher, book)`: the report's rows, the same figures
  per book plus the mean watch percentage of the plays begun in the range (macro
  mean_percentage over the mart's percentage sums and counts: not a mean of daily means).

Relations are named by relations.relation (dbt's schema rule), never re-typed here.
A book's rows belong to the publisher it had on each day (daily_book_metrics), so a
publisher filter or document counts a book only on the days the book was theirs.
Every query is parameterised and runs in a read-only, repeatable-read transaction (one
snapshot, even while a daily run replaces dates) under a 30 s statement timeout
(product spec 5.3).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal

import psycopg
from psycopg import sql

from . import StorytimeError, db, relations
from .dates import parse_date
from .errors import InfrastructureFailure
from .summary import format_table

STATEMENT_TIMEOUT = "30s"
# A document has one entry per day: a bound on the range keeps a request cheap.
MAX_DOCUMENT_DAYS = 731
BIGINT_MAX = 2**63 - 1
FORMATS = ("table", "csv", "json")
KINDS = ("platform", "books", "publishers")

REPORT_COLUMNS = (
    "book_id",
    "title",
    "publisher_id",
    "publisher",
    "play_starts",
    "play_ends",
    "minutes_watched",
    "unique_children",
    "completions",
    "plays",
    "plays_with_duration",
    "valid_plays",
    "average_watch_percentage",
    "completion_rate",
)


class NotFound(StorytimeError):
    """The book or publisher a request names does not exist (HTTP 404)."""


# -- where the tables are -------------------------------------------------------------


def schemas() -> tuple[str, str, str]:
    """(marts, staging, intermediate) schema names, by dbt's rule (relations.py)."""
    return (
        relations.schema_for(None),
        relations.schema_for("staging"),
        relations.schema_for("intermediate"),
    )


@contextmanager
def read_only(target: db.Target) -> Iterator[psycopg.Connection]:
    """A read-only, repeatable-read transaction; database errors become InfrastructureFailure."""
    conn = target.connect()  # raises InfrastructureFailure when unreachable
    try:
        conn.read_only = True
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        with conn.transaction():
            conn.execute(
                sql.SQL("set local statement_timeout = {}").format(sql.Literal(STATEMENT_TIMEOUT))
            )
            yield conn
    except psycopg.Error as exc:
        raise database_failure(exc) from None
    finally:
        conn.close()


def database_failure(exc: psycopg.Error) -> InfrastructureFailure:
    """The one-line failure for a database error while reading (the report, the API): a
    missing relation or function means the models were never built."""
    hint = ""
    if isinstance(exc, psycopg.errors.UndefinedTable | psycopg.errors.UndefinedFunction):
        hint = " (are the models built? storytime-analytics backfill)"
    return InfrastructureFailure(f"database failure: {_first_line(exc)}{hint}")


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


# -- ranges and ids -------------------------------------------------------------------


def parse_document_range(
    start: str | None, end: str | None, names: tuple[str, str] = ("start", "end")
) -> tuple[dt.date, dt.date]:
    """A document's inclusive range; bad input raises StorytimeError (HTTP 400)."""
    if not start or not end:
        raise StorytimeError(f"{names[0]} and {names[1]} are required (YYYY-MM-DD)")
    first, last = parse_date(start, names[0]), parse_date(end, names[1])
    if last < first:
        raise StorytimeError(f"{names[1]} {last} is before {names[0]} {first}")
    if (last - first).days + 1 > MAX_DOCUMENT_DAYS:
        raise StorytimeError(f"the range is longer than {MAX_DOCUMENT_DAYS} days")
    return first, last


def parse_id(text: str, what: str) -> int:
    """A positive bigint id; anything else names no row (NotFound)."""
    if not text.isascii() or not text.isdigit() or not 0 < int(text) <= BIGINT_MAX:
        raise NotFound(f"no {what} {text!r}")
    return int(text)


# The catalogue marts that name every book and publisher (one row each), so an unknown
# id is a 404 and a known, idle one zeros.
_CATALOGUE = {"book": "book_panel_summary", "publisher": "publisher_panel_summary"}


def _exists(conn: psycopg.Connection, what: str, value: int) -> bool:
    query = sql.SQL("select 1 from {} where {} = %s limit 1").format(
        relations.relation(_CATALOGUE[what]), sql.Identifier(f"{what}_id")
    )
    return conn.execute(query, (value,)).fetchone() is not None


def book_publisher(conn: psycopg.Connection, book_id: int) -> int | None:
    """The publisher a book has now (book_panel_summary), for per-publisher tokens."""
    row = conn.execute(
        sql.SQL("select publisher_id from {} where book_id = %s").format(
            relations.relation("book_panel_summary")
        ),
        (book_id,),
    ).fetchone()
    return row[0] if row else None


# -- rounding -------------------------------------------------------------------------


def _number(value):
    """A JSON number: Decimals (already rounded in SQL) as floats, ints as ints."""
    return float(value) if isinstance(value, Decimal) else value


# -- the analytics documents (product spec 6.2) ----------------------------------------

_DOCUMENT_SQL = "select * from {function}(%(first)s, %(last)s, %(scope)s, %(id)s)"
# A book's or publisher's document, only if the catalogue has the id (no rows: a 404), in
# the same statement: one round trip per document.
_SCOPED_DOCUMENT_SQL = _DOCUMENT_SQL + (
    " where exists (select from {catalogue} where {column} = %(id)s)"
)
_CATALOGUE_OF = {"books": "book", "publishers": "publisher"}


def _document(
    conn: psycopg.Connection, kind: str, ident: int | None, first: dt.date, last: dt.date
) -> dict:
    function = relations.function("analytics_document")
    if kind in _CATALOGUE_OF:
        what = _CATALOGUE_OF[kind]
        query = sql.SQL(_SCOPED_DOCUMENT_SQL).format(
            function=function,
            catalogue=relations.relation(_CATALOGUE[what]),
            column=sql.Identifier(f"{what}_id"),
        )
    else:
        query = sql.SQL(_DOCUMENT_SQL).format(function=function)
    params = {"first": first, "last": last, "scope": kind, "id": ident}
    rows = conn.execute(query, params, prepare=True).fetchall()
    if not rows:
        raise NotFound(f"no {_CATALOGUE_OF.get(kind, kind)} {ident}")
    *days, (_, total_starts, total_minutes, total_children, total_completions, total_rate) = rows
    data = [
        {
            "date": metric_date.isoformat(),
            "play_starts": play_starts,
            "minutes_watched": _number(minutes),
            "unique_children": children,
            "completions": completions,
            "completion_rate": _number(rate),
        }
        for metric_date, play_starts, minutes, children, completions, rate in days
    ]
    return {
        "data": data,
        "summary": {
            "total_play_starts": total_starts,
            "total_minutes_watched": _number(total_minutes),
            "total_unique_children": total_children,
            "total_completions": total_completions,
            "overall_completion_rate": _number(total_rate),
        },
    }


def platform_document(conn: psycopg.Connection, first: dt.date, last: dt.date) -> dict:
    """GET /admin/api/v1/analytics/platform: every book, per day and over the range."""
    return _document(conn, "platform", None, first, last)


def book_document(conn: psycopg.Connection, book_id: int, first: dt.date, last: dt.date) -> dict:
    """GET /admin/api/v1/analytics/books/:id."""
    return _document(conn, "books", book_id, first, last)


def publisher_document(
    conn: psycopg.Connection, publisher_id: int, first: dt.date, last: dt.date
) -> dict:
    """GET /admin/api/v1/analytics/publishers/:id: the publisher's books, children distinct
    across them (a child watching two of its books on a day counts once)."""
    return _document(conn, "publishers", publisher_id, first, last)


_RETENTION_SQL = """
select percent_mark, plays_reached, plays_measured, share
from {book_retention_curve}
where book_id = %(id)s
order by percent_mark
"""


def retention_document(conn: psycopg.Connection, book_id: int) -> dict:
    """GET /admin/api/v1/analytics/books/:id/retention: the book's audience retention curve
    (book_retention_curve, all time): per 5 % mark the plays that reached it and their
    share of the plays with a known duration and position. No mark for a book without
    such a play."""
    if not _exists(conn, "book", book_id):
        raise NotFound(f"no book {book_id}")
    query = sql.SQL(_RETENTION_SQL).format(
        book_retention_curve=relations.relation("book_retention_curve")
    )
    rows = conn.execute(query, {"id": book_id}).fetchall()
    return {
        "book_id": book_id,
        "data": [
            {"percent_mark": mark, "plays_reached": reached, "share": _number(share)}
            for mark, reached, _, share in rows
        ],
        "summary": {"plays_measured": rows[0][2] if rows else 0},
    }


LIFECYCLE_COLUMNS = (
    "active_children",
    "new_children",
    "returning_children",
    "resurrecting_children",
    "dormant_children",
    "active_children_7d",
    "active_children_28d",
    "stickiness",
)

_LIFECYCLE_SQL = """
select metric_date, {columns}
from {daily_child_lifecycle}
where metric_date between %(first)s and %(last)s
order by metric_date
"""


def lifecycle_document(conn: psycopg.Connection, first: dt.date, last: dt.date) -> dict:
    """GET /admin/api/v1/analytics/platform/lifecycle: daily_child_lifecycle over the range,
    one entry per processed date in it (counts only)."""
    query = sql.SQL(_LIFECYCLE_SQL).format(
        columns=sql.SQL(", ").join(sql.Identifier(c) for c in LIFECYCLE_COLUMNS),
        daily_child_lifecycle=relations.relation("daily_child_lifecycle"),
    )
    rows = conn.execute(query, {"first": first, "last": last}).fetchall()
    return {
        "data": [
            {
                "date": row[0].isoformat(),
                **{c: _number(v) for c, v in zip(LIFECYCLE_COLUMNS, row[1:], strict=True)},
            }
            for row in rows
        ]
    }


DOCUMENTS: dict[str, Callable[..., dict]] = {
    "platform": platform_document,
    "books": book_document,
    "publishers": publisher_document,
    "retention": retention_document,
    "lifecycle": lifecycle_document,
}


def fetch_document(
    target: db.Target,
    kind: str,
    ident: int | None,
    first: dt.date | None = None,
    last: dt.date | None = None,
) -> dict:
    """The one entry point of the CLI (`api`) and the HTTP server."""
    function = DOCUMENTS[kind]
    if kind == "retention":  # all time: no range
        args = (ident,)
    else:
        args = (first, last) if ident is None else (ident, first, last)
    with read_only(target) as conn:
        return function(conn, *args)


def to_json(document) -> str:
    return json.dumps(document, indent=2)


# -- the usage report (product spec 3.1) ------------------------------------------------

_REPORT_SQL = "select * from {function}(%(first)s, %(last)s, %(publisher_id)s, %(book_id)s)"


def usage_report(
    conn: psycopg.Connection,
    first: dt.date,
    last: dt.date,
    publisher_id: int | None = None,
    book_id: int | None = None,
) -> list[dict]:
    """One row per book (and publisher, if the book changed hands in the range) with
    activity in first..last, as dicts keyed by REPORT_COLUMNS (usage_report_range())."""
    query = sql.SQL(_REPORT_SQL).format(function=relations.function("usage_report_range"))
    params = {"first": first, "last": last, "publisher_id": publisher_id, "book_id": book_id}
    rows = conn.execute(query, params).fetchall()
    return [dict(zip(REPORT_COLUMNS, row, strict=True)) for row in rows]


def render_report(rows: list[dict], fmt: str) -> str:
    if fmt == "json":
        return json.dumps([{k: _number(v) for k, v in r.items()} for r in rows], indent=2) + "\n"
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(REPORT_COLUMNS)
        for row in rows:
            writer.writerow(["" if v is None else v for v in row.values()])
        return out.getvalue()
    return format_table(list(REPORT_COLUMNS), [tuple(r.values()) for r in rows]) + "\n"


def _emit(text: str) -> None:
    """Write to stdout; a reader that went away (`| head`) is not an error."""
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


# -- the commands ---------------------------------------------------------------------


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if not 0 < value <= BIGINT_MAX:
        raise StorytimeError(f"not an id (a positive integer): {text!r}")
    return value


def register_report(sub) -> None:
    p = sub.add_parser(
        "report", help="usage per book over a date range (from the aggregated tables)"
    )
    p.add_argument("--start", required=True, help="first day (YYYY-MM-DD)")
    p.add_argument("--end", required=True, help="last day, inclusive (YYYY-MM-DD)")
    p.add_argument("--publisher", metavar="ID", help="only this publisher's books")
    p.add_argument("--book", metavar="ID", help="only this book")
    p.add_argument("--format", choices=FORMATS, default="table")
    p.set_defaults(handler=run_report)


def run_report(args) -> int:
    first, last = parse_document_range(args.start, args.end, ("--start", "--end"))
    publisher_id = _positive_int(args.publisher) if args.publisher else None
    book_id = _positive_int(args.book) if args.book else None
    with read_only(db.resolve()) as conn:
        if publisher_id is not None and not _exists(conn, "publisher", publisher_id):
            raise NotFound(f"no publisher {publisher_id}")
        if book_id is not None and not _exists(conn, "book", book_id):
            raise NotFound(f"no book {book_id}")
        rows = usage_report(conn, first, last, publisher_id, book_id)
    _emit(render_report(rows, args.format))
    return 0


def register_api(sub) -> None:
    p = sub.add_parser("api", help="print an admin analytics JSON document (product spec 6.2)")
    kinds = p.add_subparsers(dest="kind", required=True, metavar="DOCUMENT")
    for kind, help_text in (
        ("platform", "daily platform metrics"),
        ("books", "daily metrics of one book"),
        ("publishers", "daily metrics of one publisher's books"),
        ("retention", "one book's audience retention curve (all time)"),
        ("lifecycle", "the children's lifecycle per day (platform)"),
    ):
        k = kinds.add_parser(kind, help=help_text)
        if kind in ("books", "publishers", "retention"):
            what = "publisher" if kind == "publishers" else "book"
            k.add_argument("id", help=f"the {what}'s id")
        if kind != "retention":
            k.add_argument("--start", required=True, help="first day (YYYY-MM-DD)")
            k.add_argument("--end", required=True, help="last day, inclusive (YYYY-MM-DD)")
        k.set_defaults(handler=run_api)


def run_api(args) -> int:
    first = last = None
    if args.kind != "retention":
        first, last = parse_document_range(args.start, args.end, ("--start", "--end"))
    ident = None
    if args.kind in ("books", "publishers", "retention"):
        ident = parse_id(args.id, "publisher" if args.kind == "publishers" else "book")
    _emit(to_json(fetch_document(db.resolve(), args.kind, ident, first, last)) + "\n")
    return 0


def register_serve(sub) -> None:
    p = sub.add_parser(
        "serve",
        help="serve the admin analytics API (read-only JSON over HTTP; FastAPI on uvicorn)",
    )
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    p.add_argument(
        "--pool-size", type=int, default=8, help="database connections in the pool (default 8)"
    )
    p.add_argument("--workers", type=int, default=1, help="uvicorn worker processes (default 1)")
    p.add_argument("--quiet", action="store_true", help="no access log")
    p.set_defaults(handler=run_serve)


def run_serve(args) -> int:
    from . import api_server

    if args.workers < 1:
        raise StorytimeError(f"--workers must be at least 1, not {args.workers}")
    if args.pool_size < 1:
        raise StorytimeError(f"--pool-size must be at least 1, not {args.pool_size}")
    return api_server.serve(
        db.resolve(),
        args.host,
        args.port,
        pool_size=args.pool_size,
        log_requests=not args.quiet,
        workers=args.workers,
    )
