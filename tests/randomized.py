"""Random but adversarial event streams for property tests: gaps around every boundary
SPEC.md names (the 45 s cap, the 60 min timeout, midnight, 06:00 the next day), all event
types and some invalid ones, duplicates, unknown/negative/over-duration positions,
sub-second timestamps, replaced assets and books without a duration."""

from __future__ import annotations

import datetime as dt

from hypothesis import strategies as st

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
            duration = draw(st.one_of(st.none(), st.just(0), st.integers(60, 900)))
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
            )
        )
        event = {
            "id": first_id + offset,
            "child_profile_id": child,
            "book_id": book,
            "event_type": kind,
            "position_seconds": reported,
            "occurred_at": at,
        }
        events.append(event)
        if draw(st.integers(min_value=0, max_value=15)) == 0:  # an exact duplicate
            events.append({**event, "id": first_id + 500 + offset})
    return events


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
            }
        )
    rows["events"] = events
    return rows


def event_dates(rows: dict) -> tuple[dt.date, dt.date] | None:
    days = [e["occurred_at"].date() for e in rows["events"] if e["occurred_at"] is not None]
    return (min(days), max(days)) if days else None
