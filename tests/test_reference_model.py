"""Unit tests of the pure-Python oracle (tests/reference/spec_model.py).

Each scenario of tests/scenarios/catalog.py is checked against its hand-computed
expectations (the arithmetic is written next to the inputs in the catalog and repeated
here where a test checks a number the catalog cannot hold, e.g. a non-terminating
percentage). Further tests pin the rounding, the types of the outputs, the rules'
parameters, independence from input order and speed.
"""

from __future__ import annotations

import random
import time
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.reference.spec_model import (
    OUTPUT_TABLES,
    Rules,
    compute,
    round_half_away_from_zero,
)
from tests.scenarios.catalog import (
    SCENARIOS,
    asset,
    at,
    book,
    child,
    day,
    event,
    inputs,
    mismatches,
    user,
)


def run(name: str) -> dict[str, list[dict]]:
    """Compute a scenario and assert it matches its expectations; return the output."""
    scenario = SCENARIOS[name]
    output = compute(**scenario.inputs, dates=list(scenario.dates))
    problems = mismatches(output, scenario.expected)
    assert not problems, "\n".join(problems)
    return output


def plays_of(output: dict, child_id: int = 1, book_id: int = 1) -> list[dict]:
    return [
        p for p in output["plays"] if p["child_profile_id"] == child_id and p["book_id"] == book_id
    ]


# --------------------------------------------------------------------------------------
# one test per scenario
# --------------------------------------------------------------------------------------


def test_full_watch_with_pause():
    output = run("full_watch_with_pause")
    # 45 + 45 + 30 (heartbeat -> pause) + 0 (pause -> resume) + 4 * 45 = 300 s
    (only_play,) = output["plays"]
    assert only_play["watch_seconds"] == 300
    assert only_play["watch_percentage"] == 100


def test_replay_after_play_end():
    output = run("replay_after_play_end")
    first, replay, after_end = plays_of(output)
    # replay: max 60 of 90 s -> 100 * 60 / 90 = 200/3 %, exactly
    assert replay["watch_percentage"] == Fraction(200, 3)
    # (100 + 200/3 + 100) / 3 = 800/9 = 88.888.. -> 88.89
    (row,) = output["daily_book_metrics"]
    assert row["average_watch_percentage"] == Decimal("88.89")
    # the third play begins with a resume (first event after a play_end)
    assert after_end["play_start_at"] == at(11, 9, 10, 0)
    assert [first["is_complete"], replay["is_complete"], after_end["is_complete"]] == [
        True,
        False,
        True,
    ]


def test_restart_within_the_hour():
    output = run("restart_within_the_hour")
    first, restart = plays_of(output)
    # the heartbeat -> play_start interval (18.5 min, capped at 45 s) belongs to the first
    # play: 45 + 45 + 45 = 135; the restart: 45 + 15 = 60
    assert (first["watch_seconds"], restart["watch_seconds"]) == (135, 60)


def test_resume_after_more_than_an_hour():
    output = run("resume_after_more_than_an_hour")
    # the 2 h 29 min pause -> resume gap is not watched time and splits the session;
    # the exactly-60-minute gap does not: 2 sessions, 2 plays
    (row,) = output["daily_book_metrics"]
    assert (row["total_sessions"], row["total_plays"]) == (2, 2)


def test_book_without_duration():
    output = run("book_without_duration")
    (only_play,) = output["plays"]
    # unknown duration: no clamping (5030 kept), no percentage, no bucket, never complete
    assert only_play["max_position_seconds"] == 5030
    assert output["book_dropoff_buckets"] == []


def test_asset_replaced_mid_range():
    output = run("asset_replaced_mid_range")
    # child 2's play began on Feb 15 (duration 200) but its Feb 16 positions were clamped
    # with Feb 16's duration (100): 100 / 200 = 50 %
    (crossing,) = plays_of(output, child_id=2)
    assert crossing["duration_seconds"] == 200
    assert crossing["max_position_seconds"] == 100
    assert crossing["watch_percentage"] == 50


def test_play_across_midnight():
    output = run("play_across_midnight")
    (only_play,) = output["plays"]
    # 100 * 235 / 3600 = 235/36 % exactly (6.5277..)
    assert only_play["watch_percentage"] == Fraction(235, 36)
    # minutes: 90 s on Feb 18 + 220 s on Feb 19 = 310 s (5.17 min); the play counts 235 s
    (history,) = output["child_viewing_histories"]
    assert history["total_minutes_watched"] == Decimal("5.17")
    assert only_play["watch_seconds"] == 235


