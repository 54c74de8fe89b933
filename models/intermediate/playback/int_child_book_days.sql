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
        on_schema_change='append_new_columns',
        **storytime.replace_dates_config('activity_date', touched_keys=true),
    )
}}

with segments as (

    select * from {{ ref('int_play_segments') }} as segments
    where {{ storytime.in_processed_plays('segments.event_date', 'segments') }}

),

final as (

    select
        -- ids
        child_profile_id,
        book_id,

        -- numerics
        cast(sum(play_start_count) as integer) as play_start_count,
        cast(sum(play_end_count) as integer) as play_end_count,
        cast(sum(event_count) as integer) as event_count,
        -- exact duplicates of the day's cleaned events (the reconciliation's duplicates)
        cast(sum(duplicate_count) as integer) as duplicate_events,
        sum(interval_seconds) as watched_seconds,
        max(highest_position_seconds) as highest_position_seconds,

        -- dates
        event_date as activity_date,

        -- timestamps
        max(last_event_at) as last_event_at

    from segments
    group by child_profile_id, book_id, event_date

)

select * from final
