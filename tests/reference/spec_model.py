"""Reference model of SPEC.md sections 2-4: cleaning, sessions and plays, daily attribution.

An independent, deliberately plain pure-Python implementation, written from SPEC.md alone
(no SQL of the project was read). The test-suite uses it as the oracle the dbt/SQL
implementation is compared against, so it favours obviousness over speed: every rule of
the spec is one small, named step below, and all arithmetic is exact (times in integer
microseconds, ratios as ``Fraction``) until the final rounding (half away from zero, to
2 places).

Decisions taken where SPEC.md leaves room (see also the test-suite's scenario catalog):

1. Valid event types: play_start, pause, resume, play_end, heartbeat; anything else,
   including a different spelling or case, is rejected. Rejected rows are excluded from
   everything else. Events are ordered as SPEC.md section 2 says: ``occurred_at``, then
   the type rank play_start, resume, heartbeat, pause, play_end, then ``id``.
2. Rejection reasons, first failing check wins: 'unknown_event_type',
   'null_child_profile_id', 'null_book_id', 'null_occurred_at', 'unknown_book_id' (no
   ``books`` row with that id), 'implausible_occurred_at' (occurred_at more than
   max_clock_skew_minutes after created_at, or more than max_upload_delay_days before it;
   not checked when created_at is unknown). Every rejected row is listed (rejects are not
   de-duplicated), with the day it is counted on: the UTC date of occurred_at, or of
   created_at when occurred_at is null or implausible (a wrong clock says nothing about
   the day). The reconciliation counts every raw row on that same day: raw = cleaned +
   duplicates + rejected.
3. Exact duplicates: same child_profile_id, book_id, event_type, occurred_at and
   position_seconds as sent (before the negative -> null rule); the lowest id is kept.
   Duplicates are not rejects.
4. A negative position becomes None. A position above the book's duration on the
   EVENT's UTC date by at most position_overrun_share of the duration is clamped to it;
   further above it is corrupt and becomes None (unknown). A play's is_complete /
   watch_percentage / bucket use the duration on the PLAY's date. "Duration on day D":
   the newest asset (highest created_at, then id) of the book with duration_seconds > 0
   and created_at before D+1 00:00 UTC; none -> unknown (None). Assets without
   created_at are ignored.
5. The cut: a play's facts (watch_seconds, max/final position, is_complete,
   watch_percentage, bucket, band) use only its events before play_date + 1 day + 06:00
   UTC; an interval counts in watch_seconds only if both its events are before the cut.
   Daily minutes, unique children, last_watched_at, highest_position_seconds and the
   child history's minutes use all events.
6. Interval seconds are exact: min(b - a, cap). Two consecutive events are in the same
   session when b - a <= timeout (a gap of exactly the timeout does not split).
7. highest_position_seconds: max clamped known position over the pair's events, 0 when
   none is known. last_watched_at: max occurred_at over the pair's cleaned events.
8. publisher_id of daily_book_metrics: the book's current publisher_id (a book not in
   ``books`` has no metrics: its events are rejected, decision 2).
9. unique_parents: distinct non-null user_id of that day's active children that have a
   child_profiles row. new_registrations: users whose created_at UTC date is that day.
   active_books: distinct books with at least one play_start event that day. A
   daily_platform row exists for every processed date (zeros; minutes Decimal('0.00')).
10. Attribution: sessions on the day of the session's first event; plays, completions,
    average watch percentage, drop-off and bands on play_date; play starts / ends and
    unique children on the event's date; minutes on the day of the interval's first event.
11. book_dropoff_buckets: every book with at least one bucketed play gets all eleven
    buckets 0..100, zero counts included.
12. duration_band: 'full_video' when complete, else by watch_seconds: 'under_2m' (< 120),
    '2_5m' (< 300), '5_10m' (< 600), '10m_plus'.
13. is_valid: watch_seconds (exact, before the cut) >= min_valid_play_seconds, or complete.
    plays_with_duration counts the plays whose book had a known duration on play_date
    (whether or not a position is known); valid_plays the valid ones; both on play_date.
14. book_retention_curve: over every play (all dates) with a known duration (on the play's
    day) and a known max position; for each mark 0, 5, ..., 100 the plays with
    max_position >= mark / 100 * duration (exact) and share = reached / all of them,
    rounded half away from zero to 4 places. Rows only for books with such a play.
15. daily_child_lifecycle, per processed date D, over the children with a cleaned event
    (any date, processed or not, as the other all-time figures): active on D; new (first
    event ever on D); returning (active on D and on some day of D-7..D-1); resurrecting
    (active on D, none of D-7..D-1, some earlier day); dormant (active on D-7 and on none
    of D-6..D); distinct actives over D-6..D and D-27..D; stickiness = active / 28-day
    active rounded to 4 places, None when the latter is 0.
"""

