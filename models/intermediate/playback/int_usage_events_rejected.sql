-- Every raw event that cannot be used, with the first reason that applies (SPEC section 2)
-- and the day it is counted on (reject_date: the day it occurred, or the day it was
-- received when occurred_at is null or implausible). A table replaced by reject_date for
-- the processed dates, built once per run, so the run log's count, the reconciliation and
-- the data tests read it instead of re-reading raw events.
{{
    config(
        materialized='incremental',
        **storytime.replace_dates_config('reject_date'),
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

checked as (

    select
        events.*,
        {{ storytime.usage_event_reject_reason('events', 'event_types', 'books') }} as reject_reason,
        {{ storytime.usage_event_count_date('events') }} as reject_date
    from events
    left join event_types
        on events.event_type = event_types.event_type
    left join books
        on events.book_id = books.book_id

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
        reject_date,

        -- timestamps
        occurred_at,
        received_at

    from checked
    where
        reject_reason is not null
        and {{ storytime.in_processing_range('reject_date') }}

)

select * from final
