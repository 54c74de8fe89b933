"""The admin analytics API over HTTP (product spec 6.1): `storytime-analytics serve`.

    GET /admin/api/v1/analytics/platform?start=YYYY-MM-DD&end=YYYY-MM-DD
    GET /admin/api/v1/analytics/books/:id?start=...&end=...
    GET /admin/api/v1/analytics/publishers/:id?start=...&end=...
    GET /admin/api/v1/analytics/books/:id/retention            (all time: no range)
    GET /admin/api/v1/analytics/platform/lifecycle?start=...&end=...
    GET /admin/api/v1/openapi.yaml

The standard library's ThreadingHTTPServer: four read-only GET routes need no framework.
Each request opens its own connection and reads in a read-only transaction
(reporting.read_only); the documents are built by the same functions as
`storytime-analytics api`. Errors are JSON `{"error": message}`: 400 for a missing,
malformed, repeated or reversed range (or one longer than 731 days), 404 for an unknown
book, publisher or path, 405 for methods other than GET and HEAD, 503 when the database
fails (unreachable, a 30 s statement timeout, tables not built), 500 for a bug. There is
no authentication: bind it to 127.0.0.1 (the default) or put it behind the admin app's
proxy.
"""

from __future__ import annotations

import json
import re
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from urllib.parse import parse_qs, urlsplit

from . import StorytimeError, db, reporting
from .errors import InfrastructureFailure

API_PREFIX = "/admin/api/v1"
OPENAPI_PATH = f"{API_PREFIX}/openapi.yaml"
ROUTE = re.compile(
    rf"^{re.escape(API_PREFIX)}/analytics/"
    r"(?:(?P<platform>platform)(?:/(?P<lifecycle>lifecycle))?"
    r"|(?P<kind>books|publishers)/(?P<id>[^/]+)(?:/(?P<retention>retention))?)/?$"
)


def openapi_document() -> bytes:
    return resources.files("storytime_analytics").joinpath("openapi.yaml").read_bytes()


class AnalyticsServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], target: db.Target, log_requests: bool = True):
        self.target = target
        self.log_requests = log_requests
        super().__init__(address, AnalyticsHandler)


def make_server(
    target: db.Target, host: str = "127.0.0.1", port: int = 0, log_requests: bool = True
) -> AnalyticsServer:
    """A server bound to host:port (0: a free port; see server.server_address)."""
    return AnalyticsServer((host, port), target, log_requests)


class AnalyticsHandler(BaseHTTPRequestHandler):
    server: AnalyticsServer
    server_version = "storytime-analytics"
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path == OPENAPI_PATH:
            self._send(HTTPStatus.OK, openapi_document(), "application/yaml")
            return
        match = ROUTE.match(url.path)
        if match is None:
            self._error(HTTPStatus.NOT_FOUND, f"no such resource: {url.path}")
            return
        kind = "platform" if match["platform"] else match["kind"]
        if match["lifecycle"]:
            kind = "lifecycle"
        elif match["retention"]:
            if kind != "books":
                self._error(HTTPStatus.NOT_FOUND, f"no such resource: {url.path}")
                return
            kind = "retention"
        try:
            first = last = None
            if kind == "retention":
                _no_range(url.query)
            else:
                first, last = reporting.parse_document_range(*_range_parameters(url.query))
            what = {"publishers": "publisher", "books": "book", "retention": "book"}.get(kind)
            ident = reporting.parse_id(match["id"], what) if match["id"] else None
            document = reporting.fetch_document(self.server.target, kind, ident, first, last)
        except reporting.NotFound as exc:
            self._error(HTTPStatus.NOT_FOUND, str(exc))
        except InfrastructureFailure as exc:
            self._error(HTTPStatus.SERVICE_UNAVAILABLE, str(exc))
        except StorytimeError as exc:
            self._error(HTTPStatus.BAD_REQUEST, str(exc))
        except Exception as exc:  # a bug: answer, log, keep serving
            self.log_error("internal error: %s: %s", type(exc).__name__, exc)
            self._error(HTTPStatus.INTERNAL_SERVER_ERROR, "internal error")
        else:
            self._send(HTTPStatus.OK, json.dumps(document).encode(), "application/json")

    do_HEAD = do_GET  # _send leaves the body out

    def _not_allowed(self) -> None:
        self._error(HTTPStatus.METHOD_NOT_ALLOWED, "read-only API: only GET", allow="GET")

    do_POST = do_PUT = do_PATCH = do_DELETE = _not_allowed

    def _error(self, status: HTTPStatus, message: str, allow: str | None = None) -> None:
        body = json.dumps({"error": message}).encode()
        self._send(status, body, "application/json", allow)

    def _send(
        self, status: HTTPStatus, body: bytes, content_type: str, allow: str | None = None
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        if allow:
            self.send_header("Allow", allow)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:
        if self.server.log_requests:
            sys.stderr.write(f"{self.address_string()} - {format % args}\n")


def _no_range(query: str) -> None:
    """The retention curve is all time: a start or end would be silently ignored (400)."""
    params = parse_qs(query, keep_blank_values=True)
    if "start" in params or "end" in params:
        raise StorytimeError("the retention curve is all time: no start or end")


def _range_parameters(query: str) -> tuple[str | None, str | None]:
    """start and end from the query string; a repeated one is malformed (400)."""
    params = parse_qs(query, keep_blank_values=True)
    values = []
    for name in ("start", "end"):
        given = params.get(name, [])
        if len(given) > 1:
            raise StorytimeError(f"{name} is given more than once")
        values.append(given[0] if given else None)
    return values[0], values[1]
