-- What a daily run recomputes besides its whole dates (SPEC section 5): the child-book
-- pairs and dates that the rows received since those dates were last processed can
-- change. A row can change only the dates whose window holds it (its own UTC date, the
-- date before when it is before the play cut-off hour, the date after when it is within
-- one session timeout of midnight), and a neighbouring date only where the pair had
-- activity. Rows of dates the warehouse never processed are kept as 'unprocessed' (counted
-- in the run log, left to backfill). On every dated run it also lists the pairs that had
-- rows on the whole dates before this run ('previous'), so that the all-time tables revisit
-- a pair whose events disappeared. Empty on a full build.
--
-- The run state (which dates were processed up to which receive time, the ids seen inside
-- the safety margin) is the runner's: tables in the <schema>_ops schema, read here only
-- when the runner passes received_through (the daily job), like a var. The previous rows
-- are read from int_child_book_days as it stands before this run replaces them: not a
-- ref, which would be a cycle (int_child_book_days depends on this model). The received
-- rows themselves come from int_received_events (read once there, through the created_at
-- index).
-- depends_on: {{ ref('int_received_events') }}
{%- set range = storytime.processing_range() -%}
{%- set received_through = storytime.received_through() -%}
{%- set previous = storytime.existing_relation('int_child_book_days') -%}
{%- set ops = target.schema ~ '_ops' %}

with nothing as (

    select
        cast(null as {{ dbt.type_bigint() }}) as child_profile_id,
        cast(null as {{ dbt.type_bigint() }}) as book_id,
        cast(null as date) as touched_date,
        cast(null as {{ dbt.type_string() }}) as touch_kind,
        cast(null as {{ dbt.type_bigint() }}) as received_rows
    where 1 = 0

),

{% if range is not none and received_through is not none %}
received_events as (

    select * from {{ ref('int_received_events') }}

),

processed_dates as (

    select * from {{ adapter.quote(ops) }}.processed_dates

),

seen_events as (

    select * from {{ adapter.quote(ops) }}.seen_events

),

{%- set cutoff_hours = var('play_cutoff_hours_next_day') %}
{%- set timeout_minutes = var('session_timeout_minutes') %}
{%- set first_whole_day = modules.datetime.datetime.combine(range.start, modules.datetime.time()) %}

received as (

    -- the received rows that can touch a date before the whole dates: occurred before the
    -- cut-off hour of the first whole date, with both keys (a row without one, or with a
    -- 1970 clock, is rejected and counted: it touches no play)
    select
        usage_event_id,
        child_profile_id,
        book_id,
        received_at,
        {{ storytime.utc_date('occurred_at') }} as event_date,
        {{ storytime.utc_date(dbt.dateadd('hour', -cutoff_hours, 'occurred_at')) }} as cutoff_date,
        {{ storytime.utc_date(dbt.dateadd('minute', timeout_minutes, 'occurred_at')) }} as lookahead_date
    from received_events
    where
        occurred_at < {{ storytime.utc_timestamp(first_whole_day + modules.datetime.timedelta(hours=cutoff_hours)) }}
        and child_profile_id is not null
        and book_id is not null
        and not {{ storytime.occurred_at_is_implausible('received_events') }}

),

touches as (

    select usage_event_id, child_profile_id, book_id, received_at, event_date as touched_date, 1 as on_own_date
    from received
    union all
    select usage_event_id, child_profile_id, book_id, received_at, cutoff_date as touched_date, 0 as on_own_date
    from received
    where cutoff_date < event_date
    union all
    select usage_event_id, child_profile_id, book_id, received_at, lookahead_date as touched_date, 0 as on_own_date
    from received
    where lookahead_date > event_date

),

pending as (

    -- not yet in the numbers of that date: received after its coverage, or inside the
    -- margin before it without having been seen by the job that set it
    select
        touches.*,
        processed_dates.metric_date is not null as is_processed_date
    from touches
    left join processed_dates
        on touches.touched_date = processed_dates.metric_date
    where
        touches.touched_date < {{ storytime.date_literal(range.start) }}
        and (
            processed_dates.metric_date is null
            or {{ storytime.received_after_coverage(
                'processed_dates', 'touches.received_at', 'touches.usage_event_id', 'seen_events'
            ) }}
        )

),

own_dates as (

    select distinct child_profile_id, book_id, touched_date
    from pending
    where on_own_date = 1

),

{% if previous is not none %}
previous_activity as (

    select child_profile_id, book_id, activity_date
    from {{ previous }}
    where activity_date < {{ storytime.date_literal(range.start) }}

),
{% endif %}

touched as (

    -- a neighbouring date changes only where the pair was active on it
    select
        pending.child_profile_id,
        pending.book_id,
        pending.touched_date,
        case when pending.is_processed_date then 'received' else 'unprocessed' end as touch_kind,
        count(*) as received_rows
    from pending
    where
        pending.on_own_date = 1
        or exists (
            select 1 from own_dates
            where
                own_dates.child_profile_id = pending.child_profile_id
                and own_dates.book_id = pending.book_id
                and own_dates.touched_date = pending.touched_date
        )
        {%- if previous is not none %}
        or exists (
            select 1 from previous_activity
            where
                previous_activity.child_profile_id = pending.child_profile_id
                and previous_activity.book_id = pending.book_id
                and previous_activity.activity_date = pending.touched_date
        )
        {%- endif %}
    group by
        pending.child_profile_id,
        pending.book_id,
        pending.touched_date,
        case when pending.is_processed_date then 'received' else 'unprocessed' end

),
{% else %}
touched as (

    select * from nothing

),
{% endif %}

{% if range is not none and previous is not none %}
previous_pairs as (

    select distinct
        child_profile_id,
        book_id,
        activity_date as touched_date,
        'previous' as touch_kind,
        cast(0 as {{ dbt.type_bigint() }}) as received_rows
    from {{ previous }}
    where {{ storytime.in_date_range('activity_date') }}

),
{% else %}
previous_pairs as (

    select * from nothing

),
{% endif %}

final as (

    select
        -- ids
        cast(child_profile_id as {{ dbt.type_bigint() }}) as child_profile_id,
        cast(book_id as {{ dbt.type_bigint() }}) as book_id,

        -- strings
        cast(touch_kind as {{ dbt.type_string() }}) as touch_kind,

        -- numerics
        cast(received_rows as {{ dbt.type_bigint() }}) as received_rows,

        -- dates
        touched_date

    from touched
    union all
    select
        child_profile_id,
        book_id,
        touch_kind,
        received_rows,
        touched_date
    from previous_pairs

)

select * from final
