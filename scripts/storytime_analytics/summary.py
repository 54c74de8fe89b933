"""Readable summaries of what a run produced, read from the published tables."""

from __future__ import annotations

import datetime as dt

from . import relations
from .db import Target


def format_table(headers: list[str], rows: list[tuple]) -> str:
    cells = [[str(h) for h in headers]] + [["" if v is None else str(v) for v in r] for r in rows]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) for row in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def print_summary(
    target: Target, first: dt.date, last: dt.date, top: int = 5, rejected: bool = True
) -> None:
    """The platform's days and the top books of first..last, and (unless rejected=False,
    for a job that has printed its own count) the raw events rejected on those dates,
    counted from the rejects table (dated by reject_date)."""
    with target.connect() as conn:
        days = conn.execute(
            f"""select metric_date, total_play_starts, total_minutes_watched, unique_children,
                       unique_parents, active_books, new_registrations
                from {relations.relation_name("daily_platform_metrics")}
                where metric_date between %s and %s order by metric_date""",
            (first, last),
        ).fetchall()
        books = conn.execute(
            f"""select m.book_id, b.title, sum(m.total_minutes_watched) as minutes,
                       sum(m.total_plays) as plays, sum(m.completion_count) as completions
                from {relations.relation_name("daily_book_metrics")} m
                left join {relations.relation_name("stg_app__books")} b on b.book_id = m.book_id
                where m.metric_date between %s and %s
                group by m.book_id, b.title
                order by minutes desc, m.book_id limit %s""",
            (first, last, top),
        ).fetchall()
        rejected_count = (
            conn.execute(
                f"""select count(*) from {relations.relation_name("int_usage_events_rejected")}
                    where reject_date between %s and %s""",
                (first, last),
            ).fetchone()[0]
            if rejected
            else None
        )
    print(f"\nPlatform, {first} .. {last}")
    print(
        format_table(
            ["date", "play_starts", "minutes", "children", "parents", "active_books", "new_users"],
            days,
        )
    )
    print(f"\nTop {top} books by minutes watched, {first} .. {last}")
    print(format_table(["book_id", "title", "minutes", "plays", "completions"], books))
    if rejected_count is not None:
        print(f"\nRejected raw events in the range: {rejected_count}")
