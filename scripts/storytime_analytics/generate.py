"""Realistic, deterministic synthetic data for the app's source tables (SPEC section 1).

``generate()`` loads publishers, books, video assets, parents, children and a stream of
usage events into tables that already exist, with PostgreSQL COPY. Everything is drawn
from one ``random.Random(seed)`` in a fixed order, so the same arguments give the same
rows; ids continue after each table's current highest id, so a second call adds to the
first instead of colliding with it.

The catalogue
    About one publisher per 20 books. Most books exist before the range starts, a few
    arrive during it (and are watched from the next day). Every book has a video of
    180-900 s, except ~3 % whose duration the catalogue does not know (an asset with a
    null or 0 duration, or no asset at all; the video itself still plays). ~5 % get a
    replacement asset with a different duration part-way through the range. Popularity
    falls off like Zipf's law.

Families
    Parents have one to three children. ~60 % registered during the year before the
    range, the rest on days spread across it, mostly in the (US) evening. A child never
    plays before its own ``created_at``; on its registration day it usually tries the
    app within minutes.

A child's evening
    Each child has a habit: a usual start time (UTC, peaking around 23:00-02:00, the US
    evening), a chance of watching on a given day (higher at weekends, when there may
    also be an afternoon sitting) and an appetite for a number of plays. A sitting is a
    run of plays separated by a little browsing. A play starts at position 0, or
    sometimes resumes mid-video; while it plays the position advances with the clock and
    a heartbeat is sent every 45 s (+-3 s). An interruption arrives after an exponential
    amount of playing time: a pause (usually seconds or minutes, sometimes more than an
    hour, sometimes never resumed), an abandonment (the heartbeats just stop, no
    ``play_end``) or a restart (a new ``play_start`` at 0 a few seconds later). A play
    that reaches the end sends ``play_end`` at the duration and is sometimes replayed at
    once. Sittings that start late run past midnight UTC (those of the evening before the
    range are not generated, so its first day is a little quieter). A child's next
    sitting never starts before the previous one ended. Parameters are calibrated so that
    3000 children give about 70,000 events a day (23 a child, counting the idle ones);
    the volume grows linearly with the number of children.

Noise, as the app really sends it
    ~2 % of sittings come from an offline tablet and are received 1-5 days later (never
    after the end of the range, the moment the data is "taken"); otherwise ``created_at``
    is ``occurred_at`` plus a few seconds of latency. ~0.5 % of events are sent twice
    (same payload, new id). ~0.2 % are bad: an unknown event type ('seek'), a null
    child, a negative position, or a position beyond the duration.

Speed
    The stream is generated day by day and child by child and written as tab-separated
    text in large chunks into a single COPY, so memory does not grow with the number of
    events. Timestamps are epoch seconds, formatted from a cached day prefix and a
    precomputed time-of-day table.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from random import Random

import psycopg
from psycopg import sql

DAY = 86_400
HOUR = 3_600
EPOCH = dt.date(1970, 1, 1)

EVENT_TYPES = ("play_start", "pause", "resume", "play_end", "heartbeat")
BAD_TYPE = "seek"

# When evenings (and registrations) start, by UTC hour: the US evening is 23:00-03:00 UTC.
HOUR_WEIGHTS = (
    14, 13, 9, 5, 2, 1, 0.3, 0.3, 0.3, 0.3, 0.3, 0.3,
    0.5, 1, 1, 1, 1, 1, 1, 1.5, 2, 4, 8, 12,
)  # fmt: skip
AFTERNOON = (15 * HOUR, 21 * HOUR)  # weekend afternoons in the US, UTC

# Activity, calibrated so that 3000 children give about 70,000 events a day.
WATCH_CHANCE = (2.5, 1.5)  # beta distribution of a child's weekday chance of watching
WEEKEND_BOOST = 1.15  # chance of watching at a weekend, relative to a weekday
WEEKEND_AFTERNOON = 0.2  # chance of an extra afternoon sitting at a weekend
WEEKEND_EXTRA_PLAYS = 0.4  # added to the appetite at a weekend
APPETITE = (math.log(4.0), 0.5)  # lognormal mean number of extra plays in an evening

HEARTBEAT = 45
JITTER = (-3, -2, -1, 0, 1, 2, 3)
INTERRUPTION_MEAN = 900  # seconds of playing between interruptions, on average
ABANDON, RESTART = 0.25, 0.12  # shares of interruptions; the rest are pauses
RESUME_SHARE = 0.2  # plays that start mid-video
REPLAY_SHARE = 0.12  # finished plays watched again at once
FAVOURITE_SHARE = 0.35  # plays of one of the child's favourite books

LATE_SHARE = 0.02  # evenings uploaded 1-5 days late
DUPLICATE_SHARE = 0.005
BAD_SHARE = 0.002

UNKNOWN_DURATION_SHARE = 0.03
REPLACEMENT_SHARE = 0.05
REGISTERED_BEFORE = 0.6  # parents who registered before the range

DEVICES = ("ipad", "ipad", "iphone", "android_tablet", "android_phone", "fire_tablet")
APP_VERSIONS = ("3.1.4", "3.2.0")  # the second is released half-way through the range

TITLE_WORDS = (
    ("The Sleepy", "The Brave", "The Little", "The Curious", "The Hungry", "The Secret",
     "The Dancing", "The Lost", "The Giant", "The Gentle", "The Noisy", "The Magic"),
    ("Dragon", "Bear", "Moon", "Fox", "Whale", "Robot", "Owl", "Garden", "Train", "Cloud",
     "Penguin", "Lighthouse", "Tiger", "Balloon"),
    ("", "", " Goes Home", " and the Storm", " Learns to Share", " at Bedtime",
     " Under the Sea", " Saves the Day"),
)  # fmt: skip
PUBLISHER_WORDS = (
    ("Bluebird", "Lantern", "Acorn", "Starlight", "Puddle", "Honeycomb", "Maple", "Pebble"),
    ("Books", "Press", "Stories", "Kids", "Publishing", "Media"),
)

COLUMNS = {
    "publishers": ("id", "name", "created_at"),
    "books": ("id", "publisher_id", "title", "created_at"),
    "video_assets": ("id", "book_id", "duration_seconds", "created_at"),
    "users": ("id", "created_at"),
    "child_profiles": ("id", "user_id", "created_at"),
    "usage_events": (
        "id", "child_profile_id", "book_id", "event_type", "position_seconds",
        "occurred_at", "created_at", "metadata",
    ),
}  # fmt: skip
COPY_CHUNK = 20_000  # event lines per copy.write()


@dataclass(slots=True)
class Book:
    id: int
    created_at: int  # epoch seconds
    duration: int  # what the video lasts, known to the catalogue or not
    popularity: float
    replaced_at: int | None = None
    new_duration: int = 0

    def duration_at(self, t: int) -> int:
        if self.replaced_at is not None and t >= self.replaced_at:
            return self.new_duration
        return self.duration


@dataclass(slots=True)
class Child:
    id: int
    created_at: int
    watch_chance: float
    appetite: float
    habit: int  # usual start, seconds after midnight UTC
    favourites: list[Book]
    metadata: tuple[str, str]  # before and after the app upgrade
    upgrade_at: int
    free_at: int = 0  # end of the last sitting
    head: str = field(init=False)  # "child_id\t" for the COPY lines

    def __post_init__(self) -> None:
        self.head = f"{self.id}\t"


@dataclass
class Stats:
    rows: dict[str, int] = field(default_factory=dict)
    events_by_type: dict[str, int] = field(
        default_factory=lambda: dict.fromkeys((*EVENT_TYPES, BAD_TYPE), 0)
    )
    late_uploads: int = 0
    duplicates: int = 0
    bad_rows: int = 0


# -- timestamps -----------------------------------------------------------------------------


@functools.cache
def _times_of_day() -> tuple[str, ...]:
    return tuple(f"{s // HOUR:02d}:{s // 60 % 60:02d}:{s % 60:02d}+00" for s in range(DAY))


class _DayPrefixes(dict):
    """Day number since 1970-01-01 -> 'YYYY-MM-DD ', computed once per day."""

    def __missing__(self, day: int) -> str:
        text = self[day] = f"{EPOCH + dt.timedelta(days=day)} "
        return text


class Timestamps:
    def __init__(self) -> None:
        self.days = _DayPrefixes()
        self.times = _times_of_day()

    def __call__(self, t: int) -> str:
        return self.days[t // DAY] + self.times[t % DAY]


def epoch(day: dt.date) -> int:
    return (day - EPOCH).days * DAY


def _evening_time(rng: Random, day: int) -> int:
    """A time in the day starting at `day`, most likely in the US evening."""
    return day + rng.choices(range(24), HOUR_WEIGHTS)[0] * HOUR + rng.randrange(HOUR)


# -- reference tables -----------------------------------------------------------------------


def _next_ids(conn: psycopg.Connection, schema: str) -> dict[str, int]:
    """The first free id of each table."""
    query = sql.SQL("select {}").format(
        sql.SQL(", ").join(
            sql.SQL("(select coalesce(max(id), 0) + 1 from {})").format(sql.Identifier(schema, t))
            for t in COLUMNS
        )
    )
    return dict(zip(COLUMNS, conn.execute(query).fetchone(), strict=True))


def _copy_statement(schema: str, table: str) -> sql.Composed:
    return sql.SQL("copy {} ({}) from stdin").format(
        sql.Identifier(schema, table), sql.SQL(", ").join(map(sql.Identifier, COLUMNS[table]))
    )


def _copy_rows(cur: psycopg.Cursor, schema: str, table: str, rows: list) -> int:
    with cur.copy(_copy_statement(schema, table)) as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


def _catalogue(rng: Random, ids: dict, n_books: int, start: int, end: int, ts: Timestamps):
    """Publishers, books and video assets: (books, rows to load per table)."""
    n_publishers = max(1, round(n_books / 20))
    publishers = [
        (ids["publishers"] + i, " ".join(rng.choice(w) for w in PUBLISHER_WORDS))
        for i in range(n_publishers)
    ]
    publisher_rows = [
        (pid, name, ts(start - 3 * 365 * DAY + rng.randrange(365 * DAY)))
        for pid, name in publishers
    ]
    publisher_weights = [1 / (rank + 1) for rank in range(n_publishers)]

    ranks = list(range(1, n_books + 1))
    rng.shuffle(ranks)
    books, book_rows = [], []
    for i, rank in enumerate(ranks):
        if rng.random() < 0.9:
            created = start - rng.randrange(7 * DAY, 2 * 365 * DAY)
        else:
            created = _evening_time(rng, start + rng.randrange((end - start) // DAY) * DAY)
        book = Book(ids["books"] + i, created, rng.randint(180, 900), 1 / rank**0.8)
        adjective, noun, ending = (rng.choice(w) for w in TITLE_WORDS)
        title = f"{adjective} {noun}{ending}"
        publisher = rng.choices(publishers, publisher_weights)[0][0]
        books.append(book)
        book_rows.append((book.id, publisher, title, ts(created)))

    asset_rows = _video_assets(rng, ids["video_assets"], books, start, end, ts)
    rows = {"publishers": publisher_rows, "books": book_rows, "video_assets": asset_rows}
    return books, rows


def _video_assets(rng: Random, first_id: int, books: list, start: int, end: int, ts) -> list:
    """One asset per book; some without a usable duration, some replaced during the range."""
    unknown = rng.sample(books, max(1, round(UNKNOWN_DURATION_SHARE * len(books))))
    unknown_kinds = {book.id: ("null", "zero", "none")[i % 3] for i, book in enumerate(unknown)}
    candidates = [b for b in books if b.created_at < start and b.id not in unknown_kinds]
    n_replaced = min(len(candidates), max(1, round(REPLACEMENT_SHARE * len(books))))
    replaced = {book.id for book in rng.sample(candidates, n_replaced)}

    rows = []
    for book in books:
        kind = unknown_kinds.get(book.id)
        if kind == "none":
            continue
        duration = {"null": None, "zero": 0}.get(kind, book.duration)
        rows.append((first_id + len(rows), book.id, duration, ts(book.created_at + 60)))
        if book.id in replaced:
            book.replaced_at = start + int((end - start) * rng.uniform(0.2, 0.8))
            delta = rng.randint(20, 120) * rng.choice((-1, 1))
            book.new_duration = min(900, max(180, book.duration + delta))
            if book.new_duration == book.duration:
                book.new_duration = book.duration - delta
            rows.append((first_id + len(rows), book.id, book.new_duration, ts(book.replaced_at)))
    return rows


def _families(rng: Random, ids: dict, n_children: int, start: int, end: int, books, ts):
    """Parents and children: (children, rows to load per table)."""
    old_books = [b for b in books if b.created_at < start] or books
    upgrade_release = start + (end - start) // 2
    children, user_rows, child_rows = [], [], []
    while len(children) < n_children:
        parent_id = ids["users"] + len(user_rows)
        if rng.random() < REGISTERED_BEFORE:
            registered = start - rng.randrange(1, 365 * DAY)
        else:
            registered = _evening_time(rng, start + rng.randrange((end - start) // DAY) * DAY)
        user_rows.append((parent_id, ts(registered)))
        siblings = min(rng.choices((1, 2, 3), (50, 35, 15))[0], n_children - len(children))
        for k in range(siblings):
            created = registered + rng.randrange(60, 900)
            later = created + rng.randrange(DAY, 60 * DAY)
            if k > 0 and rng.random() < 0.3 and later < end:  # a younger sibling added later
                created = later
            upgrade_at = upgrade_release + rng.randrange(10 * DAY)
            child = _child(
                rng, ids["child_profiles"] + len(children), created, upgrade_at, old_books
            )
            children.append(child)
            child_rows.append((child.id, parent_id, ts(created)))
    return children, {"users": user_rows, "child_profiles": child_rows}


def _child(rng: Random, child_id: int, created: int, upgrade_at: int, books: list) -> Child:
    device = rng.choice(DEVICES)
    return Child(
        id=child_id,
        created_at=created,
        watch_chance=rng.betavariate(*WATCH_CHANCE),
        appetite=rng.lognormvariate(*APPETITE),
        habit=_evening_time(rng, 0),
        favourites=rng.sample(books, min(len(books), 4)),
        metadata=tuple(
            f'{{"app_version": "{version}", "device": "{device}"}}' for version in APP_VERSIONS
        ),
        upgrade_at=upgrade_at,
    )


# -- one child's sittings -------------------------------------------------------------------


def _heartbeats(rng: Random, t: int, position: int, span: int, out: list) -> None:
    """Heartbeats while playing for `span` seconds from (t, position)."""
    offset = 0
    for jitter in rng.choices(JITTER, k=span // (HEARTBEAT - 3) + 1):
        offset += HEARTBEAT + jitter
        if offset >= span:
            return
        out.append((t + offset, "heartbeat", position + offset))


def _pause_length(rng: Random) -> int | None:
    """Seconds until the resume; None when the play is never resumed."""
    r = rng.random()
    if r < 0.75:
        return rng.randint(5, 240)
    if r < 0.88:
        return rng.randint(240, 1800)
    if r < 0.95:
        return rng.randint(HOUR + 60, 3 * HOUR)
    return None


def _play(rng: Random, book: Book, t: int, position: int, out: list) -> tuple[int, str]:
    """One play's events from time t; returns when it stopped and how: end, abandon, restart."""
    duration = book.duration_at(t)
    if position >= duration:
        position = 0
    out.append((t, "play_start", position))
    while True:
        run = int(rng.expovariate(1 / INTERRUPTION_MEAN)) + 1
        left = duration - position
        if run >= left:
            _heartbeats(rng, t, position, left, out)
            t += left
            out.append((t, "play_end", duration))
            return t, "end"
        _heartbeats(rng, t, position, run, out)
        t, position = t + run, position + run
        r = rng.random()
        if r < ABANDON:
            return t, "abandon"
        if r < ABANDON + RESTART:
            return t, "restart"
        out.append((t, "pause", position))
        wait = _pause_length(rng)
        if wait is None:
            return t, "abandon"
        t += wait
        out.append((t, "resume", position))


