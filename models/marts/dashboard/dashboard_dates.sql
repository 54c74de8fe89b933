-- The dashboards' calendar, one row: "today" is the latest processed date (the highest
-- metric_date of daily_platform_metrics), and the windows every widget counts from it.
-- Null dates while nothing has been processed.
with platform_days as (

    select * from {{ ref('daily_platform_metrics') }}

),

latest as (

    select max(metric_date) as as_of_date
    from platform_days

),

final as (

    select
        -- dates
        as_of_date,
        cast({{ dbt.dateadd('day', -6, 'as_of_date') }} as date) as last_7_days_start,
        cast({{ dbt.dateadd('day', -13, 'as_of_date') }} as date) as previous_7_days_start,
        cast({{ dbt.dateadd('day', -7, 'as_of_date') }} as date) as previous_7_days_end,
        cast({{ dbt.dateadd('day', -29, 'as_of_date') }} as date) as last_30_days_start

    from latest

)

select * from final
