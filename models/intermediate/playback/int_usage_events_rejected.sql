-- Every raw event that cannot be used, with the first reason that applies (SPEC section 2)
-- and the day it is counted on (reject_date: the day it occurred, or the day it was
-- received when occurred_at is null or implausible). Built once per run, so the run log's
-- count, the reconciliation and the data tests read it instead of re-reading raw events.
-- A run replaces its whole dates (their raw rows read again); on the earlier dates a daily
-- run adds the rejects among the rows received since they were processed
-- (int_received_events, kind 'pending'), replacing them by id, so that a rerun counts
-- them once and a late bad row is counted even on a date whose plays it cannot touch.
{{
    config(
        materialized='incremental',
        indexes=[
            {'columns': ['reject_date']},
            {'columns': ['usage_event_id']},
        ],
        **storytime.replace_dates_config('reject_date', replace_also='usage_event_id'),
    )
}}

with events as (

    {{ storytime.usage_events_to_count(ref('stg_app__usage_events')) }}

),

received_events as (

    select * from {{ ref('int_received_events') }}
    where count_kind = 'pending'

),

event_types as (

    select * from {{ ref('event_types') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

whole_date_events as (

    select
        events.usage_event_id,
        events.child_profile_id,
        events.book_id,
        events.event_type,
        events.reported_position_seconds,
        events.occurred_at,
        events.received_at,
        {{ storytime.usage_event_count_date('events') }} as count_date
    from events

),

counted_events as (

    select * from whole_date_events
    where {{ storytime.in_date_range('count_date') }}
    union all
    select
        usage_event_id,
        child_profile_id,
        book_id,
        event_type,
        reported_position_seconds,
        occurred_at,
        received_at,
        count_date
    from received_events

),

checked as (

    select
        counted_events.*,
        {{ storytime.usage_event_reject_reason('counted_events', 'event_types', 'books') }} as reject_reason
    from counted_events
    left join event_types
        on counted_events.event_type = event_types.event_type
    left join books
        on counted_events.book_id = books.book_id

),

final as (

    select
        -- ids
        usage_event_id,
        child_profile_id,
        book_id,

        -- strings
        event_type,
        reject_reason,

        -- numerics
        reported_position_seconds,

        -- dates
        count_date as reject_date,

        -- timestamps
        occurred_at,
        received_at

    from checked
    where reject_reason is not null

)

select * from final
