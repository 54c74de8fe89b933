-- The run's cleaned events in order, cut into sessions and plays (SPEC section 3), with the
-- seconds each event contributes as the first event of a counted interval. This is the one
-- sorted pass over the window; int_plays and int_child_book_days both read it.
-- Rebuilt on every run for the run's window only (a scratch table, not history).
{{
    config(
        unlogged=true,
        pre_hook="{{ storytime.tune_ordered_pass() }}",
    )
}}
{%- set timeout_seconds = var('session_timeout_minutes') * 60 -%}
{%- set cap_seconds = var('heartbeat_cap_seconds') -%}
{%- set cutoff_hours = var('play_cutoff_hours_next_day') %}

with events as (

    select * from {{ ref('int_usage_events_cleaned') }}

),

neighbours as (

    select
        *,
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

gaps as (

    select
        *,
        {{ storytime.seconds_between('previous_occurred_at', 'occurred_at') }} as seconds_since_previous,
        {{ storytime.seconds_between('occurred_at', 'next_occurred_at') }} as seconds_to_next
    from neighbours

),

flagged as (

    select
        *,
        case
            when previous_occurred_at is null then 1
            when seconds_since_previous > {{ timeout_seconds }} then 1
            else 0
        end as is_session_start,
        case
            when next_occurred_at is null then 0
            when not counts_watch_time then 0
            when seconds_to_next > {{ timeout_seconds }} then 0
            when seconds_to_next > {{ cap_seconds }} then {{ cap_seconds }}
            else seconds_to_next
        end as interval_seconds
    from gaps

),

play_starts as (

    select
        *,
        case
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
        sum(is_play_start) over running_order as play_number,
        max(case when is_play_start = 1 then occurred_at end) over running_order as play_start_at
    from play_starts
    window running_order as (
        partition by child_profile_id, book_id
        order by occurred_at, type_rank, usage_event_id
        rows between unbounded preceding and current row
    )

),

dated as (

    select
        *,
        {{ storytime.utc_date('play_start_at') }} as play_date
    from numbered

),

cut as (

    -- before the cut-off: occurred_at < play_date + 1 day + cutoff hours, i.e. its UTC
    -- date after moving back by the cutoff hours is at most the play's date
    select
        *,
        case
            when {{ storytime.utc_date(dbt.dateadd('hour', -cutoff_hours, 'occurred_at')) }} <= play_date then 1
            else 0
        end as is_before_play_cutoff,
        case
            when next_occurred_at is null then 0
            when {{ storytime.utc_date(dbt.dateadd('hour', -cutoff_hours, 'next_occurred_at')) }} <= play_date then 1
            else 0
        end as is_next_before_play_cutoff
    from dated

),

final as (

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
        is_before_play_cutoff,
        is_next_before_play_cutoff,

        -- dates
        event_date,
        play_date,

        -- timestamps
        occurred_at,
        play_start_at

    from cut

)

select * from final
