-- The book panel's 30-day chart (product spec 3.3): minutes watched per book of the
-- catalogue on each of the 30 days up to "today", zeros for a day without activity.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

book_days as (

    select * from {{ ref('daily_book_metrics') }}

),

calendar as (

    {{ storytime.days_up_to('dates', 30) }}

),

final as (

    select
        -- ids
        books.book_id,

        -- dates
        calendar.metric_date,

        -- numerics
        cast(coalesce(book_days.total_minutes_watched, 0) as numeric(10, 2)) as total_minutes_watched,
        cast(coalesce(book_days.total_plays, 0) as integer) as total_plays,
        cast(coalesce(book_days.completion_count, 0) as integer) as completion_count

    from books
    cross join calendar
    left join book_days
        on
            books.book_id = book_days.book_id
            and calendar.metric_date = book_days.metric_date

)

select * from final
