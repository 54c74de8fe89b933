-- Asserts: on every day of daily_child_lifecycle, new + returning + resurrecting children
-- = active children = the platform's unique children (daily_platform_metrics), and every
-- processed day has a lifecycle row. Returns the days where it does not hold.
with lifecycle as (

    select * from {{ ref('daily_child_lifecycle') }}

),

platform_days as (

    select * from {{ ref('daily_platform_metrics') }}

),

compared as (

    select
        platform_days.metric_date,
        platform_days.unique_children,
        lifecycle.active_children,
        lifecycle.new_children + lifecycle.returning_children + lifecycle.resurrecting_children
            as split_children
    from platform_days
    left join lifecycle
        on platform_days.metric_date = lifecycle.metric_date

)

select *
from compared
where
    active_children is null
    or active_children != unique_children
    or split_children != active_children