from __future__ import annotations

import functools
import math
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal
from fractions import Fraction

UTC = timezone.utc

# SPEC.md section 2: "type rank (play_start, resume, heartbeat, pause, play_end)".
TYPE_RANK = {"play_start": 1, "resume": 2, "heartbeat": 3, "pause": 4, "play_end": 5}
VALID_EVENT_TYPES = frozenset(TYPE_RANK)

# Rejection checks, in the order they are applied (the first failing one is the reason).
REJECT_REASONS = (
    "unknown_event_type",
    "null_child_profile_id",
    "null_book_id",
    "null_occurred_at",
    "unknown_book_id",
    "implausible_occurred_at",
)

# After these events the child is not watching: the interval that follows adds nothing.
NOT_WATCHING_AFTER = frozenset({"pause", "play_end"})

BUCKETS = tuple(range(0, 101, 10))
RETENTION_MARKS = tuple(range(0, 101, 5))

OUTPUT_TABLES = (
    "daily_book_metrics",
    "daily_platform_metrics",
    "child_viewing_histories",
    "book_dropoff_buckets",
    "book_retention_curve",
    "daily_child_lifecycle",
    "plays",
    "rejects",
    "reconciliation",
)


@dataclass(frozen=True)
class Rules:
    session_timeout_minutes: int = 60
    heartbeat_cap_seconds: int = 45
    completion_threshold: Decimal = Decimal("0.9")
    play_cutoff_hours_next_day: int = 6
    max_clock_skew_minutes: int = 60
    max_upload_delay_days: int = 60
    position_overrun_share: Decimal = Decimal("0.1")
    min_valid_play_seconds: int = 30


DEFAULT_RULES = Rules()


# --------------------------------------------------------------------------------------
# small helpers
# --------------------------------------------------------------------------------------


def to_utc(ts: datetime | None) -> datetime | None:
    """A timezone-aware timestamp expressed in UTC (None stays None)."""
    if ts is None:
        return None
    if ts.tzinfo is None:
        raise ValueError(f"naive datetime {ts!r}: the oracle needs timezone-aware timestamps")
    return ts.astimezone(UTC)


def start_of_day(day: date) -> datetime:
    """00:00 UTC of a calendar date."""
    return datetime.combine(day, time(0, 0), tzinfo=UTC)


MICROSECONDS_PER_SECOND = 1_000_000


def microseconds(delta: timedelta) -> int:
    """A timedelta as an exact whole number of microseconds (timestamps' resolution)."""
    return delta // timedelta(microseconds=1)


def seconds(amount_in_microseconds: int) -> Fraction:
    """Exact seconds from microseconds."""
    return Fraction(amount_in_microseconds, MICROSECONDS_PER_SECOND)


def round_half_away_from_zero(value: Fraction | int, places: int = 2) -> Decimal:
    """Round an exact number to ``places`` decimals, halves away from zero."""
    scaled = Fraction(value) * 10**places
    magnitude = math.floor(abs(scaled) + Fraction(1, 2))
    units = magnitude if scaled >= 0 else -magnitude
    return Decimal(units).scaleb(-places)


def minutes(amount_in_microseconds: int) -> Decimal:
    """Exact watched time (microseconds) -> minutes rounded to 2 places."""
    return round_half_away_from_zero(Fraction(amount_in_microseconds, 60 * MICROSECONDS_PER_SECOND))


