-- Per counting day, where every raw event went (SPEC section 2: nothing is silently
-- dropped): raw = cleaned + duplicates + rejected. Raw events come from a count of the
-- raw rows (one scan, no grouping), cleaned events and exact duplicates from the ordered
-- pass's per-day facts (int_child_book_days: the pass carries duplicates flagged and
-- counts them), rejected ones from the rejects table; unexplained_events is what is left,
-- and a data test requires 0: a row lost or doubled between the raw table and the pass
-- (a join, a filter, the touched pairs' split) shows up there.
-- A run replaces its whole dates. On earlier dates a daily run updates the counting days
-- of the rows it found received since they were processed (int_received_events): their
-- raw count is the previous one plus those rows, or counted again whole when the previous
-- count's coverage is unknown (macros/rules/reconciliation_dates.sql). counted_through
-- records the receive time a count covers (the daily run's; null for a run without one).
{{
    config(
        materialized='incremental',
        on_schema_change='append_new_columns',
        **storytime.replace_dates_config('count_date', replace_also='count_date'),
    )
}}
{%- set previous = this if is_incremental() else none -%}
{%- set earlier = storytime.reconciliation_dates(previous) -%}
{%- set counted_dates = earlier.carried + earlier.recount -%}
{%- set received_through = storytime.received_through() %}
-- depends_on: {{ ref('int_received_events') }}

with events as (

    {{ storytime.usage_events_to_count(ref('stg_app__usage_events'), earlier.recount) }}

),

rejected as (

    select * from {{ ref('int_usage_events_rejected') }}
    where {{ storytime.in_counted_dates('reject_date', counted_dates) }}

),

child_book_days as (

    select * from {{ ref('int_child_book_days') }}
    where {{ storytime.in_counted_dates('activity_date', counted_dates) }}

),

{% if earlier.carried %}
received_events as (

    select * from {{ ref('int_received_events') }}
    where count_kind = 'pending'

),

previous_days as (

    select * from {{ previous }}
    where {{ storytime.in_dates('count_date', earlier.carried) }}

),
{% endif %}

counted as (

    select {{ storytime.usage_event_count_date('events') }} as count_date
    from events

),

raw_days as (

    select
        count_date,
        count(*) as raw_events
    from counted
    where {{ storytime.in_counted_dates('count_date', earlier.recount) }}
    group by count_date
    {%- if earlier.carried %}
    union all
    select
        count_date,
        raw_events
    from previous_days
    union all
    select
        count_date,
        count(*) as raw_events
    from received_events
    where {{ storytime.in_dates('count_date', earlier.carried) }}
    group by count_date
    {%- endif %}

),

raw_totals as (

    select
        count_date,
        sum(raw_events) as raw_events
    from raw_days
    group by count_date

),

rejected_days as (

    select
        reject_date as count_date,
        count(*) as rejected_events
    from rejected
    group by reject_date

),

cleaned_days as (

    select
        activity_date as count_date,
        sum(event_count) as cleaned_events,
        sum(duplicate_events) as duplicate_events
    from child_book_days
    group by activity_date

),

days as (

    select count_date from raw_totals
    union
    select count_date from rejected_days
    union
    select count_date from cleaned_days

),

final as (

    select
        -- numerics
        cast(coalesce(raw_totals.raw_events, 0) as {{ dbt.type_bigint() }}) as raw_events,
        cast(coalesce(cleaned_days.cleaned_events, 0) as {{ dbt.type_bigint() }}) as cleaned_events,
        cast(coalesce(cleaned_days.duplicate_events, 0) as {{ dbt.type_bigint() }}) as duplicate_events,
        cast(coalesce(rejected_days.rejected_events, 0) as {{ dbt.type_bigint() }}) as rejected_events,
        cast(
            coalesce(raw_totals.raw_events, 0)
            - coalesce(cleaned_days.cleaned_events, 0)
            - coalesce(cleaned_days.duplicate_events, 0)
            - coalesce(rejected_days.rejected_events, 0)
            as {{ dbt.type_bigint() }}
        ) as unexplained_events,

        -- dates
        days.count_date,

        -- timestamps
        {% if received_through is none -%}
        case when 1 = 0 then {{ storytime.utc_timestamp('1970-01-01 00:00:00') }} end
        {%- else -%}
        {{ storytime.utc_timestamp(received_through) }}
        {%- endif %} as counted_through

    from days
    left join raw_totals
        on days.count_date = raw_totals.count_date
    left join rejected_days
        on days.count_date = rejected_days.count_date
    left join cleaned_days
        on days.count_date = cleaned_days.count_date

)

select * from final