def test_play_across_midnight_default_dates_cover_the_event_range():
    scenario = SCENARIOS["play_across_midnight"]
    output = compute(**scenario.inputs)  # dates=None: first to last cleaned event date
    assert [row["metric_date"] for row in output["daily_platform_metrics"]] == [day(18), day(19)]


def test_exact_duplicates():
    output = run("exact_duplicates")
    (row,) = output["daily_book_metrics"]
    # without de-duplication there would be 2 play_starts and 3 play_ends
    assert (row["total_play_starts"], row["total_play_ends"]) == (1, 2)


def test_rejected_rows():
    output = run("rejected_rows")
    # the rejected rows are excluded from everything: child 2 (only a 'seek') is not active
    assert {h["child_profile_id"] for h in output["child_viewing_histories"]} == {1}
    assert [r["reason"] for r in output["rejects"]].count("unknown_event_type") == 3


def test_negative_and_over_duration_positions():
    output = run("negative_and_over_duration_positions")
    clamped, unknown = output["plays"]
    # 126 (5 % over) is clamped to 120, -1 and -3 are unknown: final = last known = 120
    assert (clamped["max_position_seconds"], clamped["final_position_seconds"]) == (120, 120)
    assert unknown["watch_percentage"] is None


def test_bad_source_rows():
    output = run("bad_source_rows")
    reasons = {r["id"]: r["reason"] for r in output["rejects"]}
    assert reasons == {
        10: "unknown_book_id",
        11: "implausible_occurred_at",
        12: "implausible_occurred_at",
        13: "implausible_occurred_at",
    }
    # the 1970 and 2100 rows are counted on the day received, not on their own dates
    assert {r["reject_date"] for r in output["rejects"]} == {day(7)}
    assert [r["count_date"] for r in output["reconciliation"]] == [day(7)]
    # a 2147483647 position is unknown: the play is not complete
    corrupt = plays_of(output, child_id=1)[0]
    assert (corrupt["max_position_seconds"], corrupt["is_complete"]) == (90, False)


def test_position_overrun_share_is_a_parameter():
    scenario = SCENARIOS["bad_source_rows"]
    # with no overrun allowed, 315 and 330 are unknown too: child 2 never reaches 270
    strict = compute(**scenario.inputs, rules=Rules(position_overrun_share=Decimal("0")))
    assert plays_of(strict, child_id=2)[0]["max_position_seconds"] == 0
    # with a share of 1 the 360 is clamped: every known position of child 2 becomes 300
    lenient = compute(**scenario.inputs, rules=Rules(position_overrun_share=Decimal("1")))
    assert plays_of(lenient, child_id=2)[0]["final_position_seconds"] == 300


def test_plausibility_limits_are_parameters():
    scenario = SCENARIOS["bad_source_rows"]
    # 61 minutes ahead is plausible with a 2-hour skew; 1970 and 2100 stay implausible
    skew = compute(**scenario.inputs, rules=Rules(max_clock_skew_minutes=120))
    assert {r["id"] for r in skew["rejects"]} == {10, 11, 12}
    # an upload 3 days late is implausible with a 2-day limit, counted on the day received
    late = [event(1, "heartbeat", at(3, 10, 0), 5, received=at(6, 10, 0))]
    source = inputs(late, [asset(1, 1, 300)])
    (reject,) = compute(**source, rules=Rules(max_upload_delay_days=2))["rejects"]
    assert (reject["reason"], reject["reject_date"]) == ("implausible_occurred_at", day(6))
    assert compute(**source)["rejects"] == []
    # the limits themselves are plausible: exactly 60 days late, exactly 60 minutes ahead
    received = at(6, 10, 0)
    edge = [
        event(1, "heartbeat", received - timedelta(days=60), 5, received=received),
        event(2, "heartbeat", received - timedelta(days=60, microseconds=1), 5, received=received),
        event(3, "heartbeat", received + timedelta(minutes=60), 5, received=received),
        event(
            4, "heartbeat", received + timedelta(minutes=60, microseconds=1), 5, received=received
        ),
    ]
    output = compute(**inputs(edge, [asset(1, 1, 300)]))
    assert {r["id"] for r in output["rejects"]} == {2, 4}
    assert {r["count_date"] for r in output["reconciliation"]} == {
        (received - timedelta(days=60)).date(),
        day(6),
    }