class Durations:
    """A book's duration on a day (SPEC.md section 1, decision 4)."""

    def __init__(self, video_assets: list[dict]):
        self._assets_by_book: dict[int, list[tuple[datetime, int, int]]] = defaultdict(list)
        for asset in video_assets:
            duration = asset.get("duration_seconds")
            created_at = to_utc(asset.get("created_at"))
            if duration is None or duration <= 0 or created_at is None:
                continue
            self._assets_by_book[asset["book_id"]].append((created_at, asset["id"], duration))
        self._cache: dict[tuple[int, date], int | None] = {}

    def on(self, book_id: int, day: date) -> int | None:
        key = (book_id, day)
        if key not in self._cache:
            end_of_day = start_of_day(day + timedelta(days=1))
            created_by_then = [
                asset for asset in self._assets_by_book.get(book_id, []) if asset[0] < end_of_day
            ]
            # newest = highest created_at, then highest id
            self._cache[key] = max(created_by_then)[2] if created_by_then else None
        return self._cache[key]


# --------------------------------------------------------------------------------------
# section 2: cleaning
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CleanEvent:
    id: int
    child_profile_id: int
    book_id: int
    event_type: str
    position_seconds: int | None  # negative -> None; clamped to the duration on `day`
    occurred_at: datetime
    day: date  # UTC date of occurred_at

    @property
    def order_key(self) -> tuple[datetime, int, int]:
        return (self.occurred_at, TYPE_RANK[self.event_type], self.id)


def implausible_time(row: dict, rules: Rules) -> bool:
    """occurred_at more than the clock skew after the receive time (created_at), or more
    than the upload delay before it. False when either is unknown."""
    occurred_at, received_at = to_utc(row.get("occurred_at")), to_utc(row.get("created_at"))
    if occurred_at is None or received_at is None:
        return False
    too_late = occurred_at - received_at > timedelta(minutes=rules.max_clock_skew_minutes)
    too_early = received_at - occurred_at > timedelta(days=rules.max_upload_delay_days)
    return too_late or too_early


def reject_reason(row: dict, book_ids: set[int], rules: Rules = DEFAULT_RULES) -> str | None:
    """The first failing check of SPEC.md section 2, or None for a valid row."""
    if row.get("event_type") not in VALID_EVENT_TYPES:
        return "unknown_event_type"
    if row.get("child_profile_id") is None:
        return "null_child_profile_id"
    if row.get("book_id") is None:
        return "null_book_id"
    if row.get("occurred_at") is None:
        return "null_occurred_at"
    if row["book_id"] not in book_ids:
        return "unknown_book_id"
    if implausible_time(row, rules):
        return "implausible_occurred_at"
    return None


def counted_on(row: dict, rules: Rules = DEFAULT_RULES) -> date | None:
    """The day a raw row is counted on (decision 2): its occurred_at's UTC date, or its
    created_at's when occurred_at is null or implausible."""
    if row.get("occurred_at") is None or implausible_time(row, rules):
        received_at = to_utc(row.get("created_at"))
        return received_at.date() if received_at is not None else None
    return to_utc(row["occurred_at"]).date()


def cleaned_position(position: int | None, duration: int | None, rules: Rules) -> int | None:
    """Negative -> unknown; above a known duration: clamped when at most the overrun share
    above it, unknown (corrupt) when further above."""
    if position is None or position < 0:
        return None
    if duration is None or position <= duration:
        return position
    if Fraction(position - duration) > Fraction(rules.position_overrun_share) * duration:
        return None
    return duration


