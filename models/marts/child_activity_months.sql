-- Per document scope (the platform, scope_id 0, a publisher or a book), child and month:
-- the days of the month the child was active in the scope, as a bit mask (bit d - 1 for
-- day d). The range functions count the children distinct over any dates from it by
-- reading one row per child and month instead of one per child, book and day
-- (macros/operations/create_rule_functions.sql). Rebuilt whole by every run (a month's
-- mask changes when any of its days is reprocessed). PER-CHILD DATA: analytics_reader only.
{{
    config(
        materialized='table',
        indexes=[
            {'columns': ['scope_kind', 'scope_id', 'month_start', 'active_days_mask', 'previous_active_date']},
        ],
    )
}}

with child_days as (

    select * from {{ ref('child_book_activity_days') }}
    where has_events

),

scoped_days as (

    select
        'platform' as scope_kind,
        cast(0 as bigint) as scope_id,
        child_profile_id,
        activity_date
    from child_days
    union
    select
        'publishers' as scope_kind,
        publisher_id as scope_id,
        child_profile_id,
        activity_date
    from child_days
    where publisher_id is not null
    union
    select
        'books' as scope_kind,
        book_id as scope_id,
        child_profile_id,
        activity_date
    from child_days

),

month_days as (

    select
        scope_kind,
        scope_id,
        child_profile_id,
        activity_date,
        cast({{ dbt.date_trunc('month', 'activity_date') }} as date) as month_start
    from scoped_days

),

month_masks as (

    select
        scope_kind,
        scope_id,
        child_profile_id,
        month_start,
        -- the days are distinct (scoped_days), so the sum is a bitwise or
        sum(power(2, {{ dbt.datediff('month_start', 'activity_date', 'day') }})) as active_days_mask,
        max(activity_date) as last_active_date
    from month_days
    group by scope_kind, scope_id, child_profile_id, month_start

),

final as (

    select
        -- ids
        cast(scope_kind as {{ dbt.type_string() }}) as scope_kind,
        scope_id,
        child_profile_id,

        -- dates
        month_start,
        -- the child's last active day in the scope before this month: a range counts the
        -- child in the first of its months whose mask meets it
        lag(last_active_date) over (
            partition by scope_kind, scope_id, child_profile_id order by month_start
        ) as previous_active_date,

        -- numerics
        cast(active_days_mask as bigint) as active_days_mask

    from month_masks

)

select * from final