def test_abandoned_play():
    output = run("abandoned_play")
    abandoned, _ = plays_of(output)
    # 3 heartbeat intervals of 45 s, nothing after the last heartbeat: 135 s
    assert abandoned["watch_seconds"] == 135
    # 135 / 600 = 22.5 % exactly
    assert abandoned["watch_percentage"] == Fraction(45, 2)


def test_heartbeat_cap():
    output = run("heartbeat_cap")
    (only_play,) = output["plays"]
    # 45 + min(600, 45) + 44.7 + 9.6 = 144.3 s, kept exact
    assert only_play["watch_seconds"] == Fraction(1443, 10)
    assert isinstance(only_play["watch_seconds"], Fraction)
    # 100 * 700 / 1200 = 175/3 %
    assert only_play["watch_percentage"] == Fraction(175, 3)


def test_dropoff_buckets():
    output = run("dropoff_buckets")
    counts = {r["bucket_percent"]: r["session_count"] for r in output["book_dropoff_buckets"]}
    assert sorted(counts) == list(range(0, 101, 10))
    # 35 % -> 30, 100 % -> 100, 99.9 % -> 90, final 10 % (max 50 %) -> 10
    assert sum(counts.values()) == 4


def test_platform_day_without_events():
    output = run("platform_day_without_events")
    zero_day = output["daily_platform_metrics"][1]
    assert zero_day["metric_date"] == day(27)
    assert str(zero_day["total_minutes_watched"]) == "0.00"
    # the default processed dates (first to last event date) include the empty day too
    scenario = SCENARIOS["platform_day_without_events"]
    default = compute(**scenario.inputs)
    assert default["daily_platform_metrics"] == output["daily_platform_metrics"]


def test_minutes_rounded_from_exact_totals():
    output = run("minutes_rounded_from_exact_totals")
    feb_3 = output["daily_platform_metrics"][0]
    book_rows = [r for r in output["daily_book_metrics"] if r["metric_date"] == day(3)]
    # 0.17 + 0.17 = 0.34 != round(20 / 60, 2) = 0.33
    assert sum(r["total_minutes_watched"] for r in book_rows) == Decimal("0.34")
    assert feb_3["total_minutes_watched"] == Decimal("0.33")


def test_same_instant_events_use_type_rank():
    output = run("same_instant_events_use_type_rank")
    assert len(output["plays"]) == 1


def test_valid_plays_and_known_durations():
    output = run("valid_plays_and_known_durations")
    by_day = {(r["book_id"], r["metric_date"]): r for r in output["daily_book_metrics"]}
    # the Feb 8 play of book 2 had no known duration: counted as a play, not in the
    # completion rate's denominator
    assert by_day[2, day(8)]["total_plays"] == 1
    assert by_day[2, day(8)]["plays_with_duration"] == 0
    assert [p["is_valid"] for p in output["plays"] if p["book_id"] == 1] == [False, True, True]


def test_every_scenario_has_its_own_test():
    tested = {name.removeprefix("test_") for name in globals() if name.startswith("test_")}
    assert set(SCENARIOS) <= tested


# --------------------------------------------------------------------------------------
# rounding, types, rules
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (Fraction(2405, 1000), "2.41"),  # half away from zero (banker's: 2.40)
        (Fraction(2415, 1000), "2.42"),
        (Fraction(-2405, 1000), "-2.41"),
        (Fraction(1, 6), "0.17"),
        (Fraction(1, 3), "0.33"),
        (Fraction(0), "0.00"),
        (100, "100.00"),
    ],
)
def test_round_half_away_from_zero(value, expected):
    rounded = round_half_away_from_zero(value)
    assert str(rounded) == expected


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_output_types(name):
    scenario = SCENARIOS[name]
    output = compute(**scenario.inputs, dates=list(scenario.dates))
    assert set(output) == set(OUTPUT_TABLES)
    decimal_columns = [
        ("daily_book_metrics", "total_minutes_watched"),
        ("daily_book_metrics", "average_watch_percentage"),
        ("daily_platform_metrics", "total_minutes_watched"),
        ("child_viewing_histories", "total_minutes_watched"),
    ]
    for table, column in decimal_columns:
        for row in output[table]:
            value = row[column]
            if value is not None:
                assert isinstance(value, Decimal)
                assert value.as_tuple().exponent == -2
    for row in output["plays"]:
        assert isinstance(row["watch_seconds"], Fraction)
        assert row["watch_percentage"] is None or isinstance(row["watch_percentage"], Fraction)


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_input_order_does_not_matter(name):
    scenario = SCENARIOS[name]
    shuffled = {key: list(rows) for key, rows in scenario.inputs.items()}
    for rows in shuffled.values():
        random.Random(7).shuffle(rows)
    dates = list(scenario.dates)
    assert compute(**shuffled, dates=dates) == compute(**scenario.inputs, dates=dates)


