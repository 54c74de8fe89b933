-- The dashboard's lifecycle card: the children's lifecycle (daily_child_lifecycle) on each
-- of the 14 days up to "today": today's split (new, returning, resurrecting) and dormant,
-- the 7- and 28-day actives and stickiness; zeros for a day without a lifecycle row.
with dates as (

    select * from {{ ref('dashboard_dates') }}

),

lifecycle_days as (

    select * from {{ ref('daily_child_lifecycle') }}

),

calendar as (

    {{ storytime.days_up_to('dates', 14) }}

),

final as (

    select
        -- dates
        calendar.metric_date,

        -- numerics
        cast(calendar.days_before_today as integer) as days_before_today,
        cast(coalesce(lifecycle_days.active_children, 0) as integer) as active_children,
        cast(coalesce(lifecycle_days.new_children, 0) as integer) as new_children,
        cast(coalesce(lifecycle_days.returning_children, 0) as integer) as returning_children,
        cast(coalesce(lifecycle_days.resurrecting_children, 0) as integer) as resurrecting_children,
        cast(coalesce(lifecycle_days.dormant_children, 0) as integer) as dormant_children,
        cast(coalesce(lifecycle_days.active_children_7d, 0) as integer) as active_children_7d,
        cast(coalesce(lifecycle_days.active_children_28d, 0) as integer) as active_children_28d,
        lifecycle_days.stickiness

    from calendar
    left join lifecycle_days
        on calendar.metric_date = lifecycle_days.metric_date

)

select * from final
