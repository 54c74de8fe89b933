"""Cron, simulated: the source's events become visible night by night as they are
received (created_at), and the daily job runs for each day at 02:00 UTC the day after,
as in production. Late uploads arrive when the generator says they were received; rows
of a transaction that commits late are made visible after the run that should have seen
them."""

from __future__ import annotations

import datetime as dt

from storytime_analytics import pipeline

from .support import Warehouse

RUN_HOUR = 2


def hold_back_events(wh: Warehouse) -> None:
    """Move every source event into public.incoming: nothing has been received yet."""
    wh.execute(
        """create table public.incoming as select * from public.usage_events;
           truncate public.usage_events"""
    )


def receive(wh: Warehouse, until: dt.datetime, late_commit: dt.timedelta | None = None) -> int:
    """Make the rows received up to `until` visible. With late_commit, every third row
    received in the last late_commit before it stays invisible while later ones are
    visible: its transaction commits after the next run has read the receive time."""
    held = "created_at > %(late)s and id %% 3 = 0" if late_commit else "false"
    with wh.target.connect() as conn:
        moved = conn.execute(
            f"""with moved as (
                    delete from public.incoming
                    where created_at <= %(until)s and not ({held})
                    returning *)
                insert into public.usage_events select * from moved""",
            {"until": until, "late": until - (late_commit or dt.timedelta())},
        ).rowcount
    return moved


def night_of(day: dt.date) -> dt.datetime:
    """When cron runs the daily job for `day`."""
    return dt.datetime.combine(day + dt.timedelta(days=1), dt.time(RUN_HOUR), dt.timezone.utc)


def run_nights(
    wh: Warehouse,
    first: dt.date,
    last: dt.date,
    late_commit: dt.timedelta | None = None,
) -> list:
    """The daily job for first..last, each at its night, seeing only what was received."""
    runs = []
    day = first
    while day <= last:
        receive(wh, night_of(day), late_commit)
        runs.append(pipeline.daily(wh.target, day))
        day += dt.timedelta(days=1)
    return runs