def clean_events(
    events: list[dict],
    durations: Durations,
    book_ids: set[int],
    rules: Rules = DEFAULT_RULES,
) -> tuple[list[CleanEvent], list[dict], list[dict]]:
    """Reject invalid rows, count exact duplicates once, fix positions. Also returns the
    exact duplicates left out (one entry per extra copy)."""
    rejects = []
    valid = []
    for row in events:
        reason = reject_reason(row, book_ids, rules)
        if reason is None:
            valid.append(row)
        else:
            rejects.append(
                {"id": row["id"], "reason": reason, "reject_date": counted_on(row, rules)}
            )

    # exact duplicates: same child, book, type, instant and position as sent -> lowest id
    kept: dict[tuple, dict] = {}
    duplicates: list[dict] = []
    for row in valid:
        key = (
            row["child_profile_id"],
            row["book_id"],
            row["event_type"],
            to_utc(row["occurred_at"]),
            row.get("position_seconds"),
        )
        if key not in kept:
            kept[key] = row
        elif row["id"] < kept[key]["id"]:
            duplicates.append(kept[key])
            kept[key] = row
        else:
            duplicates.append(row)

    cleaned = []
    for row in kept.values():
        occurred_at = to_utc(row["occurred_at"])
        day = occurred_at.date()
        duration = durations.on(row["book_id"], day)
        position = cleaned_position(row.get("position_seconds"), duration, rules)
        cleaned.append(
            CleanEvent(
                id=row["id"],
                child_profile_id=row["child_profile_id"],
                book_id=row["book_id"],
                event_type=row["event_type"],
                position_seconds=position,
                occurred_at=occurred_at,
                day=day,
            )
        )
    rejects.sort(key=lambda r: r["id"])
    return cleaned, rejects, duplicates


# --------------------------------------------------------------------------------------
# section 3: sessions, intervals and plays
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Interval:
    """A counted pair of consecutive events (a, b) of one session."""

    a: CleanEvent
    b: CleanEvent
    microseconds: int  # min(b - a, heartbeat cap), exact


@dataclass
class Play:
    events: list[CleanEvent]
    intervals: list[Interval]  # the counted intervals whose `a` belongs to this play
    starts_session: bool


def split_into_sessions(events: list[CleanEvent], timeout: timedelta) -> list[list[CleanEvent]]:
    """Ordered events of one child on one book -> sessions (gap > timeout splits)."""
    sessions: list[list[CleanEvent]] = []
    for event in events:
        if sessions and event.occurred_at - sessions[-1][-1].occurred_at <= timeout:
            sessions[-1].append(event)
        else:
            sessions.append([event])
    return sessions


def counted_intervals(session: list[CleanEvent], cap_seconds: int) -> list[Interval]:
    """Every consecutive pair of the session whose first event is not a pause / play_end."""
    intervals = []
    for index in range(len(session) - 1):
        a, b = session[index], session[index + 1]
        if a.event_type in NOT_WATCHING_AFTER:
            continue
        gap = microseconds(b.occurred_at - a.occurred_at)
        capped = min(gap, cap_seconds * MICROSECONDS_PER_SECOND)
        intervals.append(Interval(a=a, b=b, microseconds=capped))
    return intervals


def split_into_plays(session: list[CleanEvent], intervals: list[Interval]) -> list[Play]:
    """A play begins at every play_start, at the session's first event and after a play_end."""
    plays: list[Play] = []
    previous = None
    for event in session:
        begins_play = (
            previous is None
            or event.event_type == "play_start"
            or previous.event_type == "play_end"
        )
        if begins_play:
            plays.append(Play(events=[event], intervals=[], starts_session=previous is None))
        else:
            plays[-1].events.append(event)
        previous = event

    play_of_event = {id(event): play for play in plays for event in play.events}
    for interval in intervals:
        play_of_event[id(interval.a)].intervals.append(interval)
    return plays


@functools.lru_cache
def completion_fraction(threshold: Decimal) -> Fraction:
    return Fraction(threshold)


def duration_band(is_complete: bool, watch_seconds: Fraction) -> str:
    if is_complete:
        return "full_video"
    if watch_seconds < 120:
        return "under_2m"
    if watch_seconds < 300:
        return "2_5m"
    if watch_seconds < 600:
        return "5_10m"
    return "10m_plus"


