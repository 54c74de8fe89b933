-- The raw events of the child-book pairs whose plays a daily run recomputes on dates
-- before its whole dates (int_touched_plays, kind 'received'): for each such pair, every
-- event over the windows of its touched dates and of the run's whole dates, merged into
-- non-overlapping spans (consecutive dates' windows overlap). Read through the
-- (child_profile_id, book_id, occurred_at) index, one lookup per span (macros/rules/
-- join_events_in_spans.sql: a plain join did not use the index), and kept apart
-- from the ordered pass, which reads the whole dates' partitions without index scans.
-- Scratch: rebuilt by every run; empty when nothing was touched.
{{ config(unlogged=true) }}
{%- set range = storytime.processing_range() -%}
{%- set timeout_minutes = var('session_timeout_minutes') -%}
{%- set cutoff_hours = var('play_cutoff_hours_next_day') %}

with events as (

    select * from {{ ref('stg_app__usage_events') }}
    where {{ storytime.received_by_run('received_at') }}

),

touched_plays as (

    select * from {{ ref('int_touched_plays') }}
    where touch_kind = 'received'

),

touched_dates as (

    select distinct
        child_profile_id,
        book_id,
        touched_date
    from touched_plays
    {%- if range is not none %}
    union
    select
        touched_pairs.child_profile_id,
        touched_pairs.book_id,
        whole_dates.metric_date as touched_date
    from (select distinct child_profile_id, book_id from touched_plays) as touched_pairs
    cross join ({{ storytime.processed_dates(none, none, with_touched=false) }}) as whole_dates
    {%- endif %}

),

islands as (

    -- consecutive dates share an island: date minus its rank is constant along a run
    select
        child_profile_id,
        book_id,
        touched_date,
        {{ dbt.dateadd(
            'day',
            '-1 * row_number() over (partition by child_profile_id, book_id order by touched_date)',
            'touched_date',
        ) }} as island
    from touched_dates

),

spans as (

    select
        child_profile_id,
        book_id,
        {{ dbt.dateadd('minute', -timeout_minutes, storytime.utc_midnight('min(touched_date)')) }}
            as span_start,
        {{ dbt.dateadd('hour', 24 + cutoff_hours, storytime.utc_midnight('max(touched_date)')) }}
            as span_end
    from islands
    group by child_profile_id, book_id, island

),

final as (

    select
        -- ids
        events.usage_event_id,
        events.child_profile_id,
        events.book_id,

        -- strings
        events.event_type,

        -- numerics
        events.reported_position_seconds,
        events.position_seconds,

        -- timestamps
        events.occurred_at,
        events.received_at

    from spans
    {{ storytime.join_events_in_spans('spans', 'events') }}

)

select * from final
