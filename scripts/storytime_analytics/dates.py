"""Parsing and slicing the dates a run processes."""

from __future__ import annotations

import datetime as dt

from . import StorytimeError


def parse_date(text: str, what: str = "date") -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except (TypeError, ValueError):
        raise StorytimeError(f"{what} is not a valid date (YYYY-MM-DD): {text!r}") from None


def parse_range(start: str, end: str) -> tuple[dt.date, dt.date]:
    first, last = parse_date(start, "--start"), parse_date(end, "--end")
    if last < first:
        raise StorytimeError(f"--end {last} is before --start {first}")
    return first, last


def yesterday_utc() -> dt.date:
    return dt.datetime.now(dt.timezone.utc).date() - dt.timedelta(days=1)


def chunks(first: dt.date, last: dt.date, size: int) -> list[tuple[dt.date, dt.date]]:
    """Consecutive [start, end] slices of at most `size` days covering first..last."""
    if size < 1:
        raise StorytimeError("--chunk-days must be at least 1")
    out, start = [], first
    while start <= last:
        end = min(last, start + dt.timedelta(days=size - 1))
        out.append((start, end))
        start = end + dt.timedelta(days=1)
    return out


def date_vars(first: dt.date, last: dt.date) -> dict[str, str]:
    return {"start_date": first.isoformat(), "end_date": last.isoformat()}
