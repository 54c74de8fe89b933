-- The admin dashboard's "top 5 books by completion rate" (product spec 3.2) over the same
-- 7 days as top_books_by_minutes. Only books with at least var('dashboard_min_plays')
-- plays of known duration in the window rank, so one lucky play cannot top the list and
-- a book without a duration (rate unknown) never does. Ranked by the published rate
-- (book_activity_windows, macro completion_rate); ties go to more plays of known
-- duration, then the lower book id.
with windows as (

    select * from {{ ref('book_activity_windows') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

eligible as (

    select *
    from windows
    where
        window_days = 7
        and plays_with_duration >= {{ var('dashboard_min_plays') }}

),

ranked as (

    select
        eligible.*,
        row_number() over (
            order by
                eligible.completion_rate desc,
                eligible.plays_with_duration desc,
                eligible.book_id asc
        ) as book_rank
    from eligible

),

final as (

    select
        -- ids
        ranked.book_id,

        -- strings
        books.title,

        -- numerics
        cast(ranked.book_rank as integer) as book_rank,
        ranked.completion_rate,
        ranked.completion_count,
        ranked.total_plays,
        ranked.plays_with_duration,
        ranked.total_minutes_watched,
        ranked.unique_children,

        -- dates
        ranked.window_start_date,
        ranked.window_end_date

    from ranked
    left join books
        on ranked.book_id = books.book_id
    where ranked.book_rank <= 5

)

select * from final
