-- Per counting day, where every raw event went (SPEC section 2: nothing is silently
-- dropped): raw = cleaned + duplicates + rejected. Raw events come from a count of the
-- raw rows (one scan, no grouping), cleaned events and exact duplicates from the ordered
-- pass's per-day facts (int_child_book_days: the pass carries duplicates flagged and
-- counts them), rejected ones from the rejects table; unexplained_events is what is left,
-- and a data test requires 0: a row lost or doubled between the raw table and the pass
-- (a join, a filter, the touched pairs' split) shows up there. Replaced by count_date for
-- the processed dates.
{{
    config(
        materialized='incremental',
        **storytime.replace_dates_config('count_date'),
    )
}}

with events as (

    {{ storytime.usage_events_to_count(ref('stg_app__usage_events')) }}

),

rejected as (

    select * from {{ ref('int_usage_events_rejected') }}
    where {{ storytime.in_processing_range('reject_date') }}

),

child_book_days as (

    select * from {{ ref('int_child_book_days') }}
    where {{ storytime.in_processing_range('activity_date') }}

),

counted as (

    select {{ storytime.usage_event_count_date('events') }} as count_date
    from events

),

raw_days as (

    select
        count_date,
        count(*) as raw_events
    from counted
    where {{ storytime.in_processing_range('count_date') }}
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

    select count_date from raw_days
    union
    select count_date from rejected_days
    union
    select count_date from cleaned_days

),

final as (

    select
        -- numerics
        cast(coalesce(raw_days.raw_events, 0) as {{ dbt.type_bigint() }}) as raw_events,
        cast(coalesce(cleaned_days.cleaned_events, 0) as {{ dbt.type_bigint() }}) as cleaned_events,
        cast(coalesce(cleaned_days.duplicate_events, 0) as {{ dbt.type_bigint() }}) as duplicate_events,
        cast(coalesce(rejected_days.rejected_events, 0) as {{ dbt.type_bigint() }}) as rejected_events,
        cast(
            coalesce(raw_days.raw_events, 0)
            - coalesce(cleaned_days.cleaned_events, 0)
            - coalesce(cleaned_days.duplicate_events, 0)
            - coalesce(rejected_days.rejected_events, 0)
            as {{ dbt.type_bigint() }}
        ) as unexplained_events,

        -- dates
        days.count_date

    from days
    left join raw_days
        on days.count_date = raw_days.count_date
    left join rejected_days
        on days.count_date = rejected_days.count_date
    left join cleaned_days
        on days.count_date = cleaned_days.count_date

)

select * from final
