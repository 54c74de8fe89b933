-- Per document scope (the platform, scope_id 0, a publisher or a book), child and month:
-- the days of the month the child was active in the scope, as a bit mask (bit d - 1 for
-- day d). The range functions count the children distinct over any dates from it by
-- reading one row per child and month instead of one per child, book and day
-- (macros/operations/create_rule_functions.sql).
-- A run updates the rows its processed days change, reading only those days: each changed
-- child and scope (active on a processed day, now or before the run) gets its months from
-- the first processed month on again, with the processed days' bits replaced in their
-- masks, and their previous active days carried from the months before. A night costs its
-- own days and the current month's rows of the children it saw, not the whole month or
-- the history. On Spark rebuilt whole (replace_months_config). PER-CHILD DATA:
-- analytics_reader only.
{{
    config(
        indexes=[
            {'columns': ['scope_kind', 'scope_id', 'month_start', 'active_days_mask', 'previous_active_date']},
            {'columns': ['child_profile_id', 'scope_kind', 'scope_id', 'month_start']},
        ],
        **storytime.replace_months_config(
            'month_start',
            key_columns=['scope_kind', 'scope_id', 'child_profile_id'],
            days_mask='active_days_mask',
        ),
    )
}}

{#- (the first processed month comes from the touched dates of int_touched_plays) -#}
{%- set first_month = storytime.first_processed_month() %}
{%- set updates_months = is_incremental() and first_month is not none %}
{{- storytime.require_column('last_active_date') }}
{%- if updates_months %}
{{- storytime.ensure_index(['child_profile_id', 'scope_kind', 'scope_id', 'month_start']) }}
{%- endif %}

with child_days as (

    select * from {{ ref('child_book_activity_days') }}
    where has_events and {{ storytime.in_processing_range('activity_date') if updates_months else 'true' }}

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

day_masks as (

    select
        scope_kind,
        scope_id,
        child_profile_id,
        month_start,
        -- the days are distinct (scoped_days), so the sum is a bitwise or
        cast(sum(power(2, {{ dbt.datediff('month_start', 'activity_date', 'day') }})) as bigint) as active_days_mask,
        max(activity_date) as last_active_date
    from month_days
    group by scope_kind, scope_id, child_profile_id, month_start

),

{%- if updates_months %}

stored_months as (

    -- the rows the previous runs left, from the first processed month on
    select * from {{ this }}
    where {{ storytime.in_processed_months('month_start') }}

),

changed_pairs as (

    -- active on a processed day now, or before this run
    select
        scope_kind,
        scope_id,
        child_profile_id
    from day_masks
    union
    select
        scope_kind,
        scope_id,
        child_profile_id
    from stored_months
    where {{ storytime.has_processed_days('active_days_mask', 'month_start') }}

),

stored_changed_months as (

    select stored_months.*
    from stored_months
    inner join changed_pairs
        on
            stored_months.scope_kind = changed_pairs.scope_kind
            and stored_months.scope_id = changed_pairs.scope_id
            and stored_months.child_profile_id = changed_pairs.child_profile_id

),

updated_masks as (

    -- the stored mask without its processed days, plus those days as they are now
    select
        coalesce(stored_changed_months.scope_kind, day_masks.scope_kind) as scope_kind,
        coalesce(stored_changed_months.scope_id, day_masks.scope_id) as scope_id,
        coalesce(stored_changed_months.child_profile_id, day_masks.child_profile_id) as child_profile_id,
        coalesce(stored_changed_months.month_start, day_masks.month_start) as month_start,
        -- (the new days are processed days, which the stored mask no longer has: a sum is an or)
        coalesce(stored_changed_months.active_days_mask, 0)
        - (
            coalesce(stored_changed_months.active_days_mask, 0)
            & {{ storytime.processed_days_mask('coalesce(stored_changed_months.month_start, day_masks.month_start)') }}
        )
        + coalesce(day_masks.active_days_mask, 0) as active_days_mask
    from stored_changed_months
    full outer join day_masks
        on
            stored_changed_months.scope_kind = day_masks.scope_kind
            and stored_changed_months.scope_id = day_masks.scope_id
            and stored_changed_months.child_profile_id = day_masks.child_profile_id
            and stored_changed_months.month_start = day_masks.month_start

),

month_masks as (

    select
        scope_kind,
        scope_id,
        child_profile_id,
        month_start,
        active_days_mask,
        cast({{ dbt.dateadd('day', storytime.highest_set_bit('active_days_mask'), 'month_start') }} as date)
            as last_active_date
    from updated_masks
    -- a month whose every active day was processed and is gone has no row
    where active_days_mask <> 0

),

ranked_stored_months as (

    select
        scope_kind,
        scope_id,
        child_profile_id,
        previous_active_date,
        row_number() over (
            partition by scope_kind, scope_id, child_profile_id
            order by month_start
        ) as month_rank
    from stored_changed_months

),

carried_activity as (

    -- the earliest stored month of a pair from the first processed month on holds its last
    -- active day before that month (the months before it are not replaced)
    select
        scope_kind,
        scope_id,
        child_profile_id,
        previous_active_date as last_active_date
    from ranked_stored_months
    where month_rank = 1

),

looked_up_activity as (

    -- a pair with no stored month from the first processed month on: its last active day
    -- before, through the (child_profile_id, scope_kind, scope_id, month_start) index
    select
        changed_pairs.scope_kind,
        changed_pairs.scope_id,
        changed_pairs.child_profile_id,
        earlier_month.last_active_date
    from changed_pairs
    cross join lateral (
        select max(stored.last_active_date) as last_active_date
        from {{ this }} as stored
        where
            stored.child_profile_id = changed_pairs.child_profile_id
            and stored.scope_kind = changed_pairs.scope_kind
            and stored.scope_id = changed_pairs.scope_id
            and stored.month_start < {{ storytime.date_literal(first_month) }}
    ) as earlier_month
    where not exists (
        select 1
        from carried_activity
        where
            carried_activity.scope_kind = changed_pairs.scope_kind
            and carried_activity.scope_id = changed_pairs.scope_id
            and carried_activity.child_profile_id = changed_pairs.child_profile_id
    )

),

earlier_activity as (

    select * from carried_activity
    union all
    select * from looked_up_activity

),
{%- else %}

month_masks as (

    select * from day_masks

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
        {%- if updates_months %}
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
        month_masks.active_days_mask

    from month_masks
    {%- if updates_months %}
    left join earlier_activity
        on
            month_masks.scope_kind = earlier_activity.scope_kind
            and month_masks.scope_id = earlier_activity.scope_id
            and month_masks.child_profile_id = earlier_activity.child_profile_id
    {%- endif %}

)

select * from final