def _next_play(rng: Random, child: Child, catalogue, last: Book | None, outcome: str, t: int):
    """The book and start position of the next play of a sitting."""
    if last is not None and (
        outcome == "restart" or (outcome == "end" and rng.random() < REPLAY_SHARE)
    ):
        return last, 0
    book = rng.choice(child.favourites) if rng.random() < FAVOURITE_SHARE else None
    if book is None or book.created_at > t:
        book = rng.choices(catalogue[0], cum_weights=catalogue[1])[0]
    if rng.random() < RESUME_SHARE:
        return book, int(book.duration_at(t) * rng.uniform(0.1, 0.8))
    return book, 0


def _sitting(rng: Random, child: Child, catalogue, t: int, extra_plays: float) -> list:
    """The plays of one sitting from time t: a list of (book, events)."""
    n_plays = 1 + int(rng.expovariate(1 / extra_plays))
    plays, book, outcome = [], None, ""
    for _ in range(n_plays):
        book, position = _next_play(rng, child, catalogue, book, outcome, t)
        events: list = []
        t, outcome = _play(rng, book, t, position, events)
        plays.append((book, events))
        if outcome == "abandon" and rng.random() < 0.5:
            break
        t += rng.randint(2, 20) if outcome == "restart" else rng.randint(5, 120)
    child.free_at = t
    return plays


