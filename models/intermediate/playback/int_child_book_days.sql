-- One row per child, book and UTC day with at least one cleaned event: what happened on
-- that day by event date (SPEC section 4): play starts and ends, the seconds of the counted
-- intervals that begin that day, last activity and highest position. The all-time child
-- histories are re-derived from these rows, never by adding deltas.
{{
    config(
        materialized='incremental',
        indexes=[
            {'columns': ['activity_date']},
            {'columns': ['child_profile_id', 'book_id']},
        ],
        **storytime.replace_dates_config('activity_date'),
    )
}}

with events as (

    select * from {{ ref('int_usage_events_sessionized') }}
    where {{ storytime.in_processing_range('event_date') }}

),

final as (

    select
        -- ids
        child_profile_id,
        book_id,

        -- numerics
        cast(sum(case when event_type = 'play_start' then 1 else 0 end) as integer) as play_start_count,
        cast(sum(case when event_type = 'play_end' then 1 else 0 end) as integer) as play_end_count,
        cast(count(*) as integer) as event_count,
        sum(interval_seconds) as watched_seconds,
        max(position_seconds) as highest_position_seconds,

        -- dates
        event_date as activity_date,

        -- timestamps
        max(occurred_at) as last_event_at

    from events
    group by child_profile_id, book_id, event_date

)

select * from final