def test_rules_are_parameters():
    # restart_within_the_hour with a 10-minute timeout: the 18.5-minute gap now splits
    # the session, so the heartbeat -> play_start interval is no longer counted:
    # 45 + 45 + 45 + 15 = 150 s = 2.50 min, 2 sessions; and with a 30 s cap:
    # 30 + 30 + 30 + 15 = 105 s = 1.75 min
    scenario = SCENARIOS["restart_within_the_hour"]
    short = compute(**scenario.inputs, rules=Rules(session_timeout_minutes=10))
    (row,) = short["daily_book_metrics"]
    assert (row["total_sessions"], row["total_minutes_watched"]) == (2, Decimal("2.50"))
    capped = compute(
        **scenario.inputs, rules=Rules(session_timeout_minutes=10, heartbeat_cap_seconds=30)
    )
    assert capped["daily_book_metrics"][0]["total_minutes_watched"] == Decimal("1.75")
    # completion threshold 0.5: in replay_after_play_end the replay (60 of 90) completes
    replay = SCENARIOS["replay_after_play_end"]
    lenient = compute(**replay.inputs, rules=Rules(completion_threshold=Decimal("0.5")))
    assert lenient["daily_book_metrics"][0]["completion_count"] == 3


def test_cutoff_hour_is_a_parameter():
    # play_across_midnight with the cut at 07:00: events 11 and 12 now count for the play:
    # watch 235 + 45 (10->11) + 30 (11->12) = 310 s, max 3400 >= 3240: complete
    scenario = SCENARIOS["play_across_midnight"]
    output = compute(**scenario.inputs, rules=Rules(play_cutoff_hours_next_day=7))
    (only_play,) = output["plays"]
    assert only_play["watch_seconds"] == 310
    assert only_play["is_complete"]


def test_no_events_gives_empty_outputs():
    output = compute([], [book(1)], [asset(1, 1, 300)], [user(100)], [child(1, 100)])
    assert all(rows == [] for rows in output.values())


def realistic_events(count: int, rng: random.Random) -> list[dict]:
    """Viewings of February: a play_start, heartbeats every ~45 s, then a pause or a
    play_end (sometimes nothing: abandoned), with a few duplicates and bad rows."""
    events: list[dict] = []

    def add(event_type, occurred_at, position, child_id, book_id):
        events.append(event(len(events) + 1, event_type, occurred_at, position, child_id, book_id))

    while len(events) < count:
        child_id, book_id = rng.randrange(1, 300), rng.randrange(1, 40)
        moment = at(1, 0, 0) + timedelta(seconds=rng.randrange(0, 27 * 86_400))
        position = rng.choice([0, 0, 0, rng.randrange(0, 600)])
        add("play_start", moment, position, child_id, book_id)
        for _ in range(rng.randrange(0, 30)):
            moment += timedelta(seconds=45, microseconds=rng.randrange(0, 1_000_000))
            position += 45
            add("heartbeat", moment, position, child_id, book_id)
            if rng.random() < 0.01:
                add("heartbeat", moment, position, child_id, book_id)  # exact duplicate
        moment += timedelta(seconds=rng.randrange(1, 45))
        ending = rng.choice(["pause", "play_end", "play_end", None])
        if ending:
            add(ending, moment, position + 20, child_id, book_id)
        if rng.random() < 0.01:
            add("seek", moment, position, None, book_id)  # rejected
    return events


