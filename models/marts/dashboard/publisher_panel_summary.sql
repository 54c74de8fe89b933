-- The publisher analytics panel's figures (product spec 3.4), one row per publisher: minutes
-- watched and completions across its books, all time and in the 30 days up to "today".
-- A book counts for the publisher it had on each day (daily_book_metrics). Minutes are sums
-- of the daily book figures (each rounded once), so they can differ from an exact range
-- total by a few hundredths. PUBLISHER-FACING: aggregates only.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

publishers as (

    select * from {{ ref('stg_app__publishers') }}

),

book_days as (

    select * from {{ ref('daily_book_metrics') }}

),

publisher_totals as (

    select
        book_days.publisher_id,
        sum(book_days.total_minutes_watched) as total_minutes_watched,
        sum(
            case
                when book_days.metric_date >= dates.last_30_days_start
                    then book_days.total_minutes_watched
                else 0
            end
        ) as minutes_last_30_days,
        sum(book_days.completion_count) as completion_count,
        sum(
            case
                when book_days.metric_date >= dates.last_30_days_start
                    then book_days.completion_count
                else 0
            end
        ) as completions_last_30_days,
        sum(book_days.total_plays) as total_plays,
        count(distinct book_days.book_id) as books_watched
    from book_days
    cross join dates
    where book_days.publisher_id is not null
    group by book_days.publisher_id

),

final as (

    select
        -- ids
        publishers.publisher_id,

        -- strings
        publishers.publisher_name,

        -- numerics
        cast(coalesce(publisher_totals.total_minutes_watched, 0) as numeric(14, 2)) as total_minutes_watched,
        cast(coalesce(publisher_totals.minutes_last_30_days, 0) as numeric(14, 2)) as minutes_last_30_days,
        cast(coalesce(publisher_totals.completion_count, 0) as integer) as completion_count,
        cast(coalesce(publisher_totals.completions_last_30_days, 0) as integer) as completions_last_30_days,
        cast(coalesce(publisher_totals.total_plays, 0) as integer) as total_plays,
        cast(coalesce(publisher_totals.books_watched, 0) as integer) as books_watched,

        -- dates
        dates.as_of_date

    from publishers
    cross join dates
    left join publisher_totals
        on publishers.publisher_id = publisher_totals.publisher_id

)

select * from final
