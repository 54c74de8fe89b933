-- The cleaned events of the run's window (SPEC section 2): the rows without a reject
-- reason (known type and book, no null keys, a plausible occurred_at; the rejects model
-- keeps the others), negative positions unknown, positions above the book's duration on
-- the event's day clamped or, when far above, unknown. Exact duplicates stay in the
-- stream flagged (is_duplicate = 1 for every copy after the first): each sits at the
-- same instant and type as its first copy, so the ordered pass can carry it without
-- changing any play, and counts it per child, book and day for the reconciliation
-- (int_child_book_days.duplicate_events) instead of a second grouped read of the raw rows.
-- Ephemeral: inlined into the sessionization, one scan (books is a small hash join).
{{ config(materialized='ephemeral') }}

with events as (

    select * from {{ ref('int_usage_events_in_scope') }}

),

event_types as (

    select * from {{ ref('event_types') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

book_durations as (

    select * from {{ ref('int_book_durations') }}

),

valid_events as (

    select
        events.usage_event_id,
        events.child_profile_id,
        events.book_id,
        events.event_type,
        event_types.type_rank,
        event_types.counts_watch_time,
        events.reported_position_seconds,
        events.position_seconds,
        events.occurred_at,
        {{ storytime.utc_date('events.occurred_at') }} as event_date
    from events
    left join event_types
        on events.event_type = event_types.event_type
    left join books
        on events.book_id = books.book_id
    where {{ storytime.usage_event_reject_reason('events', 'event_types', 'books') }} is null

),

with_durations as (

    select
        valid_events.*,
        book_durations.duration_seconds
    from valid_events
    left join book_durations
        on
            valid_events.book_id = book_durations.book_id
            and {{ storytime.valid_on('book_durations', 'valid_events.event_date') }}

),

numbered_duplicates as (

    select
        *,
        -- type_rank stands for event_type (one rank per type), so that this sort's
        -- leading keys are the sessionization's order and its sort is only incremental
        row_number() over (
            partition by
                child_profile_id, book_id, occurred_at, type_rank, reported_position_seconds
            order by usage_event_id
        ) as duplicate_number
    from with_durations

),

final as (

    select
        -- ids
        usage_event_id,
        child_profile_id,
        book_id,

        -- strings
        event_type,

        -- numerics
        type_rank,
        duration_seconds,
        {{ storytime.cleaned_position('position_seconds', 'duration_seconds') }} as position_seconds,

        -- booleans
        counts_watch_time,
        case when duplicate_number > 1 then 1 else 0 end as is_duplicate,

        -- dates
        event_date,

        -- timestamps
        occurred_at

    from numbered_duplicates

)

select * from final
