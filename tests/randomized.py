"""Random but adversarial event streams for property tests: gaps around every boundary
SPEC.md names (the 45 s cap, the 60 min timeout, midnight, 06:00 the next day), all event
types and some invalid ones, duplicates, unknown/negative/over-duration positions (around
the 10 % overrun limit and corrupt ones), sub-second timestamps, replaced assets and books
without a duration, events of a book without a books row, and receive times around the
plausibility limits (a clock 60 or 61 minutes ahead, one reset to 1970, an upload 60
days + 1 s late)."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

from .reference.spec_model import counted_on

UTC = dt.timezone.utc
BASE = dt.datetime(2026, 2, 10, tzinfo=UTC)
VALID_TYPES = ["play_start", "heartbeat", "heartbeat", "heartbeat", "pause", "resume", "play_end"]
# Gaps in seconds, weighted towards the boundaries the rules care about.
GAPS = st.one_of(
    st.sampled_from([0, 1, 44, 45, 46, 3599, 3600, 3601]),
    st.integers(min_value=30, max_value=60),
    st.integers(min_value=0, max_value=900),
    st.integers(min_value=3500, max_value=9000),
    st.floats(min_value=0, max_value=120, allow_nan=False).map(lambda s: round(s, 6)),
)


@st.composite
def catalogue(draw, books: int):
    """Books with 0-2 video assets (some unusable, some replaced during the range)."""
    rows = {"books": [], "publishers": [{"id": 1}, {"id": 2}], "video_assets": []}
    asset_id = 0
    for book_id in range(1, books + 1):
        rows["books"].append({"id": book_id, "publisher_id": draw(st.sampled_from([1, 2]))})
        for _ in range(draw(st.integers(min_value=0, max_value=2))):
            asset_id += 1
            created = BASE + dt.timedelta(hours=draw(st.integers(min_value=-48, max_value=72)))
            # round durations so that positions hit the 10 % overrun limit exactly
            duration = draw(
                st.one_of(
                    st.none(), st.just(0), st.integers(60, 900), st.sampled_from([100, 200, 300])
                )
            )
            rows["video_assets"].append(
                {
                    "id": asset_id,
                    "book_id": book_id,
                    "duration_seconds": duration,
                    "created_at": created,
                }
            )
    return rows


@st.composite
def stream(draw, child: int, book: int, first_id: int):
    """One child's events on one book: a walk of gaps from a random start."""
    at = BASE + dt.timedelta(seconds=draw(st.integers(min_value=0, max_value=2 * 86400)))
    position = draw(st.integers(min_value=0, max_value=300))
    events = []
    for offset in range(draw(st.integers(min_value=1, max_value=25))):
        at += dt.timedelta(seconds=draw(GAPS))
        kind = draw(
            st.sampled_from(VALID_TYPES + ["seek"])
            if offset % 7 == 6
            else st.sampled_from(VALID_TYPES)
        )
        position = max(0, position + draw(st.integers(min_value=-20, max_value=60)))
        reported = draw(
            st.one_of(
                st.just(position),
                st.just(position),
                st.none(),
                st.just(-5),
                st.just(position + 1000),
                # about the overrun limit of the round durations (10 % of 100, 200, 300)
                st.sampled_from([105, 110, 111, 210, 220, 221, 315, 330, 331, 2147483647]),
            )
        )
        event = {
            "id": first_id + offset,
            "child_profile_id": child,
            "book_id": book,
            "event_type": kind,
            "position_seconds": reported,
            "occurred_at": at,
            "created_at": draw(receive_time(at)),
        }
        events.append(event)
        if draw(st.integers(min_value=0, max_value=15)) == 0:  # an exact duplicate
            events.append({**event, "id": first_id + 500 + offset})
    return events


# How long after occurred_at the server received it, in seconds: mostly soon, sometimes
# days late, and around the clock-skew limit (a clock 60 minutes ahead is plausible).
DAY = 86400
RECEIVE_DELAYS = st.one_of(
    *[st.integers(min_value=0, max_value=120)] * 6,
    st.integers(min_value=DAY, max_value=3 * DAY),
    st.sampled_from([-3599, -3600, -3601, -3660]),
)


@st.composite
def receive_time(draw, occurred_at: dt.datetime) -> dt.datetime:
    return occurred_at + dt.timedelta(seconds=draw(RECEIVE_DELAYS))


@st.composite
def dataset(draw):
    books = draw(st.integers(min_value=1, max_value=4))
    children = draw(st.integers(min_value=1, max_value=4))
    rows = draw(catalogue(books))
    rows["users"] = [
        {"id": 100 + c, "created_at": BASE + dt.timedelta(days=c % 3)}
        for c in range(1, children + 1)
    ]
    rows["child_profiles"] = [{"id": c, "user_id": 100 + (c % 2)} for c in range(1, children + 1)]
    events = []
    for child in range(1, children + 1):
        for book in range(1, books + 1):
            if draw(st.booleans()):
                events += draw(stream(child, book, first_id=1000 * (child * 10 + book)))
    if draw(st.integers(min_value=0, max_value=4)) == 0:
        events.append(
            {
                "id": 1,
                "child_profile_id": None,
                "book_id": 1,
                "event_type": "heartbeat",
                "position_seconds": 10,
                "occurred_at": BASE + dt.timedelta(hours=20),
                "created_at": BASE + dt.timedelta(hours=20),
            }
        )
    if draw(st.integers(min_value=0, max_value=3)) == 0:  # a book without a books row
        events += draw(stream(1, books + 1, first_id=900_000))
    # Received during the range but dated long before: a tablet whose clock says 1970 and
    # an upload 60 days + 1 s late, both implausible and counted on the day received. (One
    # exactly 60 days late is plausible and would widen the range by 60 days: the oracle's
    # unit tests and the scenarios cover that limit.)
    received = BASE + dt.timedelta(seconds=draw(st.integers(0, 2 * DAY)))
    for event_id, occurred_at in (
        (2, dt.datetime(1970, 1, 1, tzinfo=UTC)),
        (3, received - dt.timedelta(days=60, seconds=1)),
    ):
        if draw(st.integers(min_value=0, max_value=3)) == 0:
            events.append(
                {
                    "id": event_id,
                    "child_profile_id": 1,
                    "book_id": 1,
                    "event_type": "heartbeat",
                    "position_seconds": 10,
                    "occurred_at": occurred_at,
                    "created_at": received,
                }
            )
    rows["events"] = events
    return rows


def event_dates(rows: dict) -> tuple[dt.date, dt.date] | None:
    """The first and last day any event is counted on (SPEC section 2: the receive day
    for a 1970 clock)."""
    days = [counted_on(e) for e in rows["events"]]
    days = [d for d in days if d is not None]
    return (min(days), max(days)) if days else None
