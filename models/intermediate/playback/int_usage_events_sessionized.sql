-- The run's cleaned events in order, cut into sessions and plays (SPEC section 3), with
-- the seconds each event contributes as the first event of a counted interval. An exact
-- duplicate (is_duplicate) stays in the order right among its first copy's instant and
-- type: it begins no play and starts no session, and what it changes in its neighbours'
-- intervals it carries itself (the same instant, the same type), so the sums are those
-- of the stream without it; int_play_segments_unsliced leaves it out of the counts and
-- positions.
-- Ephemeral: it is the ordered pass inside int_play_segments, which keeps one row per
-- play and day instead of one per event (the events are never written out).
{{ config(materialized='ephemeral') }}
{%- set timeout_minutes = var('session_timeout_minutes') -%}
{%- set cap_seconds = var('heartbeat_cap_seconds') -%}
{%- set cutoff_hours = var('play_cutoff_hours_next_day') %}

with events as (

    select * from {{ ref('int_usage_events_cleaned') }}

),

neighbours as (

    select
        usage_event_id,
        child_profile_id,
        book_id,
        event_type,
        type_rank,
        position_seconds,
        counts_watch_time,
        is_duplicate,
        occurred_at,
        row_number() over child_book_order as event_sequence,
        lag(occurred_at) over child_book_order as previous_occurred_at,
        lag(event_type) over child_book_order as previous_event_type,
        lead(occurred_at) over child_book_order as next_occurred_at
    from events
    window child_book_order as (
        partition by child_profile_id, book_id
        order by occurred_at, type_rank, usage_event_id
    )

),

flagged as (

    -- gaps compared as timestamps; seconds are computed only for a gap under the cap
    select
        *,
        case
            when previous_occurred_at is null then 1
            when previous_occurred_at < {{ dbt.dateadd('minute', -timeout_minutes, 'occurred_at') }} then 1
            else 0
        end as is_session_start,
        case
            when next_occurred_at is null then 0
            when not counts_watch_time then 0
            when next_occurred_at > {{ dbt.dateadd('minute', timeout_minutes, 'occurred_at') }} then 0
            when next_occurred_at >= {{ dbt.dateadd('second', cap_seconds, 'occurred_at') }} then {{ cap_seconds }}
            else {{ storytime.seconds_between('occurred_at', 'next_occurred_at') }}
        end as interval_seconds
    from neighbours

),

play_starts as (

    select
        *,
        case
            -- a later copy of an event: same instant and type as the first, which already
            -- began whatever play it begins
            when is_duplicate = 1 then 0
            when is_session_start = 1 then 1
            when event_type = 'play_start' then 1
            when previous_event_type = 'play_end' then 1
            else 0
        end as is_play_start
    from flagged

),

numbered as (

    select
        *,
        sum(is_play_start) over (
            partition by child_profile_id, book_id
            order by occurred_at, type_rank, usage_event_id
            rows between unbounded preceding and current row
        ) as play_number
    from play_starts

),

final as (

    -- cutoff_date: the UTC date of the event moved back by the cut-off hours. An event is
    -- before its play's cut-off (06:00 the day after the play began) when its cutoff_date
    -- is at most the play's date; int_plays applies that once it knows the play's date.
    select
        -- ids
        usage_event_id,
        child_profile_id,
        book_id,
        play_number,
        event_sequence,

        -- strings
        event_type,

        -- numerics
        position_seconds,
        interval_seconds,

        -- booleans (as 0/1 so they sum)
        is_session_start,
        is_play_start,
        is_duplicate,

        -- dates
        {{ storytime.utc_date('occurred_at') }} as event_date,
        {{ storytime.utc_date(dbt.dateadd('hour', -cutoff_hours, 'occurred_at')) }} as cutoff_date,
        {{ storytime.utc_date(dbt.dateadd('hour', -cutoff_hours, 'next_occurred_at')) }} as next_cutoff_date,

        -- timestamps
        occurred_at

    from numbered

)

select * from final
