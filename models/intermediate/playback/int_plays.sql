-- One row per play (SPEC section 3) for the processed plays (every pair on the whole dates,
-- the touched pairs on the dates a daily run touched), with its facts computed
-- from its events before the cut-off (06:00 UTC the day after it began), summed from the
-- play's segments. Everything per play downstream (completions, percentages, drop-off,
-- bands, views) reads this table.
-- Indexes: play_date (the runs' date filters) and the child-book pair (the histories
-- re-derive the touched pairs). No book_id index: the per-book all-time marts read all of
-- a touched book's plays, and nearly every book is touched every day, so it was never
-- used, while keeping it up cost ~2 s per 600 k inserted plays (make bench).
{{
    config(
        materialized='incremental',
        indexes=[
            {'columns': ['play_date']},
            {'columns': ['child_profile_id', 'book_id']},
        ],
        **storytime.replace_dates_config('play_date', touched_keys=true),
    )
}}

with segments as (

    select * from {{ ref('int_play_segments') }}

),

book_durations as (

    select * from {{ ref('int_book_durations') }}

),

duration_bands as (

    select * from {{ ref('duration_bands') }}

),

dated_segments as (

    select
        *,
        {{ storytime.utc_date('min(first_event_at) over (partition by child_profile_id, book_id, play_number)') }}
            as play_date
    from segments

),

plays as (

    -- a segment is before the play's cut-off when its cutoff_date is at most the play's
    -- date; an interval counts when its next event is too: within the segment's cut-off
    -- day, or, crossing into the next one, when that next day is still at most the play's
    select
        child_profile_id,
        book_id,
        play_number,
        max(first_usage_event_id) as first_usage_event_id,
        min(first_event_at) as play_start_at,
        min(play_date) as play_date,
        max(starts_session) as starts_session,
        sum(event_count) as event_count,
        sum(
            case
                when cutoff_date < play_date then interval_seconds
                when cutoff_date = play_date then interval_seconds_within_cutoff_day
                else 0
            end
        ) as watch_seconds,
        max(case when cutoff_date <= play_date then highest_position_seconds end) as max_position_seconds,
        {{ storytime.unpack_position('max(case when cutoff_date <= play_date then last_position_key end)') }}
            as final_position_seconds
    from dated_segments
    where {{ storytime.in_processed_plays('play_date', 'dated_segments') }}
    group by child_profile_id, book_id, play_number

),

with_duration as (

    select
        plays.*,
        book_durations.duration_seconds
    from plays
    left join book_durations
        on
            plays.book_id = book_durations.book_id
            and {{ storytime.valid_on('book_durations', 'plays.play_date') }}

),

measured as (

    select
        *,
        case
            when duration_seconds is null or max_position_seconds is null then false
            else max_position_seconds >= {{ var('completion_threshold') }} * duration_seconds
        end as is_complete,
        case
            when duration_seconds is null or max_position_seconds is null then null
            when max_position_seconds >= duration_seconds then cast(100 as {{ dbt.type_numeric() }})
            else 100 * cast(max_position_seconds as {{ dbt.type_numeric() }}) / duration_seconds
        end as watch_percentage,
        case
            when duration_seconds is null or final_position_seconds is null then null
            when final_position_seconds >= duration_seconds then 100
            else 10 * floor(10 * cast(final_position_seconds as {{ dbt.type_numeric() }}) / duration_seconds)
        end as dropoff_bucket_percent
    from with_duration

),

banded as (

    select
        measured.*,
        duration_bands.duration_band
    from measured
    inner join duration_bands
        on
            (measured.is_complete and duration_bands.duration_band = 'full_video')
            or (
                not measured.is_complete
                and duration_bands.duration_band != 'full_video'
                and measured.watch_seconds >= duration_bands.min_watch_seconds
                and (
                    duration_bands.max_watch_seconds is null
                    or measured.watch_seconds < duration_bands.max_watch_seconds
                )
            )

),

final as (

    select
        -- ids
        child_profile_id,
        book_id,
        first_usage_event_id,

        -- strings
        duration_band,

        -- numerics
        cast(event_count as integer) as event_count,
        watch_seconds,
        max_position_seconds,
        final_position_seconds,
        duration_seconds,
        watch_percentage,
        cast(dropoff_bucket_percent as integer) as dropoff_bucket_percent,

        -- booleans
        starts_session = 1 as starts_session,
        is_complete,
        (watch_seconds >= {{ var('min_valid_play_seconds') }} or is_complete) as is_valid,

        -- dates
        play_date,

        -- timestamps
        play_start_at

    from banded

)

select * from final
