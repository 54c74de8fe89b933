"""`storytime-analytics dashboard --out FILE.html [--book ID ...]`: the admin dashboard
(product spec 3.2-3.3, 4.1) as one self-contained HTML page: inline CSS and inline SVG, no
script, no external asset, so it opens from a file, a mail attachment or a CI artefact.

It reads the dashboard marts (models/marts/dashboard) only, in one read-only snapshot
(reporting.read_only): the overview cards, a sparkline of the platform's minutes over the
14 days the 7-day trend compares, the children's lifecycle card (today's split and a
14-day chart, platform_lifecycle), the two top-books tables, the engagement alerts, and
per selected book (default: the top 3 by minutes of the last 7 days) its figures (valid
plays among them), its 30-day minutes chart, its drop-off histogram and its audience
retention curve (book_retention_curve, the publisher-facing mart the panel shares).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape
from pathlib import Path

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from . import StorytimeError, db, relations
from .reporting import NotFound, parse_id, read_only

DEFAULT_BOOKS = 3
ALERTS_SHOWN = 10


def register_dashboard(sub) -> None:
    p = sub.add_parser(
        "dashboard", help="write the admin dashboard as one self-contained HTML page"
    )
    p.add_argument("--out", required=True, metavar="FILE.html", help="the page to write")
    p.add_argument(
        "--book",
        action="append",
        default=[],
        metavar="ID",
        help=f"a book panel to include (repeatable; default the top {DEFAULT_BOOKS} by minutes)",
    )
    p.set_defaults(handler=run_dashboard)


def run_dashboard(args) -> int:
    out = Path(args.out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise StorytimeError(f"--out {args.out}: the page must be an .html file")
    if out.is_dir() or not out.parent.is_dir():
        raise StorytimeError(f"--out {args.out}: no such directory {out.parent}")
    book_ids = list(dict.fromkeys(parse_id(text, "book") for text in args.book))
    data = load(db.resolve(), book_ids)
    page = render(data)
    try:
        out.write_text(page, encoding="utf-8")
    except OSError as exc:
        raise StorytimeError(f"cannot write {out}: {exc.strerror or exc}") from None
    books = ", ".join(str(b.summary["book_id"]) for b in data.books) or "none"
    print(f"wrote {out} (as of {data.as_of or 'no processed date'}; books {books})")
    return 0


# -- reading ----------------------------------------------------------------------------


@dataclass
class BookPanel:
    summary: dict
    daily: list[dict]
    dropoff: list[dict]
    retention: list[dict] = field(default_factory=list)


@dataclass
class Dashboard:
    as_of: dt.date | None
    overview: dict
    trend: list[dict]
    top_minutes: list[dict]
    top_completion: list[dict]
    alerts: list[dict]
    lifecycle: list[dict] = field(default_factory=list)
    books: list[BookPanel] = field(default_factory=list)


def _rows(conn: psycopg.Connection, relation: str, where: str = "", order: str = "", params=()):
    query = sql.SQL("select * from {} {} {}").format(
        relations.relation(relation), sql.SQL(where), sql.SQL(order)
    )
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(query, params).fetchall()


# Every read of the dashboard: (relation, order). `make bench` times these same reads.
PLATFORM_READS = {
    "overview": ("platform_overview", ""),
    "top_minutes": ("top_books_by_minutes", "order by book_rank"),
    "trend": ("platform_trend", "order by metric_date"),
    "top_completion": ("top_books_by_completion", "order by book_rank"),
    "alerts": ("engagement_alerts", "order by alert_type, book_id"),
    "lifecycle": ("platform_lifecycle", "order by metric_date"),
}
BOOK_READS = {
    "summary": ("book_panel_summary", ""),
    "daily": ("book_panel_daily_minutes", "order by metric_date"),
    "dropoff": ("book_panel_dropoff", "order by bucket_percent"),
    "retention": ("book_retention_curve", "order by percent_mark"),
}


def read_platform(conn: psycopg.Connection, name: str) -> list[dict]:
    relation, order = PLATFORM_READS[name]
    return _rows(conn, relation, order=order)


def read_book(conn: psycopg.Connection, name: str, book_id: int) -> list[dict]:
    relation, order = BOOK_READS[name]
    return _rows(conn, relation, "where book_id = %s", order, (book_id,))


def load(target: db.Target, book_ids: list[int]) -> Dashboard:
    with read_only(target) as conn:
        platform = {name: read_platform(conn, name) for name in PLATFORM_READS}
        overview = (platform["overview"] or [{}])[0]
        data = Dashboard(
            as_of=overview.get("as_of_date"),
            overview=overview,
            trend=platform["trend"],
            top_minutes=platform["top_minutes"],
            top_completion=platform["top_completion"],
            alerts=platform["alerts"],
            lifecycle=platform["lifecycle"],
        )
        if not book_ids:
            book_ids = [row["book_id"] for row in platform["top_minutes"][:DEFAULT_BOOKS]]
        for book_id in book_ids:
            summary = read_book(conn, "summary", book_id)
            if not summary:
                raise NotFound(f"no book {book_id}")
            data.books.append(
                BookPanel(
                    summary=summary[0],
                    daily=read_book(conn, "daily", book_id),
                    dropoff=read_book(conn, "dropoff", book_id),
                    retention=read_book(conn, "retention", book_id),
                )
            )
    return data


# -- rendering --------------------------------------------------------------------------

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; margin: 24px;
       color: #1f2933; background: #f5f7fa; }
h1 { font-size: 22px; margin: 0 0 4px; } h2 { font-size: 17px; margin: 28px 0 10px; }
h3 { font-size: 15px; margin: 0 0 8px; }
.muted { color: #616e7c; font-size: 13px; }
.cards { display: flex; flex-wrap: wrap; gap: 12px; }
.card { background: #fff; border-radius: 8px; padding: 14px 18px; min-width: 170px;
        box-shadow: 0 1px 3px rgba(0,0,0,.12); }
.card .label { font-size: 12px; color: #616e7c; text-transform: uppercase; }
.card .value { font-size: 28px; font-weight: 600; margin-top: 4px; }
.up { color: #0e7c3a; } .down { color: #b42318; }
.grid { display: flex; flex-wrap: wrap; gap: 16px; }
.panel { background: #fff; border-radius: 8px; padding: 14px 18px;
         box-shadow: 0 1px 3px rgba(0,0,0,.12); }
table { border-collapse: collapse; font-size: 13px; }
th, td { padding: 4px 10px; text-align: right; border-bottom: 1px solid #e4e7eb; }
th:nth-child(2), td:nth-child(2) { text-align: left; }
th { color: #616e7c; font-weight: 600; }
svg text { font-size: 10px; fill: #616e7c; }
.bar { fill: #3e7bfa; } .bucket { fill: #f0883e; }
.retention { fill: none; stroke: #0e7c3a; stroke-width: 2; }
.life-new { fill: #3e7bfa; } .life-returning { fill: #0e7c3a; }
.life-resurrecting { fill: #f0883e; }
.life-new-text { color: #3e7bfa; } .life-returning-text { color: #0e7c3a; }
.life-resurrecting-text { color: #c2611f; } .spark { fill: none; stroke: #3e7bfa;
  stroke-width: 2; } .spark-prev { fill: none; stroke: #9aa5b1; stroke-width: 2; }
"""


