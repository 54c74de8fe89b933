-- Per book, all time: views, minutes, completions, completion rate, unique children and the
-- repeat-view figures of the product spec (4.2). Counts and minutes are sums of the book's
-- daily rows (daily_book_metrics: the plays of each play day, the exact seconds of each
-- day, summed over all days and rounded once: never a sum of rounded minutes); the
-- per-viewer figures from child_viewing_histories. Small (one row per book), so rebuilt
-- whole on every run, from a book's days rather than from every play ever: a night's cost
-- grows with books times days, not with the plays of the whole history.
{{ config(materialized='table', indexes=[{'columns': ['book_id'], 'unique': true}]) }}

with histories as (

    select * from {{ ref('child_viewing_histories') }}

),

book_days as (

    select * from {{ ref('daily_book_metrics') }}

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

book_totals as (

    select
        book_id,
        sum(watched_seconds) as watched_seconds,
        sum(total_plays) as total_views,
        sum(completion_count) as completion_count,
        sum(plays_with_duration) as plays_with_duration,
        sum(valid_plays) as valid_plays
    from book_days
    group by book_id

),

final as (

    select
        -- ids
        viewer_totals.book_id,

        -- numerics
        cast(coalesce(book_totals.total_views, 0) as integer) as total_views,
        cast(coalesce(book_totals.plays_with_duration, 0) as integer) as plays_with_duration,
        cast(coalesce(book_totals.valid_plays, 0) as integer) as valid_plays,
        {{ storytime.minutes_from_seconds('coalesce(book_totals.watched_seconds, 0)', 14) }} as total_minutes_watched,
        cast(coalesce(book_totals.completion_count, 0) as integer) as completion_count,
        {{ storytime.completion_rate('book_totals.completion_count', 'book_totals.plays_with_duration') }}
            as completion_rate,
        cast(viewer_totals.unique_children as integer) as unique_children,
        cast(viewer_totals.average_views_per_child as numeric(10, 2)) as average_views_per_child,
        cast(viewer_totals.repeat_viewer_share as numeric(6, 4)) as repeat_viewer_share,

        -- timestamps
        viewer_totals.last_watched_at,
        {{ dbt.current_timestamp() }} as updated_at

    from viewer_totals
    left join book_totals
        on viewer_totals.book_id = book_totals.book_id

)

select * from final
