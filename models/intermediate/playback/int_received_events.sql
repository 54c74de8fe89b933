-- The raw rows a daily run finds received since its watermark that belong to a date before
-- its whole dates (SPEC section 5), read once through the created_at index: every row
-- received after the oldest coverage (less the safety margin) up to the run's receive time
-- that can touch an earlier date's plays (occurred before the play cut-off hour of the
-- first whole date) or is counted on an earlier date (occurred_at null or implausible:
-- counted on the day received). count_kind says what the row is to its counting day
-- (usage_event_count_date): 'pending' (a processed date, not yet in its numbers: its
-- reject and its count are added by this run), 'counted' (already in them), 'unprocessed'
-- (a date no job processed: left to backfill) or 'whole' (a whole date of this run).
-- int_touched_plays finds the touched plays in these rows; the rejects and the
-- reconciliation add the pending ones instead of re-reading their dates. Scratch: rebuilt
-- by every run, empty outside a daily run with a watermark. Read in page order (a bitmap
-- heap scan, pre-hook read_in_heap_order), whatever order the rows were stored in.
{{ config(unlogged=true, pre_hook="{{ storytime.read_in_heap_order() }}") }}
{%- set range = storytime.processing_range() -%}
{%- set received_through = storytime.received_through() -%}
{%- set ops = target.schema ~ '_ops' %}

with events as (

    select * from {{ ref('stg_app__usage_events') }}

),

{% if range is not none and received_through is not none %}
{%- set cutoff_hours = var('play_cutoff_hours_next_day') %}
{%- set first_whole_day = modules.datetime.datetime.combine(range.start, modules.datetime.time()) %}
processed_dates as (

    select * from {{ adapter.quote(ops) }}.processed_dates

),

seen_events as (

    select * from {{ adapter.quote(ops) }}.seen_events

),

received as (

    select
        events.*,
        {{ storytime.usage_event_count_date('events') }} as count_date
    from events
    where
        received_at > (
            select {{ dbt.dateadd('minute', -var('received_margin_minutes'), 'min(received_through)') }}
            from processed_dates
            where metric_date <= {{ storytime.date_literal(range.end) }}
        )
        and {{ storytime.received_by_run('received_at') }}
        and (
            occurred_at < {{ storytime.utc_timestamp(first_whole_day + modules.datetime.timedelta(hours=cutoff_hours)) }}
            or occurred_at is null
            or {{ storytime.occurred_at_is_implausible('events') }}
        )

),

classified as (

    select
        received.*,
        case
            when received.count_date >= {{ storytime.date_literal(range.start) }} then 'whole'
            when processed_dates.metric_date is null then 'unprocessed'
            when {{ storytime.received_after_coverage(
                'processed_dates', 'received.received_at', 'received.usage_event_id', 'seen_events'
            ) }} then 'pending'
            else 'counted'
        end as count_kind
    from received
    left join processed_dates
        on received.count_date = processed_dates.metric_date

),
{% else %}
classified as (

    select
        events.*,
        cast(null as date) as count_date,
        cast(null as {{ dbt.type_string() }}) as count_kind
    from events
    where 1 = 0

),
{% endif %}

final as (

    select
        -- ids
        usage_event_id,
        child_profile_id,
        book_id,

        -- strings
        event_type,
        count_kind,

        -- numerics
        reported_position_seconds,
        position_seconds,

        -- dates
        count_date,

        -- timestamps
        occurred_at,
        received_at

    from classified

)

select * from final
