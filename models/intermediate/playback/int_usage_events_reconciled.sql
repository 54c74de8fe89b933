-- Per counting day, where every raw event went (SPEC section 2: nothing is silently
-- dropped): raw = cleaned + duplicates + rejected. Raw events and duplicates come from
-- the raw rows (one grouped scan), cleaned events from the ordered pass's per-day facts
-- (int_child_book_days), rejected ones from the rejects table; unexplained_events is what
-- is left, and a data test requires 0. Replaced by count_date for the processed dates.
{{
    config(
        materialized='incremental',
        **storytime.replace_dates_config('count_date'),
    )
}}

with events as (

    {{ storytime.usage_events_to_count(ref('stg_app__usage_events')) }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

rejected as (

    select * from {{ ref('int_usage_events_rejected') }}
    where {{ storytime.in_processing_range('reject_date') }}

),

child_book_days as (

    select * from {{ ref('int_child_book_days') }}
    where {{ storytime.in_processing_range('activity_date') }}

),

classified as (

    select
        events.child_profile_id,
        events.book_id,
        events.event_type,
        events.reported_position_seconds,
        events.occurred_at,
        {{ storytime.usage_event_reject_reason('events', 'event_types', 'books') }} as reject_reason,
        {{ storytime.usage_event_count_date('events') }} as count_date
    from events
    left join event_types
        on events.event_type = event_types.event_type
    left join books
        on events.book_id = books.book_id

),

-- identical usable rows (the duplicate key of the cleaning) in one group each
copies as (

    select
        count_date,
        reject_reason,
        count(*) as copy_count
    from classified
    where {{ storytime.in_processing_range('count_date') }}
    group by
        count_date,
        reject_reason,
        child_profile_id,
        book_id,
        event_type,
        occurred_at,
        reported_position_seconds

),

raw_days as (

    select
        count_date,
        sum(copy_count) as raw_events,
        sum(case when reject_reason is null then copy_count - 1 else 0 end) as duplicate_events
    from copies
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
        sum(event_count) as cleaned_events
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
        cast(coalesce(raw_days.duplicate_events, 0) as {{ dbt.type_bigint() }}) as duplicate_events,
        cast(coalesce(rejected_days.rejected_events, 0) as {{ dbt.type_bigint() }}) as rejected_events,
        cast(
            coalesce(raw_days.raw_events, 0)
            - coalesce(cleaned_days.cleaned_events, 0)
            - coalesce(raw_days.duplicate_events, 0)
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
