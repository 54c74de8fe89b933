-- Per document scope (the platform, scope_id 0, a publisher or a book), child and month:
-- the days of the month the child was active in the scope, as a bit mask (bit d - 1 for
-- day d). The range functions count the children distinct over any dates from it by
-- reading one row per child and month instead of one per child, book and day
-- (macros/operations/create_rule_functions.sql).
-- A run updates the rows its recomputed days change, reading only those days (the whole
-- dates, and each touched child's earlier days on which some of its plays were
-- recomputed): each child and scope active on one of them, now or before the run, gets its
-- months from the first processed month on again, those days' bits replaced in the stored
-- masks, and its previous active day carried from the months before; a month left with no
-- day comes back with an empty mask, which the strategy does not insert. The strategy
-- records these keys for the publish and the tests (macros/rules/changed_month_keys.sql).
-- A night costs its days and the current month's rows, not the whole month's days or the
-- history; when they are all in one month and no later month is stored (a steady night,
-- storytime.changes_one_month), each changed key has one row to update, joined to its
-- recomputed days without the per-key facts and the window several months need. On Spark
-- rebuilt whole (replace_months_config). PER-CHILD DATA: analytics_reader only.
{{
    config(
        indexes=[
            {'columns': ['scope_kind', 'scope_id', 'month_start', 'active_days_mask', 'previous_active_date']},
            {'columns': ['child_profile_id', 'scope_kind', 'scope_id', 'month_start']},
        ],
        **storytime.replace_months_config(
            'month_start',
            key_columns=['child_profile_id', 'scope_kind', 'scope_id'],
            days_mask='active_days_mask',
        ),
    )
}}

{#- (the first processed month comes from the touched dates of int_touched_plays) -#}
{%- set first_month = storytime.first_processed_month() %}
{%- set updates_months = is_incremental() and first_month is not none %}
{#- (a steady night: its days and the stored rows all in one month) #}
{%- set one_month = updates_months and storytime.changes_one_month(this, first_month) %}
{{- storytime.require_column('last_active_date') }}
{%- if updates_months %}
{{- storytime.ensure_index(['child_profile_id', 'scope_kind', 'scope_id', 'month_start']) }}
{%- endif %}

with

{%- if updates_months %}

touched_plays as (

    -- the earlier days on which this run recomputed some plays of a child
    select * from {{ ref('int_touched_plays') }}
    where touch_kind = 'received'

),

touched_days_masks as (

    {{ storytime.touched_days_masks() }}

),
{%- endif %}

child_days as (

    select * from {{ ref('child_book_activity_days') }}
    where has_events and {{ storytime.in_date_range('activity_date') if updates_months else 'true' }}
    {%- if updates_months and storytime.touched_dates() %}
    union all
    -- every book of such a child on such a day (its other books count in its scopes too)
    select * from {{ ref('child_book_activity_days') }}
    where
        has_events
        and {{ storytime.in_dates('activity_date', storytime.touched_dates()) }}
        and not ({{ storytime.in_date_range('activity_date') }})
        and (child_profile_id, activity_date) in (select child_profile_id, touched_date from touched_plays)
    {%- endif %}

),

scoped_days as (

    -- a day may repeat (several books of a scope): bit_or and max ignore repeats
    select
        'platform' as scope_kind,
        cast(0 as bigint) as scope_id,
        child_profile_id,
        activity_date
    from child_days
    union all
    select
        'publishers' as scope_kind,
        publisher_id as scope_id,
        child_profile_id,
        activity_date
    from child_days
    where publisher_id is not null
    union all
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
        bit_or({{ storytime.day_bit('month_start', 'activity_date') }}) as active_days_mask,
        max(activity_date) as last_active_date
    from month_days
    group by scope_kind, scope_id, child_profile_id, month_start

),

{%- if updates_months %}

stored_months as (

    -- the rows the previous runs left from the first processed month on, with the days of
    -- each that this run recomputed: the whole dates, and its child's touched days
    select
        stored.*,
        {{ storytime.whole_days_mask('stored.month_start') }}
        | coalesce(touched_days_masks.touched_days_mask, 0) as recomputed_days_mask
    from {{ this }} as stored
    left join touched_days_masks
        on
            stored.child_profile_id = touched_days_masks.child_profile_id
            and stored.month_start = touched_days_masks.month_start
    where {{ storytime.in_processed_months('stored.month_start') }}

),

{%- if one_month %}

stored_changed_months as (

    -- each changed key has one month: its stored row, if any, is a candidate, which the
    -- update keeps when a day of it was recomputed or the key has a recomputed day now
    select * from stored_months

),
{%- else %}

changed_keys as (

    -- the keys active on a recomputed day now or before this run
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
    where (active_days_mask & recomputed_days_mask) <> 0

),

stored_changed_months as (

    select stored_months.*
    from stored_months
    inner join changed_keys
        on
            stored_months.scope_kind = changed_keys.scope_kind
            and stored_months.scope_id = changed_keys.scope_id
            and stored_months.child_profile_id = changed_keys.child_profile_id

),

stored_key_facts as (

    -- what the changed keys' stored months say about the months before the first processed
    -- month: the earliest one's previous active day (previous active days only grow with
    -- the month, so it is the least, null first); no row for a key with no stored month
    select
        scope_kind,
        scope_id,
        child_profile_id,
        sum(case when previous_active_date is null then 1 else 0 end) as stored_months_without_previous,
        min(previous_active_date) as earliest_stored_previous
    from stored_changed_months
    group by scope_kind, scope_id, child_profile_id

),
{%- endif %}

updated_masks as (

    -- the stored mask without its recomputed days, plus those days as they are now (in
    -- one month, only the rows that change: a recomputed day, stored or new)
    select
        coalesce(stored_changed_months.scope_kind, day_masks.scope_kind) as scope_kind,
        coalesce(stored_changed_months.scope_id, day_masks.scope_id) as scope_id,
        coalesce(stored_changed_months.child_profile_id, day_masks.child_profile_id) as child_profile_id,
        coalesce(stored_changed_months.month_start, day_masks.month_start) as month_start,
        -- (the new days are recomputed days, which the stored mask no longer has: a sum is an or)
        coalesce(stored_changed_months.active_days_mask, 0)
        - (coalesce(stored_changed_months.active_days_mask, 0) & coalesce(stored_changed_months.recomputed_days_mask, 0))
        + coalesce(day_masks.active_days_mask, 0) as active_days_mask,
        stored_changed_months.last_active_date as stored_last_active_date,
        stored_changed_months.recomputed_days_mask,
        day_masks.last_active_date as new_last_active_date,
        stored_changed_months.child_profile_id is not null as has_stored_month,
        stored_changed_months.previous_active_date as stored_previous_active_date
    from stored_changed_months
    full outer join day_masks
        on
            stored_changed_months.scope_kind = day_masks.scope_kind
            and stored_changed_months.scope_id = day_masks.scope_id
            and stored_changed_months.child_profile_id = day_masks.child_profile_id
            and stored_changed_months.month_start = day_masks.month_start
    {%- if one_month %}
    where
        day_masks.child_profile_id is not null
        or (stored_changed_months.active_days_mask & stored_changed_months.recomputed_days_mask) <> 0
    {%- endif %}

),

month_masks as (

    select
        updated_masks.*,
        case
            when active_days_mask = 0 then null
            when stored_last_active_date is null then new_last_active_date
            -- the stored last day was not recomputed: it is still there
            when (
                recomputed_days_mask
                & {{ storytime.day_bit('month_start', 'stored_last_active_date') }}
            ) = 0 then greatest(stored_last_active_date, new_last_active_date)
            else cast({{ dbt.dateadd('day', storytime.highest_set_bit('active_days_mask'), 'month_start') }} as date)
        end as last_active_date
    from updated_masks

),
{%- if one_month %}

earlier_activity as (

    -- the months before: as the key's stored row holds them, or, with no stored row,
    -- looked up (the subquery runs only in that branch)
    select
        scope_kind,
        scope_id,
        child_profile_id,
        month_start,
        active_days_mask,
        last_active_date,
        case
            when has_stored_month then stored_previous_active_date
            else {{ storytime.previous_active_before(this, 'month_masks', first_month) }}
        end as previous_active_date
    from month_masks

),
{%- else %}

carried_months as (

    -- the latest active day of the key's months before this one in this run (a month whose
    -- days are all gone has none; its mask is dropped after this)
    select
        month_masks.*,
        max(last_active_date) over (
            partition by scope_kind, scope_id, child_profile_id
            order by month_start
            rows between unbounded preceding and 1 preceding
        ) as previous_in_run
    from month_masks

),

