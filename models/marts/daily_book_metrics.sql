-- Per book and UTC day (SPEC section 4): play starts/ends and unique children by event
-- day, minutes by the day each counted interval begins, sessions by their first event's
-- day, plays and their outcomes by the play's start day. One row per book with at least
-- one cleaned event that day; publisher as of that day.
{{
    config(
        indexes=[
            {'columns': ['book_id', 'metric_date'], 'unique': true},
            {'columns': ['publisher_id', 'metric_date']},
            {'columns': ['metric_date']},
        ],
        **storytime.replace_dates_config('metric_date'),
    )
}}
{{- storytime.require_column('watched_seconds') }}

with child_book_days as (

    select * from {{ ref('int_child_book_days') }}
    where {{ storytime.in_processing_range('activity_date') }}

),

plays as (

    select * from {{ ref('int_plays') }}
    where {{ storytime.in_processing_range('play_date') }}

),

book_publishers as (

    select * from {{ ref('int_book_publishers') }}

),

event_totals as (

    select
        book_id,
        activity_date as metric_date,
        sum(play_start_count) as total_play_starts,
        sum(play_end_count) as total_play_ends,
        sum(watched_seconds) as watched_seconds,
        count(*) as unique_children
    from child_book_days
    group by book_id, activity_date

),

play_totals as (

    select
        book_id,
        play_date as metric_date,
        count(*) as total_plays,
        sum(case when starts_session then 1 else 0 end) as total_sessions,
        sum(case when is_complete then 1 else 0 end) as completion_count,
        sum(case when duration_seconds is not null then 1 else 0 end) as plays_with_duration,
        sum(case when is_valid then 1 else 0 end) as valid_plays,
        {{ storytime.mean_percentage('watch_percentage') }} as average_watch_percentage
    from plays
    group by book_id, play_date

),

final as (

    select
        -- ids
        event_totals.book_id,
        book_publishers.publisher_id,

        -- dates
        event_totals.metric_date,

        -- numerics
        cast(event_totals.total_play_starts as integer) as total_play_starts,
        cast(event_totals.total_play_ends as integer) as total_play_ends,
        {{ storytime.minutes_from_seconds('event_totals.watched_seconds', 10) }} as total_minutes_watched,
        -- exact: the all-time and multi-day figures sum these and round once
        cast(event_totals.watched_seconds as {{ dbt.type_numeric() }}) as watched_seconds,
        cast(event_totals.unique_children as integer) as unique_children,
        cast(coalesce(play_totals.completion_count, 0) as integer) as completion_count,
        play_totals.average_watch_percentage,
        cast(coalesce(play_totals.total_sessions, 0) as integer) as total_sessions,
        cast(coalesce(play_totals.total_plays, 0) as integer) as total_plays,
        cast(coalesce(play_totals.plays_with_duration, 0) as integer) as plays_with_duration,
        cast(coalesce(play_totals.valid_plays, 0) as integer) as valid_plays,

        -- timestamps
        {{ dbt.current_timestamp() }} as created_at,
        {{ dbt.current_timestamp() }} as updated_at

    from event_totals
    left join play_totals
        on
            event_totals.book_id = play_totals.book_id
            and event_totals.metric_date = play_totals.metric_date
    left join book_publishers
        on
            event_totals.book_id = book_publishers.book_id
            and {{ storytime.valid_on('book_publishers', 'event_totals.metric_date') }}

)

select * from final
