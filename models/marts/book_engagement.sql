-- Per book, all time: views, minutes, completions, completion rate, unique children and the
-- repeat-view figures of the product spec (4.2). Counts and minutes come from the per-play
-- and per-day facts (exact seconds summed over all days, rounded once: never a sum of the
-- children's rounded minutes); the per-viewer figures from child_viewing_histories.
-- Small (one row per book), so rebuilt whole on every run.
{{ config(materialized='table', indexes=[{'columns': ['book_id'], 'unique': true}]) }}

with histories as (

    select * from {{ ref('child_viewing_histories') }}

),

child_book_days as (

    select * from {{ ref('int_child_book_days') }}

),

plays as (

    select * from {{ ref('int_plays') }}

),

viewer_totals as (

    select
        book_id,
        count(*) as unique_children,
        avg(total_views) as average_views_per_child,
        1.0 * sum(case when total_views > 1 then 1 else 0 end) / count(*) as repeat_viewer_share,
        max(last_watched_at) as last_watched_at
    from histories
    group by book_id

),

watch_totals as (

    select
        book_id,
        sum(watched_seconds) as watched_seconds
    from child_book_days
    group by book_id

),

play_totals as (

    select
        book_id,
        count(*) as total_views,
        sum(case when is_complete then 1 else 0 end) as completion_count,
        sum(case when duration_seconds is not null then 1 else 0 end) as plays_with_duration,
        sum(case when is_valid then 1 else 0 end) as valid_plays
    from plays
    group by book_id

),

final as (

    select
        -- ids
        viewer_totals.book_id,

        -- numerics
        cast(coalesce(play_totals.total_views, 0) as integer) as total_views,
        cast(coalesce(play_totals.plays_with_duration, 0) as integer) as plays_with_duration,
        cast(coalesce(play_totals.valid_plays, 0) as integer) as valid_plays,
        {{ storytime.minutes_from_seconds('coalesce(watch_totals.watched_seconds, 0)', 14) }} as total_minutes_watched,
        cast(coalesce(play_totals.completion_count, 0) as integer) as completion_count,
        {{ storytime.completion_rate('play_totals.completion_count', 'play_totals.plays_with_duration') }}
            as completion_rate,
        cast(viewer_totals.unique_children as integer) as unique_children,
        cast(viewer_totals.average_views_per_child as numeric(10, 2)) as average_views_per_child,
        cast(viewer_totals.repeat_viewer_share as numeric(6, 4)) as repeat_viewer_share,

        -- timestamps
        viewer_totals.last_watched_at,
        {{ dbt.current_timestamp() }} as updated_at

    from viewer_totals
    left join watch_totals
        on viewer_totals.book_id = watch_totals.book_id
    left join play_totals
        on viewer_totals.book_id = play_totals.book_id

)

select * from final