earlier_activity as (

    -- else the months before the first processed month: as the key's earliest stored month
    -- holds them, or, with no stored month, looked up through the (child_profile_id,
    -- scope_kind, scope_id, month_start) index (the subquery runs only in that branch). A
    -- month whose every active day was recomputed and is gone keeps its empty mask: it
    -- names a changed key for the strategy, which does not insert it
    select
        carried_months.scope_kind,
        carried_months.scope_id,
        carried_months.child_profile_id,
        carried_months.month_start,
        carried_months.active_days_mask,
        carried_months.last_active_date,
        coalesce(
            carried_months.previous_in_run,
            case
                when stored_key_facts.child_profile_id is null
                    then {{ storytime.previous_active_before(this, 'carried_months', first_month) }}
                when stored_key_facts.stored_months_without_previous > 0 then null
                else stored_key_facts.earliest_stored_previous
            end
        ) as previous_active_date
    from carried_months
    left join stored_key_facts
        on
            carried_months.scope_kind = stored_key_facts.scope_kind
            and carried_months.scope_id = stored_key_facts.scope_id
            and carried_months.child_profile_id = stored_key_facts.child_profile_id

),
{%- endif %}
{%- else %}

month_masks as (

    select * from day_masks

),
{%- endif %}

final as (

    select
        -- ids
        cast(scope_kind as {{ dbt.type_string() }}) as scope_kind,
        scope_id,
        child_profile_id,

        -- dates
        month_start,
        {%- if updates_months %}
        previous_active_date,
        {%- else %}
        -- the child's last active day in the scope before this month: a range counts the
        -- child in the first of its months whose mask meets it
        lag(last_active_date) over (
            partition by scope_kind, scope_id, child_profile_id
            order by month_start
        ) as previous_active_date,
        {%- endif %}
        last_active_date,

        -- numerics
        active_days_mask

    from {{ 'earlier_activity' if updates_months else 'month_masks' }}

)

select * from final
