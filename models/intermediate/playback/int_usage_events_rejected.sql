-- Every raw event that cannot be used, with the first reason that applies (SPEC section 2).
-- A view over the source: it always holds every rejected row; the runner counts the rows
-- of the dates it processed.
{{ config(materialized='view') }}

with events as (

    select * from {{ ref('stg_app__usage_events') }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

checked as (

    select
        events.*,
        case
            when event_types.event_type is null then 'unknown_event_type'
            when events.child_profile_id is null then 'null_child_profile_id'
            when events.book_id is null then 'null_book_id'
            when events.occurred_at is null then 'null_occurred_at'
        end as reject_reason
    from events
    left join event_types
        on events.event_type = event_types.event_type

),

final as (

    select
        usage_event_id,
        child_profile_id,
        book_id,
        event_type,
        reported_position_seconds,
        occurred_at,
        received_at,
        reject_reason,
        {{ storytime.utc_date('coalesce(occurred_at, received_at)') }} as reject_date
    from checked
    where reject_reason is not null

)

select * from final
