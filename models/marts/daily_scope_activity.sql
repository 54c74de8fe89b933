-- Per document scope and UTC day: the day's figures of the JSON API's documents, so that
-- a range document reads at most one row per day. Scopes: the platform (scope_id 0), each
-- publisher (the books it had that day) and each book. Children are distinct within the
-- scope on the day (a child who watched two of a publisher's books counts once); seconds
-- are exact (rounded once per range by the reader, macro minutes_from_seconds); play
-- starts, completions and plays with a known duration are daily_book_metrics' sums.
-- Counts only: no child id.
{{
    config(
        indexes=[
            {'columns': ['scope_kind', 'scope_id', 'metric_date'], 'unique': true},
            {'columns': ['metric_date']},
        ],
        **storytime.replace_dates_config('metric_date'),
    )
}}

with child_days as (

    select * from {{ ref('child_book_activity_days') }}
    where {{ storytime.in_processing_range('activity_date') }} and has_events

),

book_metrics as (

    select * from {{ ref('daily_book_metrics') }}
    where {{ storytime.in_processing_range('metric_date') }}

),

scoped_children as (

    select
        'platform' as scope_kind,
        cast(0 as bigint) as scope_id,
        activity_date,
        child_profile_id,
        watched_seconds
    from child_days
    union all
    select
        'publishers' as scope_kind,
        publisher_id as scope_id,
        activity_date,
        child_profile_id,
        watched_seconds
    from child_days
    where publisher_id is not null
    union all
    select
        'books' as scope_kind,
        book_id as scope_id,
        activity_date,
        child_profile_id,
        watched_seconds
    from child_days

),

scoped_books as (

    select
        'platform' as scope_kind,
        cast(0 as bigint) as scope_id,
        metric_date,
        total_play_starts,
        completion_count,
        plays_with_duration
    from book_metrics
    union all
    select
        'publishers' as scope_kind,
        publisher_id as scope_id,
        metric_date,
        total_play_starts,
        completion_count,
        plays_with_duration
    from book_metrics
    where publisher_id is not null
    union all
    select
        'books' as scope_kind,
        book_id as scope_id,
        metric_date,
        total_play_starts,
        completion_count,
        plays_with_duration
    from book_metrics

),

scope_children as (

    -- one row per scope, day and child (a child counts once per scope and day); a plain
    -- group, which PostgreSQL may hash, instead of count(distinct), which always sorts
    select
        scope_kind,
        scope_id,
        activity_date,
        child_profile_id,
        sum(watched_seconds) as watched_seconds
    from scoped_children
    group by scope_kind, scope_id, activity_date, child_profile_id

),

child_totals as (

    select
        scope_kind,
        scope_id,
        activity_date as metric_date,
        count(*) as unique_children,
        sum(watched_seconds) as watched_seconds
    from scope_children
    group by scope_kind, scope_id, activity_date

),

play_totals as (

    select
        scope_kind,
        scope_id,
        metric_date,
        sum(total_play_starts) as play_starts,
        sum(completion_count) as completions,
        sum(plays_with_duration) as plays_with_duration
    from scoped_books
    group by scope_kind, scope_id, metric_date

),

final as (

    select
        -- ids
        cast(coalesce(play_totals.scope_kind, child_totals.scope_kind) as {{ dbt.type_string() }})
            as scope_kind,
        coalesce(play_totals.scope_id, child_totals.scope_id) as scope_id,

        -- dates
        coalesce(play_totals.metric_date, child_totals.metric_date) as metric_date,

        -- numerics
        cast(coalesce(play_totals.play_starts, 0) as bigint) as play_starts,
        cast(coalesce(play_totals.completions, 0) as bigint) as completions,
        cast(coalesce(play_totals.plays_with_duration, 0) as bigint) as plays_with_duration,
        cast(coalesce(child_totals.unique_children, 0) as bigint) as unique_children,
        coalesce(child_totals.watched_seconds, 0) as watched_seconds

    from play_totals
    full outer join child_totals
        on
            play_totals.scope_kind = child_totals.scope_kind
            and play_totals.scope_id = child_totals.scope_id
            and play_totals.metric_date = child_totals.metric_date

)

select * from final