def test_fifty_thousand_events_in_a_few_seconds():
    events = realistic_events(50_000, random.Random(2026))
    source = inputs(
        events,
        [asset(b, b, 600 + 10 * b) for b in range(1, 40)],
        books=[book(b) for b in range(1, 40)],
        users=[user(100 + c) for c in range(1, 300)],
        child_profiles=[child(c, 100 + c) for c in range(1, 300)],
    )
    began = time.perf_counter()
    output = compute(**source)
    elapsed = time.perf_counter() - began
    assert elapsed < 10, f"{elapsed:.1f} s"
    # consistency: play starts are the distinct play_start rows; plays match histories
    distinct_starts = {
        (e["child_profile_id"], e["book_id"], e["occurred_at"], e["position_seconds"])
        for e in events
        if e["event_type"] == "play_start"
    }
    platform = output["daily_platform_metrics"]
    assert sum(r["total_play_starts"] for r in platform) == len(distinct_starts)
    assert len(output["plays"]) == sum(h["total_views"] for h in output["child_viewing_histories"])
    assert platform[0]["metric_date"] == date(2026, 2, 1)
    assert output["rejects"]


# --------------------------------------------------------------------------------------
# properties on random event sets
# --------------------------------------------------------------------------------------

random_event = st.tuples(
    st.sampled_from(["play_start", "pause", "resume", "play_end", "heartbeat", "seek"]),
    st.integers(min_value=0, max_value=3 * 86_400),  # seconds after Feb 9 00:00
    st.one_of(st.none(), st.integers(min_value=-5, max_value=400)),
    st.integers(min_value=1, max_value=3),  # child
    st.integers(min_value=1, max_value=2),  # book
)


@settings(max_examples=150, deadline=None)
@given(st.lists(random_event, max_size=60))
def test_outputs_are_consistent_with_each_other(rows):
    events = [
        event(n + 1, kind, at(9, 0, 0) + timedelta(seconds=offset), position, child_id, book_id)
        for n, (kind, offset, position, child_id, book_id) in enumerate(rows)
    ]
    # book 1: 300 s; book 2: no duration until Feb 10 12:00, then 200 s
    source = inputs(
        events,
        [asset(1, 1, 300), asset(2, 2, 200, created_at=at(10, 12, 0))],
        books=[book(1), book(2)],
        child_profiles=[child(1, 100), child(2, 101)],  # child 3 has no profile
    )
    output = compute(**source)
    book_rows, plays = output["daily_book_metrics"], output["plays"]
    histories = output["child_viewing_histories"]

    assert sum(r["total_plays"] for r in book_rows) == len(plays)
    assert sum(h["total_views"] for h in histories) == len(plays)
    assert sum(r["total_sessions"] for r in book_rows) == sum(p["starts_session"] for p in plays)
    completions = sum(p["is_complete"] for p in plays)
    assert sum(r["completion_count"] for r in book_rows) == completions
    assert sum(h["completed_count"] for h in histories) == completions
    bucketed = [p for p in plays if p["dropoff_bucket"] is not None]
    assert sum(r["session_count"] for r in output["book_dropoff_buckets"]) == len(bucketed)
    assert len(output["book_dropoff_buckets"]) == 11 * len({p["book_id"] for p in bucketed})

    for p in plays:
        assert 0 <= p["watch_seconds"]
        if p["watch_percentage"] is not None:
            assert 0 <= p["watch_percentage"] <= 100
        if p["is_complete"]:
            assert p["duration_band"] == "full_video"
            assert p["max_position_seconds"] >= Decimal("0.9") * p["duration_seconds"]
        assert p["play_date"] == p["play_start_at"].date()

    for platform in output["daily_platform_metrics"]:
        same_day = [r for r in book_rows if r["metric_date"] == platform["metric_date"]]
        assert platform["total_play_starts"] == sum(r["total_play_starts"] for r in same_day)
        assert platform["unique_children"] <= sum(r["unique_children"] for r in same_day)
        assert platform["unique_parents"] <= platform["unique_children"]
        assert platform["active_books"] <= len(same_day)
        # rounding once vs summing rounded figures differ by at most 0.005 per book row
        book_sum = sum((r["total_minutes_watched"] for r in same_day), Decimal(0))
        assert abs(platform["total_minutes_watched"] - book_sum) <= Decimal("0.005") * (
            len(same_day) + 1
        )

    rejected = {r["id"] for r in output["rejects"]}
    assert rejected == {e["id"] for e in events if e["event_type"] == "seek"}
    shuffled = list(events)
    random.Random(len(events)).shuffle(shuffled)
    assert compute(**{**source, "events": shuffled}) == output