def _fmt(value, places: int = 2) -> str:
    if value is None:
        return "—"
    if isinstance(value, (Decimal, float)):
        return f"{Decimal(str(value)):,.{places}f}"
    return f"{value:,}" if isinstance(value, int) else escape(str(value))


def _percent(rate) -> str:
    return "—" if rate is None else f"{Decimal(str(rate)) * 100:.1f} %"


def _trend(percent) -> str:
    if percent is None:
        return '<span class="value" id="trend-value">—</span>'
    css = "up" if percent >= 0 else "down"
    sign = "+" if percent >= 0 else "−"
    return f'<span class="value {css}" id="trend-value">{sign}{abs(percent):.1f} %</span>'


def _card(card_id: str, label: str, value_html: str) -> str:
    return (
        f'<div class="card" id="{card_id}"><div class="label">{escape(label)}</div>'
        f"{value_html}</div>"
    )


def sparkline(trend: list[dict], width: int = 260, height: int = 56) -> str:
    """Minutes per day, the 7 days before in grey, the last 7 in blue."""
    if not trend:
        return '<svg class="sparkline" width="0" height="0"></svg>'
    values = [float(row["total_minutes_watched"]) for row in trend]
    top = max(values) or 1.0
    step = (width - 8) / max(len(values) - 1, 1)
    points = [
        (4 + i * step, height - 4 - (height - 8) * value / top) for i, value in enumerate(values)
    ]

    def line(css: str, pts) -> str:
        coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        return f'<polyline class="{css}" points="{coords}"/>'

    split = max(len(points) - 7, 0)
    last_x, last_y = points[-1]
    return (
        f'<svg class="sparkline" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="minutes per day, 14 days">'
        f"{line('spark-prev', points[: split + 1])}{line('spark', points[split:])}"
        f'<circle cx="{last_x:.1f}" cy="{last_y:.1f}" r="3" fill="#3e7bfa"/></svg>'
    )


