-- The admin dashboard's engagement alerts (product spec 3.2), one row per book and alert
-- over the 30 days up to "today": `no_plays_30_days` (no play began in the window; every
-- book of the catalogue, including books never played), `duration_unknown` (plays began
-- on a day the book had no known duration: their completion is unknown, and an admin can
-- fix the video asset) and `low_completion_rate` (at least var('dashboard_min_plays')
-- plays of known duration and a completion rate, macro completion_rate, below
-- var('low_completion_rate')). A book can have duration_unknown and low_completion_rate
-- together when only some of its days lacked a duration.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

publishers as (

    select * from {{ ref('stg_app__publishers') }}

),

windows as (

    select * from {{ ref('book_activity_windows') }}

),

book_days as (

    select * from {{ ref('daily_book_metrics') }}

),

last_30_days as (

    select *
    from windows
    where window_days = 30

),

last_plays as (

    select
        book_id,
        max(metric_date) as last_play_date
    from book_days
    where total_plays > 0
    group by book_id

),

book_status as (

    select
        books.book_id,
        books.publisher_id,
        books.title,
        publishers.publisher_name,
        last_plays.last_play_date,
        coalesce(last_30_days.total_plays, 0) as total_plays,
        coalesce(last_30_days.plays_with_duration, 0) as plays_with_duration,
        coalesce(last_30_days.completion_count, 0) as completion_count,
        last_30_days.completion_rate,
        dates.last_30_days_start as window_start_date,
        dates.as_of_date as window_end_date
    from books
    cross join dates
    left join publishers
        on books.publisher_id = publishers.publisher_id
    left join last_30_days
        on books.book_id = last_30_days.book_id
    left join last_plays
        on books.book_id = last_plays.book_id
    where dates.as_of_date is not null

),

alerts as (

    select
        book_status.*,
        'no_plays_30_days' as alert_type
    from book_status
    where book_status.total_plays = 0

    union all

    select
        book_status.*,
        'duration_unknown' as alert_type
    from book_status
    where book_status.plays_with_duration < book_status.total_plays

    union all

    select
        book_status.*,
        'low_completion_rate' as alert_type
    from book_status
    where
        book_status.plays_with_duration >= {{ var('dashboard_min_plays') }}
        and book_status.completion_rate < {{ var('low_completion_rate') }}

),

final as (

    select
        -- ids
        book_id,
        publisher_id,

        -- strings
        alert_type,
        title,
        publisher_name,

        -- numerics
        cast(total_plays as integer) as total_plays,
        cast(plays_with_duration as integer) as plays_with_duration,
        cast(completion_count as integer) as completion_count,
        completion_rate,

        -- dates
        last_play_date,
        window_start_date,
        window_end_date

    from alerts

)

select * from final
