"""The jobs: daily run and backfill, each a handful of dbt invocations."""

from __future__ import annotations

import datetime as dt
import sys
import time

from . import dbt_invoke
from .dates import chunks, date_vars
from .db import Target

SEED_AND_SNAPSHOT = ["build", "--select", "resource_type:seed resource_type:snapshot"]


def progress_bar(done: int, total: int, label: str, width: int = 30) -> None:
    filled = int(width * done / total) if total else width
    bar = "#" * filled + "-" * (width - filled)
    end = "\n" if done >= total else ""
    print(f"\r[{bar}] {done}/{total} {label}", end=end, file=sys.stderr, flush=True)


def daily(target: Target, day: dt.date) -> tuple[dt.date, dt.date]:
    """Recompute `day` and the day before (whose next-morning events arrived late)."""
    first = day - dt.timedelta(days=1)
    dbt_invoke.invoke(target, ["build"], dbt_vars=date_vars(first, day))
    return first, day


def backfill(
    target: Target, first: dt.date, last: dt.date, chunk_days: int = 10, run_tests: bool = True
) -> list[tuple[dt.date, dt.date]]:
    """Recompute first..last in chunks of dates, one dbt invocation per chunk."""
    slices = chunks(first, last, chunk_days)
    dbt_invoke.invoke(target, SEED_AND_SNAPSHOT, quiet=True)
    started = time.monotonic()
    for number, (start, end) in enumerate(slices, 1):
        progress_bar(number - 1, len(slices), f"processing {start} .. {end}")
        dbt_invoke.invoke(target, ["run"], dbt_vars=date_vars(start, end), quiet=True)
    progress_bar(len(slices), len(slices), f"done in {time.monotonic() - started:.1f} s")
    if run_tests:
        dbt_invoke.invoke(target, ["test"], dbt_vars=date_vars(first, last), quiet=True)
    return slices
