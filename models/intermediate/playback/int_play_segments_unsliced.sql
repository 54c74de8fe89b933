-- The one sorted pass over the run's window: the sessionized events folded to one row per
-- child, book, play, event day and cut-off day (a play crossing midnight or 06:00 UTC has
-- two or three). About one row per play instead of ~14 per play: int_plays and
-- int_child_book_days are both sums of these rows, so the events are sorted once and
-- never written out.
-- Ephemeral: each slice model (int_play_segments_slice_<k>) selects its children from it,
-- and PostgreSQL pushes that filter on child_profile_id down through the group, the
-- windows (all partitioned by child) and the joins to the scan of the events, so a slice
-- reads, sorts and groups only its own children (macros/rules/ordered_pass_slices.sql).
{{ config(materialized='ephemeral') }}

with events as (

    select * from {{ ref('int_usage_events_sessionized') }}

),

final as (

    select
        -- ids
        child_profile_id,
        book_id,
        play_number,
        max(case when is_play_start = 1 then usage_event_id end) as first_usage_event_id,

        -- numerics (an exact duplicate counts only in duplicate_count and, carrying its
        -- first copy's interval when it follows it, in the interval sums)
        cast(sum(1 - is_duplicate) as integer) as event_count,
        cast(sum(is_duplicate) as integer) as duplicate_count,
        cast(sum(case when event_type = 'play_start' then 1 - is_duplicate else 0 end) as integer)
            as play_start_count,
        cast(sum(case when event_type = 'play_end' then 1 - is_duplicate else 0 end) as integer)
            as play_end_count,
        sum(interval_seconds) as interval_seconds,
        -- the part of it whose interval ends before the next cut-off day begins
        sum(
            case when next_cutoff_date = cutoff_date then interval_seconds else 0 end
        ) as interval_seconds_within_cutoff_day,
        max(case when is_duplicate = 0 then position_seconds end) as highest_position_seconds,
        -- the last known position with its place in event order, packed into one number
        -- (sequence * 2^32 + position) so that a plain max() finds it here and in int_plays
        max(
            case
                when position_seconds is not null and is_duplicate = 0
                    then event_sequence * {{ storytime.position_packing_base() }} + position_seconds
            end
        ) as last_position_key,

        -- booleans
        max(is_session_start) as starts_session,

        -- dates
        event_date,
        cutoff_date,

        -- timestamps
        min(occurred_at) as first_event_at,
        max(occurred_at) as last_event_at

    from events
    group by child_profile_id, book_id, play_number, event_date, cutoff_date

)

select * from final