def play_facts(play: Play, durations: Durations, rules: Rules) -> dict:
    """One row of the "plays" output."""
    threshold = completion_fraction(rules.completion_threshold)
    first = play.events[0]
    play_date = first.day
    cut = start_of_day(play_date + timedelta(days=1)) + timedelta(
        hours=rules.play_cutoff_hours_next_day
    )

    events_before_cut = [event for event in play.events if event.occurred_at < cut]
    watch_seconds = seconds(
        sum(
            interval.microseconds
            for interval in play.intervals
            if interval.a.occurred_at < cut and interval.b.occurred_at < cut
        )
    )

    known_positions = [
        event.position_seconds for event in events_before_cut if event.position_seconds is not None
    ]
    max_position = max(known_positions) if known_positions else None
    final_position = known_positions[-1] if known_positions else None

    duration = durations.on(first.book_id, play_date)
    is_complete = (
        duration is not None and max_position is not None and max_position >= threshold * duration
    )
    if duration is not None and max_position is not None:
        watch_percentage = 100 * min(Fraction(max_position, duration), Fraction(1))
    else:
        watch_percentage = None
    if duration is not None and final_position is not None:
        dropoff_bucket = 10 * math.floor(10 * min(Fraction(final_position, duration), Fraction(1)))
    else:
        dropoff_bucket = None

    return {
        "child_profile_id": first.child_profile_id,
        "book_id": first.book_id,
        "play_start_at": first.occurred_at,
        "play_date": play_date,
        "watch_seconds": watch_seconds,
        "max_position_seconds": max_position,
        "final_position_seconds": final_position,
        "duration_seconds": duration,
        "is_complete": is_complete,
        "watch_percentage": watch_percentage,
        "dropoff_bucket": dropoff_bucket,
        "duration_band": duration_band(is_complete, watch_seconds),
        "starts_session": play.starts_session,
        "is_valid": is_complete or watch_seconds >= rules.min_valid_play_seconds,
    }


# --------------------------------------------------------------------------------------
# section 4: daily attribution
# --------------------------------------------------------------------------------------


@dataclass
class BookDay:
    play_starts: int = 0
    play_ends: int = 0
    microseconds: int = 0  # watched time of the intervals whose first event is that day
    completions: int = 0
    sessions: int = 0
    plays: int = 0
    plays_with_duration: int = 0
    valid_plays: int = 0
    children: set[int] = field(default_factory=set)
    percentages: list[Fraction] = field(default_factory=list)


@dataclass
class ChildBook:
    views: int = 0
    microseconds: int = 0  # all-time watched time
    completed: int = 0
    last_watched_at: datetime | None = None
    highest_position: int = 0


