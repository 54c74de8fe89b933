-- The children's lifecycle per processed UTC day D (SPEC section 4), counts only: active on
-- D, split into new (first cleaned event ever), returning (also active on one of the 7
-- days before) and resurrecting (none of those 7 days, but some earlier day); dormant
-- (last activity exactly on D-7); distinct actives over D-6..D and D-27..D; stickiness.
-- A date depends on earlier dates, so a run recomputes every processed date from its
-- first one on (the dates of daily_platform_metrics), replacing them by key.
{{
    config(
        indexes=[{'columns': ['metric_date'], 'unique': true}],
        **storytime.replace_keys_config(['metric_date']),
    )
}}

with platform_days as (

    select * from {{ ref('daily_platform_metrics') }}
    where {{ storytime.from_processing_start('metric_date') }}

),

recent_child_book_days as (

    select * from {{ ref('int_child_book_days') }}
    where {{ storytime.from_processing_start('activity_date', 28) }}

),

all_child_book_days as (

    select * from {{ ref('int_child_book_days') }}

),

first_activity as (

    select
        child_profile_id,
        min(activity_date) as first_activity_date
    from all_child_book_days
    group by child_profile_id

),

child_days as (

    select distinct
        child_profile_id,
        activity_date
    from recent_child_book_days

),

sequenced_days as (

    -- previous / next active day of the child within the recent days (27 days before the
    -- first processed date are enough for every window below; earlier activity only
    -- matters through first_activity_date)
    select
        child_days.child_profile_id,
        child_days.activity_date,
        first_activity.first_activity_date,
        lag(child_days.activity_date) over (
            partition by child_days.child_profile_id order by child_days.activity_date
        ) as previous_activity_date,
        lead(child_days.activity_date) over (
            partition by child_days.child_profile_id order by child_days.activity_date
        ) as next_activity_date
    from child_days
    inner join first_activity
        on child_days.child_profile_id = first_activity.child_profile_id

),

days_in_windows as (

    -- each child day joins every processed date D whose 28-day window D-27..D holds it;
    -- it is the child's last activity up to D when the next one is after D (or none)
    select
        platform_days.metric_date,
        sequenced_days.activity_date,
        sequenced_days.first_activity_date,
        sequenced_days.previous_activity_date,
        sequenced_days.activity_date = platform_days.metric_date as is_active_on_date,
        (
            sequenced_days.next_activity_date is null
            or sequenced_days.next_activity_date > platform_days.metric_date
        ) as is_last_up_to_date,
        sequenced_days.activity_date >= {{ dbt.dateadd('day', -6, 'platform_days.metric_date') }}
            as is_in_7_days,
        sequenced_days.activity_date = {{ dbt.dateadd('day', -7, 'platform_days.metric_date') }}
            as is_7_days_before,
        sequenced_days.previous_activity_date >= {{ dbt.dateadd('day', -7, 'platform_days.metric_date') }}
            as was_active_in_7_days_before
    from platform_days
    inner join sequenced_days
        on
            platform_days.metric_date >= sequenced_days.activity_date
            and {{ dbt.dateadd('day', -27, 'platform_days.metric_date') }} <= sequenced_days.activity_date

),

lifecycle as (

    select
        metric_date,
        sum(case when is_active_on_date then 1 else 0 end) as active_children,
        sum(case when is_active_on_date and first_activity_date = metric_date then 1 else 0 end)
            as new_children,
        sum(case when is_active_on_date and was_active_in_7_days_before then 1 else 0 end)
            as returning_children,
        sum(
            case
                when
                    is_active_on_date
                    and first_activity_date < metric_date
                    and (previous_activity_date is null or not was_active_in_7_days_before)
                    then 1
                else 0
            end
        ) as resurrecting_children,
        sum(case when is_7_days_before and is_last_up_to_date then 1 else 0 end) as dormant_children,
        sum(case when is_in_7_days and is_last_up_to_date then 1 else 0 end) as active_children_7d,
        sum(case when is_last_up_to_date then 1 else 0 end) as active_children_28d
    from days_in_windows
    group by metric_date

),

final as (

    select
        -- dates
        platform_days.metric_date,

        -- numerics
        cast(coalesce(lifecycle.active_children, 0) as integer) as active_children,
        cast(coalesce(lifecycle.new_children, 0) as integer) as new_children,
        cast(coalesce(lifecycle.returning_children, 0) as integer) as returning_children,
        cast(coalesce(lifecycle.resurrecting_children, 0) as integer) as resurrecting_children,
        cast(coalesce(lifecycle.dormant_children, 0) as integer) as dormant_children,
        cast(coalesce(lifecycle.active_children_7d, 0) as integer) as active_children_7d,
        cast(coalesce(lifecycle.active_children_28d, 0) as integer) as active_children_28d,
        cast(
            case
                when lifecycle.active_children_28d > 0
                    then 1.0 * lifecycle.active_children / lifecycle.active_children_28d
            end
            as numeric(5, 4)
        ) as stickiness,

        -- timestamps
        {{ dbt.current_timestamp() }} as created_at,
        {{ dbt.current_timestamp() }} as updated_at

    from platform_days
    left join lifecycle
        on platform_days.metric_date = lifecycle.metric_date

)

select * from final