def bar_chart(rows: list[dict], width: int = 520, height: int = 150) -> str:
    """The 30-day minutes chart: one bar per day."""
    values = [float(row["total_minutes_watched"]) for row in rows]
    highest = max(values, default=0.0)
    top = highest or 1.0
    plot_h = height - 30
    slot = (width - 40) / max(len(values), 1)
    parts = [
        f'<svg class="daily-minutes" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="minutes watched per day">',
        f'<text x="0" y="12">{_fmt(Decimal(str(highest)))} min</text>',
        f'<line x1="36" y1="{plot_h + 4}" x2="{width}" y2="{plot_h + 4}" stroke="#cbd2d9"/>',
    ]
    for i, (row, value) in enumerate(zip(rows, values, strict=True)):
        bar_h = plot_h * value / top
        x = 38 + i * slot
        parts.append(
            f'<rect class="bar" x="{x:.1f}" y="{plot_h + 4 - bar_h:.1f}" '
            f'width="{max(slot - 2, 1):.1f}" height="{bar_h:.1f}">'
            f"<title>{row['metric_date']}: {_fmt(row['total_minutes_watched'])} min</title></rect>"
        )
    if rows:
        parts.append(f'<text x="38" y="{height - 4}">{rows[0]["metric_date"]}</text>')
        parts.append(
            f'<text x="{width}" y="{height - 4}" text-anchor="end">{rows[-1]["metric_date"]}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def histogram(rows: list[dict], width: int = 360, height: int = 150) -> str:
    """The drop-off histogram: plays per 10 % bucket of the duration where they ended."""
    if not rows:
        return '<p class="muted">No play with a known duration and position yet.</p>'
    top = max(row["play_count"] for row in rows) or 1
    plot_h = height - 30
    slot = (width - 10) / len(rows)
    parts = [
        f'<svg class="dropoff" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="drop-off histogram">'
    ]
    for i, row in enumerate(rows):
        bar_h = plot_h * row["play_count"] / top
        x = 5 + i * slot
        parts.append(
            f'<rect class="bucket" x="{x:.1f}" y="{plot_h + 4 - bar_h:.1f}" '
            f'width="{slot - 3:.1f}" height="{bar_h:.1f}">'
            f"<title>{row['bucket_percent']} %: {row['play_count']} plays</title></rect>"
            f'<text x="{x + (slot - 3) / 2:.1f}" y="{height - 8}" text-anchor="middle">'
            f"{row['bucket_percent']}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def retention_chart(rows: list[dict], width: int = 360, height: int = 150) -> str:
    """The audience retention curve: the share of measured plays still watching at each
    5 % of the video (book_retention_curve), as a line from 100 % at 0."""
    if not rows:
        return '<p class="muted">No play with a known duration and position yet.</p>'
    plot_w, plot_h = width - 40, height - 30
    points = [
        (34 + plot_w * row["percent_mark"] / 100, 6 + plot_h * (1 - float(row["share"])))
        for row in rows
    ]
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    marks = "".join(
        f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2" fill="#0e7c3a">'
        f"<title>{row['percent_mark']} %: {_percent(row['share'])} of "
        f"{row['plays_measured']} plays</title></circle>"
        for row, (x, y) in zip(rows, points, strict=True)
    )
    return (
        f'<svg class="retention-curve" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="audience retention curve">'
        f'<text x="0" y="12">100 %</text><text x="0" y="{plot_h + 6}">0 %</text>'
        f'<line x1="34" y1="{plot_h + 6}" x2="{width - 6}" y2="{plot_h + 6}" stroke="#cbd2d9"/>'
        f'<polyline class="retention" points="{coords}"/>{marks}'
        f'<text x="34" y="{height - 4}">0 %</text>'
        f'<text x="{width - 6}" y="{height - 4}" text-anchor="end">100 % of the video</text>'
        "</svg>"
    )


LIFECYCLE_PARTS = (
    ("new_children", "life-new", "new"),
    ("returning_children", "life-returning", "returning"),
    ("resurrecting_children", "life-resurrecting", "resurrecting"),
)


def lifecycle_chart(rows: list[dict], width: int = 260, height: int = 70) -> str:
    """Active children per day over the 14 days, stacked by new / returning / resurrecting."""
    if not rows:
        return '<svg class="lifecycle" width="0" height="0"></svg>'
    top = max(row["active_children"] for row in rows) or 1
    slot = width / len(rows)
    parts = [
        f'<svg class="lifecycle" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="active children per day">'
    ]
    for i, row in enumerate(rows):
        y = float(height)
        for column, css, label in LIFECYCLE_PARTS:
            bar_h = (height - 4) * row[column] / top
            y -= bar_h
            parts.append(
                f'<rect class="{css}" x="{i * slot:.1f}" y="{y:.1f}" '
                f'width="{max(slot - 2, 1):.1f}" height="{bar_h:.1f}">'
                f"<title>{row['metric_date']}: {row[column]} {label}</title></rect>"
            )
    parts.append("</svg>")
    return "".join(parts)


def _lifecycle_card(rows: list[dict]) -> str:
    today = rows[-1] if rows else {}
    split = " · ".join(
        f'<span class="{css}-text">{_fmt(today.get(column))} {label}</span>'
        for column, css, label in LIFECYCLE_PARTS
    )
    return _card(
        "card-lifecycle",
        "Children today (lifecycle)",
        f'<div class="value">{_fmt(today.get("active_children"))}</div>'
        f'<div class="muted" id="lifecycle-split">{split}</div>'
        f'<div class="muted">{_fmt(today.get("dormant_children"))} dormant · '
        f"{_fmt(today.get('active_children_7d'))} in 7 days · "
        f"{_fmt(today.get('active_children_28d'))} in 28 days · stickiness "
        f"{_percent(today.get('stickiness'))}</div>{lifecycle_chart(rows)}",
    )


def _table(table_id: str, headers: list[str], rows: list[list[str]]) -> str:
    if not rows:
        return f'<p class="muted" id="{table_id}">No book qualifies yet.</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table id="{table_id}"><tr>{head}</tr>{body}</table>'


def _title(row: dict) -> str:
    return escape(row.get("title") or f"book {row['book_id']}")


def render(data: Dashboard) -> str:
    ov = data.overview
    cards = "".join(
        [
            _card(
                "card-minutes-today",
                "Minutes watched today",
                f'<div class="value">{_fmt(ov.get("minutes_watched_today"))}</div>',
            ),
            _card(
                "card-children-today",
                "Unique children today",
                f'<div class="value">{_fmt(ov.get("unique_children_today"))}</div>',
            ),
            _card(
                "card-trend",
                "7-day trend (minutes)",
                f"<div>{_trend(ov.get('trend_7_day_percent'))}</div>{sparkline(data.trend)}"
                f'<div class="muted">{_fmt(ov.get("minutes_last_7_days"))} vs '
                f"{_fmt(ov.get('minutes_previous_7_days'))} min</div>",
            ),
            _card(
                "card-active-books",
                "Active books today",
                f'<div class="value">{_fmt(ov.get("active_books_today"))}</div>',
            ),
            _lifecycle_card(data.lifecycle),
        ]
    )
    top_minutes = _table(
        "top-minutes",
        ["#", "Title", "Minutes", "Completions", "Unique children"],
        [
            [
                str(r["book_rank"]),
                _title(r),
                _fmt(r["total_minutes_watched"]),
                _fmt(r["completion_count"]),
                _fmt(r["unique_children"]),
            ]
            for r in data.top_minutes
        ],
    )
    top_completion = _table(
        "top-completion",
        ["#", "Title", "Completion rate", "Plays", "Minutes", "Unique children"],
        [
            [
                str(r["book_rank"]),
                _title(r),
                _percent(r["completion_rate"]),
                _fmt(r["total_plays"]),
                _fmt(r["total_minutes_watched"]),
                _fmt(r["unique_children"]),
            ]
            for r in data.top_completion
        ],
    )
    alerts = []
    for kind, label in (
        ("no_plays_30_days", "No plays in 30 days"),
        ("duration_unknown", "Duration unknown (completion unknown)"),
        ("low_completion_rate", "Completion rate below threshold"),
    ):
        rows = [r for r in data.alerts if r["alert_type"] == kind]
        items = "".join(
            f"<li>{_title(r)} <span class='muted'>(book {r['book_id']}; "
            f"{_alert_detail(r)})</span></li>"
            for r in rows[:ALERTS_SHOWN]
        )
        more = (
            f"<li class='muted'>and {len(rows) - ALERTS_SHOWN} more</li>"
            if len(rows) > ALERTS_SHOWN
            else ""
        )
        alerts.append(
            f'<div class="panel" id="alerts-{kind}"><h3>{label}: {len(rows)}</h3>'
            f"<ul>{items}{more}</ul></div>"
        )
    books = "".join(_book_section(panel) for panel in data.books) or (
        '<p class="muted">No book selected.</p>'
    )
    as_of = escape(str(data.as_of)) if data.as_of else "no processed date yet"
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Storytime analytics - dashboard as of {as_of}</title>
<style>{CSS}</style>
</head>
<body>
<h1>Storytime analytics</h1>
<div class="muted" id="as-of">As of {as_of} (the latest processed day, UTC)</div>
<h2>Platform overview</h2>
<div class="cards">{cards}</div>
<h2>Top books, last 7 days</h2>
<div class="grid">
<div class="panel"><h3>By minutes watched</h3>{top_minutes}</div>
<div class="panel"><h3>By completion rate</h3>{top_completion}</div>
</div>
<h2>Engagement alerts (last 30 days)</h2>
<div class="grid">{"".join(alerts)}</div>
<h2>Books</h2>
{books}
</body>
</html>
"""


def _alert_detail(row: dict) -> str:
    if row["alert_type"] == "no_plays_30_days":
        last = row["last_play_date"]
        return f"last play {last}" if last else "never played"
    if row["alert_type"] == "duration_unknown":
        unknown = row["total_plays"] - row["plays_with_duration"]
        return f"{unknown} of {row['total_plays']} plays without a known video duration"
    return (
        f"{_percent(row['completion_rate'])} of {row['plays_with_duration']} plays "
        "of known duration complete"
    )


def _book_section(panel: BookPanel) -> str:
    s = panel.summary
    figures = [
        ("Views (all time)", _fmt(s["total_views"])),
        ("Valid plays (30 s or complete)", _fmt(s["valid_plays"])),
        ("Minutes (all time)", _fmt(s["total_minutes_watched"])),
        ("Completion rate", _percent(s["completion_rate"])),
        ("Unique children", _fmt(s["unique_children"])),
        ("Average views per child", _fmt(s["average_views_per_child"])),
        ("Minutes, last 30 days", _fmt(s["minutes_last_30_days"])),
    ]
    cards = "".join(
        f'<div class="card"><div class="label">{escape(label)}</div>'
        f'<div class="value">{value}</div></div>'
        for label, value in figures
    )
    publisher = escape(s.get("publisher_name") or f"publisher {s.get('publisher_id')}")
    return f"""<section class="book" id="book-{s["book_id"]}">
<h2>{_title(s)} <span class="muted">book {s["book_id"]}, {publisher}</span></h2>
<div class="cards">{cards}</div>
<div class="grid" style="margin-top: 12px">
<div class="panel"><h3>Minutes watched per day, last 30 days</h3>{bar_chart(panel.daily)}</div>
<div class="panel"><h3>Where plays ended (% of the video)</h3>{histogram(panel.dropoff)}</div>
<div class="panel"><h3>Audience retention (% of plays still watching)</h3>\
{retention_chart(panel.retention)}</div>
</div>
</section>
"""