def _sitting_starts(rng: Random, child: Child, day: int, weekend: bool) -> list[int]:
    """When the child sits down to watch on the day starting at `day` (maybe never)."""
    registered_today = day <= child.created_at < day + DAY
    chance = child.watch_chance * (WEEKEND_BOOST if weekend else 1.0)
    if not registered_today and rng.random() >= chance:
        return []
    starts = [day + (child.habit + int(rng.gauss(0, 1800))) % DAY]
    if weekend and rng.random() < WEEKEND_AFTERNOON:
        starts.append(day + rng.randrange(*AFTERNOON))
    first = child.created_at + rng.randint(60, 1200)
    return sorted(s if s > first else first for s in starts)


# -- writing events -------------------------------------------------------------------------


class EventWriter:
    """Formats events as COPY text lines and writes them in large chunks."""

    def __init__(self, copy, first_id: int, stats: Stats, ts: Timestamps, horizon: int) -> None:
        self.copy = copy
        self.next_id = first_id
        self.stats = stats
        self.ts = ts
        self.horizon = horizon  # nothing is received after this
        self.lines: list[str] = []

    def sitting(self, rng: Random, child: Child, plays: list, start: int) -> None:
        """Write one sitting's events, with its late upload, duplicates and bad rows."""
        received = self._late_upload(rng, plays[-1][1][-1][0])
        latency = rng.randint(1, 4)
        meta = child.metadata[start >= child.upgrade_at]
        for book, events in plays:
            head = f"{child.head}{book.id}\t"
            if rng.random() < len(events) * BAD_SHARE:
                self._bad_row(rng, book, events, meta, latency, received)
            if rng.random() < len(events) * DUPLICATE_SHARE:
                events.append(rng.choice(events))
                self.stats.duplicates += 1
            self.write(head, events, meta, latency, received)

    def _late_upload(self, rng: Random, end: int) -> int:
        """When an offline sitting is received (0 when it is sent live)."""
        if rng.random() >= LATE_SHARE:
            return 0
        received = end + rng.randint(DAY, 5 * DAY)
        return received if received <= self.horizon else 0

    def _bad_row(self, rng: Random, book, events, meta, latency, received) -> None:
        """Spoil one event of a play, or add a spoilt copy of it."""
        i = rng.randrange(len(events))
        t, event_type, position = events[i]
        kind = rng.randrange(4)
        if kind == 0:
            events.append((t, BAD_TYPE, position))
        elif kind == 1:
            self.write(f"\\N\t{book.id}\t", [events[i]], meta, latency, received)
        elif kind == 2:
            events[i] = (t, event_type, -rng.randint(1, 30))
        else:
            events[i] = (t, event_type, book.duration_at(t) + rng.randint(1, 60))
        self.stats.bad_rows += 1

    def write(self, head: str, events: list, meta: str, latency: int, received: int) -> None:
        days, times, counts = self.ts.days, self.ts.times, self.stats.events_by_type
        event_id, lines = self.next_id, self.lines
        for t, event_type, position in events:
            c = received or t + latency
            lines.append(
                f"{event_id}\t{head}{event_type}\t{position}\t{days[t // DAY]}{times[t % DAY]}"
                f"\t{days[c // DAY]}{times[c % DAY]}\t{meta}\n"
            )
            counts[event_type] += 1
            event_id += 1
        if received:
            self.stats.late_uploads += event_id - self.next_id
        self.next_id = event_id
        if len(lines) >= COPY_CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.lines:
            self.copy.write("".join(self.lines))
            self.lines.clear()


