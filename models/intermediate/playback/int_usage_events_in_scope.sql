-- The raw events a run reads (ephemeral, inlined into the ordered pass): every event in
-- the window of its whole dates (a literal occurred_at range, so PostgreSQL prunes the
-- monthly partitions) except those of the pairs a daily run recomputes on earlier dates,
-- whose events over all their dates come from int_touched_events instead (each event
-- once: the two parts never share a pair; a touched pair without events has none in the
-- window either, its spans cover the whole dates). A daily run reads only the rows
-- received up to its receive time (received_by_run), as every model of the run does.
{{ config(materialized='ephemeral') }}

with events as (

    select * from {{ ref('stg_app__usage_events') }}
    where
        {{ storytime.event_window('occurred_at') }}
        and {{ storytime.received_by_run('received_at') }}

),

touched_events as (

    select * from {{ ref('int_touched_events') }}

),

touched_plays as (

    -- (the pairs from their own table, which has statistics: a CTE read twice is
    -- materialised without any, and the planner then anti-joins by nested loop)
    select * from {{ ref('int_touched_plays') }}
    where touch_kind = 'received'

),

touched_pairs as (

    select distinct
        child_profile_id,
        book_id
    from touched_plays

),

window_events as (

    select events.*
    from events
    where not exists (
        select 1
        from touched_pairs
        where
            touched_pairs.child_profile_id = events.child_profile_id
            and touched_pairs.book_id = events.book_id
    )

),

final as (

    select
        usage_event_id,
        child_profile_id,
        book_id,
        event_type,
        reported_position_seconds,
        position_seconds,
        occurred_at,
        received_at
    from window_events
    union all
    select
        usage_event_id,
        child_profile_id,
        book_id,
        event_type,
        reported_position_seconds,
        position_seconds,
        occurred_at,
        received_at
    from touched_events

)

select * from final
