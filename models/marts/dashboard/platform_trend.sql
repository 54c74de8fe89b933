-- The overview's sparkline: the platform's minutes and children on each of the 14 days up
-- to "today" (the last 7 days and the 7 before, which the trend percentage compares),
-- zeros for a day without a processed row.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

platform_days as (

    select * from {{ ref('daily_platform_metrics') }}

),

calendar as (

    {{ storytime.days_up_to('dates', 14) }}

),

final as (

    select
        -- dates
        calendar.metric_date,

        -- strings
        case when calendar.days_before_today < 7 then 'last_7_days' else 'previous_7_days' end
            as trend_window,

        -- numerics
        cast(calendar.days_before_today as integer) as days_before_today,
        cast(coalesce(platform_days.total_minutes_watched, 0) as numeric(12, 2)) as total_minutes_watched,
        cast(coalesce(platform_days.unique_children, 0) as integer) as unique_children

    from calendar
    left join platform_days
        on calendar.metric_date = platform_days.metric_date

)

select * from final
