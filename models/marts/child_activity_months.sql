-- Per document scope (the platform, scope_id 0, a publisher or a book), child and month:
-- the days of the month the child was active in the scope, as a bit mask (bit d - 1 for
-- day d). The range functions count the children distinct over any dates from it by
-- reading one row per child and month instead of one per child, book and day
-- (macros/operations/create_rule_functions.sql). A run replaces the months from its first
-- processed month on (a month's mask changes when any of its days is reprocessed, and a
-- month's previous active day follows the months before it), reading only those months'
-- days: a night costs the current month, not the whole history. The months before keep
-- their rows; their last active days carry into the first replaced month. On Spark
-- rebuilt whole (replace_months_config). PER-CHILD DATA: analytics_reader only.
{{
    config(
        indexes=[
            {'columns': ['scope_kind', 'scope_id', 'month_start', 'active_days_mask', 'previous_active_date']},
        ],
        **storytime.replace_months_config('month_start'),
    )
}}

{#- (the first processed month comes from the touched dates of int_touched_plays) -#}
{%- set first_month = storytime.first_processed_month() %}
{%- set replaces_months = is_incremental() and first_month is not none %}
{{- storytime.require_column('last_active_date') }}

with child_days as (

    select * from {{ ref('child_book_activity_days') }}
    where has_events and {{ storytime.in_processed_months('activity_date') if replaces_months else 'true' }}

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

{%- if replaces_months %}

earlier_months as (

    -- the months before the replaced ones, as the previous runs left them
    select * from {{ this }}
    where not ({{ storytime.in_processed_months('month_start') }})

),

earlier_activity as (

    select
        scope_kind,
        scope_id,
        child_profile_id,
        max(last_active_date) as last_active_date
    from earlier_months
    group by scope_kind, scope_id, child_profile_id

),
{%- endif %}

final as (

    select
        -- ids
        cast(month_masks.scope_kind as {{ dbt.type_string() }}) as scope_kind,
        month_masks.scope_id,
        month_masks.child_profile_id,

        -- dates
        month_masks.month_start,
        -- the child's last active day in the scope before this month: a range counts the
        -- child in the first of its months whose mask meets it
        {%- if replaces_months %}
        coalesce(
            lag(month_masks.last_active_date) over (
                partition by month_masks.scope_kind, month_masks.scope_id, month_masks.child_profile_id
                order by month_masks.month_start
            ),
            earlier_activity.last_active_date
        ) as previous_active_date,
        {%- else %}
        lag(month_masks.last_active_date) over (
            partition by month_masks.scope_kind, month_masks.scope_id, month_masks.child_profile_id
            order by month_masks.month_start
        ) as previous_active_date,
        {%- endif %}
        month_masks.last_active_date,

        -- numerics
        cast(month_masks.active_days_mask as bigint) as active_days_mask

    from month_masks
    {%- if replaces_months %}
    left join earlier_activity
        on
            month_masks.scope_kind = earlier_activity.scope_kind
            and month_masks.scope_id = earlier_activity.scope_id
            and month_masks.child_profile_id = earlier_activity.child_profile_id
    {%- endif %}

)

select * from final