def compute(
    events: list[dict],
    books: list[dict],
    video_assets: list[dict],
    users: list[dict],
    child_profiles: list[dict],
    dates: list[date] | None = None,
    rules: Rules = DEFAULT_RULES,
) -> dict[str, list[dict]]:
    """All outputs of SPEC.md sections 2-4 for the given source rows."""
    durations = Durations(video_assets)
    book_ids = {book["id"] for book in books}
    cleaned, rejects, duplicates = clean_events(events, durations, book_ids, rules)
    timeout = timedelta(minutes=rules.session_timeout_minutes)

    # one child's events on one book, in order
    events_by_pair: dict[tuple[int, int], list[CleanEvent]] = defaultdict(list)
    for event in cleaned:
        events_by_pair[(event.child_profile_id, event.book_id)].append(event)
    for pair_events in events_by_pair.values():
        pair_events.sort(key=lambda event: event.order_key)

    book_days: dict[tuple[int, date], BookDay] = defaultdict(BookDay)
    child_books: dict[tuple[int, int], ChildBook] = defaultdict(ChildBook)
    platform_microseconds: Counter[date] = Counter()
    platform_children: dict[date, set[int]] = defaultdict(set)
    platform_play_starts: Counter[date] = Counter()
    platform_started_books: dict[date, set[int]] = defaultdict(set)
    bucket_counts: dict[int, Counter[int]] = defaultdict(Counter)
    play_rows: list[dict] = []

    # per event: play starts / ends, unique children, last activity, highest position
    for event in cleaned:
        book_day = book_days[(event.book_id, event.day)]
        book_day.children.add(event.child_profile_id)
        platform_children[event.day].add(event.child_profile_id)
        if event.event_type == "play_start":
            book_day.play_starts += 1
            platform_play_starts[event.day] += 1
            platform_started_books[event.day].add(event.book_id)
        elif event.event_type == "play_end":
            book_day.play_ends += 1

        child_book = child_books[(event.child_profile_id, event.book_id)]
        if child_book.last_watched_at is None or event.occurred_at > child_book.last_watched_at:
            child_book.last_watched_at = event.occurred_at
        if event.position_seconds is not None:
            child_book.highest_position = max(child_book.highest_position, event.position_seconds)

    # per session: sessions, minutes (all intervals), plays
    for (child_id, book_id), pair_events in events_by_pair.items():
        child_book = child_books[(child_id, book_id)]
        for session in split_into_sessions(pair_events, timeout):
            book_days[(book_id, session[0].day)].sessions += 1

            intervals = counted_intervals(session, rules.heartbeat_cap_seconds)
            for interval in intervals:
                book_days[(book_id, interval.a.day)].microseconds += interval.microseconds
                platform_microseconds[interval.a.day] += interval.microseconds
                child_book.microseconds += interval.microseconds

            for play in split_into_plays(session, intervals):
                row = play_facts(play, durations, rules)
                play_rows.append(row)
                book_day = book_days[(book_id, row["play_date"])]
                book_day.plays += 1
                if row["duration_seconds"] is not None:
                    book_day.plays_with_duration += 1
                if row["is_valid"]:
                    book_day.valid_plays += 1
                child_book.views += 1
                if row["is_complete"]:
                    book_day.completions += 1
                    child_book.completed += 1
                if row["watch_percentage"] is not None:
                    book_day.percentages.append(row["watch_percentage"])
                if row["dropoff_bucket"] is not None:
                    bucket_counts[book_id][row["dropoff_bucket"]] += 1

    publisher_of_book = {book["id"]: book.get("publisher_id") for book in books}
    daily_book_metrics = []
    for (book_id, day), book_day in sorted(book_days.items()):
        if book_day.percentages:
            mean = sum(book_day.percentages, Fraction(0)) / len(book_day.percentages)
            average_watch_percentage = round_half_away_from_zero(mean)
        else:
            average_watch_percentage = None
        daily_book_metrics.append(
            {
                "book_id": book_id,
                "metric_date": day,
                "publisher_id": publisher_of_book.get(book_id),
                "total_play_starts": book_day.play_starts,
                "total_play_ends": book_day.play_ends,
                "total_minutes_watched": minutes(book_day.microseconds),
                "watched_seconds": Decimal(book_day.microseconds).scaleb(-6),
                "unique_children": len(book_day.children),
                "completion_count": book_day.completions,
                "average_watch_percentage": average_watch_percentage,
                "total_sessions": book_day.sessions,
                "total_plays": book_day.plays,
                "plays_with_duration": book_day.plays_with_duration,
                "valid_plays": book_day.valid_plays,
            }
        )

    if dates is None:
        event_days = [event.day for event in cleaned]
        if event_days:
            first, last = min(event_days), max(event_days)
            dates = [first + timedelta(days=n) for n in range((last - first).days + 1)]
        else:
            dates = []
    parent_of_child = {profile["id"]: profile.get("user_id") for profile in child_profiles}
    registrations: Counter[date] = Counter(
        to_utc(user["created_at"]).date() for user in users if user.get("created_at") is not None
    )
    daily_platform_metrics = []
    for day in sorted(set(dates)):
        children = platform_children.get(day, set())
        parents = {parent_of_child.get(child) for child in children} - {None}
        daily_platform_metrics.append(
            {
                "metric_date": day,
                "total_play_starts": platform_play_starts[day],
                "total_minutes_watched": minutes(platform_microseconds[day]),
                "unique_children": len(children),
                "unique_parents": len(parents),
                "active_books": len(platform_started_books.get(day, set())),
                "new_registrations": registrations[day],
            }
        )

    child_viewing_histories = [
        {
            "child_profile_id": child_id,
            "book_id": book_id,
            "total_views": child_book.views,
            "total_minutes_watched": minutes(child_book.microseconds),
            "completed_count": child_book.completed,
            "last_watched_at": child_book.last_watched_at,
            "highest_position_seconds": child_book.highest_position,
        }
        for (child_id, book_id), child_book in sorted(child_books.items())
    ]

    book_dropoff_buckets = [
        {"book_id": book_id, "bucket_percent": bucket, "session_count": counts[bucket]}
        for book_id, counts in sorted(bucket_counts.items())
        for bucket in BUCKETS
    ]

    play_rows.sort(key=lambda row: (row["child_profile_id"], row["book_id"], row["play_start_at"]))

    # where every raw row went, per day it is counted on (decision 2)
    tally: dict[date, Counter[str]] = defaultdict(Counter)
    for row in events:
        tally[counted_on(row, rules)]["raw_events"] += 1
    for event in cleaned:
        tally[event.day]["cleaned_events"] += 1
    for row in duplicates:
        tally[counted_on(row, rules)]["duplicate_events"] += 1
    for reject in rejects:
        tally[reject["reject_date"]]["rejected_events"] += 1
    reconciliation = [
        {
            "count_date": day,
            **{
                column: counts[column]
                for column in (
                    "raw_events",
                    "cleaned_events",
                    "duplicate_events",
                    "rejected_events",
                )
            },
        }
        for day, counts in sorted(tally.items(), key=lambda item: (item[0] is None, item[0]))
    ]
    active_days: dict[int, set[date]] = defaultdict(set)
    for event in cleaned:
        active_days[event.child_profile_id].add(event.day)

    return {
        "daily_book_metrics": daily_book_metrics,
        "daily_platform_metrics": daily_platform_metrics,
        "child_viewing_histories": child_viewing_histories,
        "book_dropoff_buckets": book_dropoff_buckets,
        "book_retention_curve": retention_curve(play_rows),
        "daily_child_lifecycle": child_lifecycle(active_days, sorted(set(dates))),
        "plays": play_rows,
        "rejects": rejects,
        "reconciliation": reconciliation,
    }


