-- Per book, all time: views, minutes, completions, completion rate, unique children and the
-- repeat-view figures of the product spec (4.2), derived from child_viewing_histories.
-- Small (one row per book), so rebuilt whole on every run.
{{ config(materialized='table', indexes=[{'columns': ['book_id'], 'unique': true}]) }}

with histories as (

    select * from {{ ref('child_viewing_histories') }}

),

final as (

    select
        -- ids
        book_id,

        -- numerics
        cast(sum(total_views) as integer) as total_views,
        cast(sum(total_minutes_watched) as numeric(14, 2)) as total_minutes_watched,
        cast(sum(completed_count) as integer) as completion_count,
        cast(
            case when sum(total_views) > 0 then 1.0 * sum(completed_count) / sum(total_views) end
            as numeric(6, 4)
        ) as completion_rate,
        cast(count(*) as integer) as unique_children,
        cast(avg(total_views) as numeric(10, 2)) as average_views_per_child,
        cast(
            1.0 * sum(case when total_views > 1 then 1 else 0 end) / count(*) as numeric(6, 4)
        ) as repeat_viewer_share,

        -- timestamps
        max(last_watched_at) as last_watched_at,
        {{ dbt.current_timestamp() }} as updated_at

    from histories
    group by book_id

)

select * from final