def _catalogue_on(books: list[Book], day: int) -> tuple[list[Book], list[float]]:
    """Books available on a day, with their cumulative popularity for rng.choices."""
    available = [b for b in books if b.created_at < day] or books[:1]
    return available, list(itertools.accumulate(b.popularity for b in available))


def _simulate_day(rng: Random, day: int, books: list, children: list, writer: EventWriter):
    """Every registered child's sittings on the day starting at `day` (epoch seconds)."""
    weekend = (EPOCH + dt.timedelta(days=day // DAY)).weekday() >= 5
    catalogue = _catalogue_on(books, day)
    weekend_plays = WEEKEND_EXTRA_PLAYS if weekend else 0.0
    for child in children:
        if child.created_at >= day + DAY:
            continue
        for t in _sitting_starts(rng, child, day, weekend):
            t = max(t, child.free_at + rng.randint(600, 3600))
            plays = _sitting(rng, child, catalogue, t, child.appetite + weekend_plays)
            writer.sitting(rng, child, plays, t)


def generate(
    conn: psycopg.Connection,
    schema: str,
    start: dt.date,
    days: int,
    children: int,
    books: int,
    seed: int = 1,
    progress: Callable[[int, int], None] | None = None,
) -> dict:
    """Loads publishers, books, video_assets, users, child_profiles and usage_events; returns stats
    (rows per table, events per event_type, late_uploads, duplicates, bad_rows, seconds,
    events_per_minute).

    The tables and the monthly partitions must exist. Runs in a transaction of its own
    (committed at the end) unless the connection is already inside one. `progress`, when
    given, is called as progress(done_days, total_days) after each day.
    """
    if days < 1 or children < 1 or books < 1:
        raise ValueError("days, children and books must be positive")
    began = time.perf_counter()
    rng = Random(seed)
    first, end = epoch(start), epoch(start) + days * DAY
    ts = Timestamps()
    stats = Stats()
    with conn.transaction(), conn.cursor() as cur:
        ids = _next_ids(conn, schema)
        book_list, rows = _catalogue(rng, ids, books, first, end, ts)
        child_list, family_rows = _families(rng, ids, children, first, end, book_list, ts)
        for table, table_rows in {**rows, **family_rows}.items():
            stats.rows[table] = _copy_rows(cur, schema, table, table_rows)
        with cur.copy(_copy_statement(schema, "usage_events")) as copy:
            writer = EventWriter(copy, ids["usage_events"], stats, ts, horizon=end)
            for n in range(days):
                _simulate_day(rng, first + n * DAY, book_list, child_list, writer)
                writer.flush()
                if progress is not None:
                    progress(n + 1, days)
        stats.rows["events"] = writer.next_id - ids["usage_events"]
    seconds = time.perf_counter() - began
    return {
        **stats.rows,
        "events_by_type": {k: v for k, v in stats.events_by_type.items() if v},
        "late_uploads": stats.late_uploads,
        "duplicates": stats.duplicates,
        "bad_rows": stats.bad_rows,
        "seconds": round(seconds, 1),
        "events_per_minute": round(stats.rows["events"] / seconds * 60),
    }