def retention_curve(play_rows: list[dict]) -> list[dict]:
    """SPEC section 4, book_retention_curve (decision 14)."""
    measured: dict[int, list[Fraction]] = defaultdict(list)
    for row in play_rows:
        if row["duration_seconds"] is not None and row["max_position_seconds"] is not None:
            measured[row["book_id"]].append(
                Fraction(row["max_position_seconds"], row["duration_seconds"])
            )
    curve = []
    for book_id, reached_shares in sorted(measured.items()):
        for mark in RETENTION_MARKS:
            reached = sum(1 for share in reached_shares if share >= Fraction(mark, 100))
            curve.append(
                {
                    "book_id": book_id,
                    "percent_mark": mark,
                    "plays_reached": reached,
                    "plays_measured": len(reached_shares),
                    "share": round_half_away_from_zero(Fraction(reached, len(reached_shares)), 4),
                }
            )
    return curve


def child_lifecycle(active_days: dict[int, set[date]], dates: list[date]) -> list[dict]:
    """SPEC section 4, daily_child_lifecycle (decision 15)."""

    def active_between(child: int, first: date, last: date) -> bool:
        return any(first <= day <= last for day in active_days[child])

    rows = []
    for day in dates:
        active = {child for child, days in active_days.items() if day in days}
        new = {child for child in active if min(active_days[child]) == day}
        returning = {
            child
            for child in active
            if active_between(child, day - timedelta(days=7), day - timedelta(days=1))
        }
        resurrecting = active - new - returning
        dormant = {
            child
            for child, days in active_days.items()
            if day - timedelta(days=7) in days
            and not active_between(child, day - timedelta(days=6), day)
        }
        last_7 = {c for c in active_days if active_between(c, day - timedelta(days=6), day)}
        last_28 = {c for c in active_days if active_between(c, day - timedelta(days=27), day)}
        rows.append(
            {
                "metric_date": day,
                "active_children": len(active),
                "new_children": len(new),
                "returning_children": len(returning),
                "resurrecting_children": len(resurrecting),
                "dormant_children": len(dormant),
                "active_children_7d": len(last_7),
                "active_children_28d": len(last_28),
                "stickiness": (
                    round_half_away_from_zero(Fraction(len(active), len(last_28)), 4)
                    if last_28
                    else None
                ),
            }
        )
    return rows
