-- Per child, book and UTC day: the additive per-child figures the range documents need
-- (the JSON API and the usage report over any dates): the seconds of the counted intervals
-- that begin that day, and the known watch percentages of the plays begun that day (their
-- sum and count, so a range's mean is one division). The publisher is the book's on that
-- day. A compact copy of int_child_book_days / int_plays published with the marts, so the
-- range functions of create_rule_functions read only published relations. PER-CHILD:
-- analytics_reader only; the functions over it return counts.
{{
    config(
        indexes=[
            {'columns': ['activity_date', 'book_id']},
            {'columns': ['book_id', 'activity_date']},
            {'columns': ['publisher_id', 'activity_date']},
        ],
        **storytime.replace_dates_config('activity_date', touched_keys=true),
    )
}}

-- the processed plays' rows: the whole dates, and on the dates a daily run touched only
-- the touched pairs, replaced by key like int_child_book_days and int_plays themselves
with child_book_days as (

    select * from {{ ref('int_child_book_days') }} as child_book_days
    where {{ storytime.in_processed_plays('child_book_days.activity_date', 'child_book_days') }}

),

plays as (

    select * from {{ ref('int_plays') }} as plays
    where {{ storytime.in_processed_plays('plays.play_date', 'plays') }}

),

book_publishers as (

    select * from {{ ref('int_book_publishers') }}

),

event_days as (

    select
        child_profile_id,
        book_id,
        activity_date,
        sum(watched_seconds) as watched_seconds
    from child_book_days
    group by child_profile_id, book_id, activity_date

),

play_days as (

    select
        child_profile_id,
        book_id,
        play_date as activity_date,
        sum(watch_percentage) as watch_percentage_sum,
        count(watch_percentage) as plays_with_percentage
    from plays
    group by child_profile_id, book_id, play_date

),

child_days as (

    select
        coalesce(event_days.child_profile_id, play_days.child_profile_id) as child_profile_id,
        coalesce(event_days.book_id, play_days.book_id) as book_id,
        coalesce(event_days.activity_date, play_days.activity_date) as activity_date,
        coalesce(event_days.watched_seconds, 0) as watched_seconds,
        play_days.watch_percentage_sum,
        coalesce(play_days.plays_with_percentage, 0) as plays_with_percentage,
        event_days.child_profile_id is not null as has_events
    from event_days
    full outer join play_days
        on
            event_days.child_profile_id = play_days.child_profile_id
            and event_days.book_id = play_days.book_id
            and event_days.activity_date = play_days.activity_date

),

final as (

    select
        -- ids
        child_days.child_profile_id,
        child_days.book_id,
        book_publishers.publisher_id,

        -- dates
        child_days.activity_date,

        -- numerics
        child_days.watched_seconds,
        child_days.watch_percentage_sum,
        cast(child_days.plays_with_percentage as integer) as plays_with_percentage,

        -- booleans
        child_days.has_events

    from child_days
    left join book_publishers
        on
            child_days.book_id = book_publishers.book_id
            and {{ storytime.valid_on('book_publishers', 'child_days.activity_date') }}

)

select * from final
