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

day_offsets as (

    {{ dbt.generate_series(30) }}

),

calendar as (

    select
        cast({{ dbt.dateadd('day', '1 - cast(day_offsets.generated_number as integer)', 'dates.as_of_date') }} as date)
            as metric_date
    from day_offsets
    cross join dates
    where dates.as_of_date is not null

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
