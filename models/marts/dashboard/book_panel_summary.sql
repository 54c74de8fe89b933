-- The book analytics panel's figures (product spec 3.3 and 4.2), one row per book of the
-- catalogue: all-time views, minutes, completion rate, unique children, average views per
-- child and repeat viewers (from book_engagement), and minutes of the last 30 days. Zeros
-- (and null rates) for a book never watched.
with books as (

    select * from {{ ref('stg_app__books') }}

),

publishers as (

    select * from {{ ref('stg_app__publishers') }}

),

engagement as (

    select * from {{ ref('book_engagement') }}

),

windows as (

    select * from {{ ref('book_activity_windows') }}

),

last_30_days as (

    select *
    from windows
    where window_days = 30

),

final as (

    select
        -- ids
        books.book_id,
        books.publisher_id,

        -- strings
        books.title,
        publishers.publisher_name,

        -- numerics
        cast(coalesce(engagement.total_views, 0) as integer) as total_views,
        cast(coalesce(engagement.valid_plays, 0) as integer) as valid_plays,
        cast(coalesce(engagement.plays_with_duration, 0) as integer) as plays_with_duration,
        cast(coalesce(engagement.total_minutes_watched, 0) as numeric(14, 2)) as total_minutes_watched,
        cast(coalesce(engagement.completion_count, 0) as integer) as completion_count,
        engagement.completion_rate,
        cast(coalesce(engagement.unique_children, 0) as integer) as unique_children,
        engagement.average_views_per_child,
        engagement.repeat_viewer_share,
        cast(coalesce(last_30_days.total_minutes_watched, 0) as numeric(12, 2)) as minutes_last_30_days,

        -- timestamps
        engagement.last_watched_at

    from books
    left join publishers
        on books.publisher_id = publishers.publisher_id
    left join engagement
        on books.book_id = engagement.book_id
    left join last_30_days
        on books.book_id = last_30_days.book_id

)

select * from final
