-- The admin dashboard's overview cards (product spec 3.2), one row: today's minutes and
-- unique children, the 7-day trend (minutes of the last 7 days against the 7 before, as a
-- +/- percentage) and today's active books. "Today" is dashboard_dates.as_of_date.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

platform_days as (

    select * from {{ ref('daily_platform_metrics') }}

),

today as (

    select platform_days.*
    from platform_days
    inner join dates
        on platform_days.metric_date = dates.as_of_date

),

weeks as (

    select
        sum(
            case
                when platform_days.metric_date >= dates.last_7_days_start
                    then platform_days.total_minutes_watched
                else 0
            end
        ) as minutes_last_7_days,
        sum(
            case
                when platform_days.metric_date <= dates.previous_7_days_end
                    then platform_days.total_minutes_watched
                else 0
            end
        ) as minutes_previous_7_days
    from platform_days
    inner join dates
        on platform_days.metric_date between dates.previous_7_days_start and dates.as_of_date

),

final as (

    select
        -- dates
        dates.as_of_date,

        -- numerics
        cast(coalesce(today.total_minutes_watched, 0) as numeric(12, 2)) as minutes_watched_today,
        cast(coalesce(today.unique_children, 0) as integer) as unique_children_today,
        cast(coalesce(today.active_books, 0) as integer) as active_books_today,
        cast(coalesce(weeks.minutes_last_7_days, 0) as numeric(14, 2)) as minutes_last_7_days,
        cast(coalesce(weeks.minutes_previous_7_days, 0) as numeric(14, 2)) as minutes_previous_7_days,
        cast(
            case
                when weeks.minutes_previous_7_days > 0
                    then round(
                        100.0 * (weeks.minutes_last_7_days - weeks.minutes_previous_7_days)
                        / weeks.minutes_previous_7_days,
                        1
                    )
            end
            as numeric(8, 1)
        ) as trend_7_day_percent

    from dates
    left join today
        on dates.as_of_date = today.metric_date
    cross join weeks

)

select * from final
