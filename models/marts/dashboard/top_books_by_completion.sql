-- The admin dashboard's "top 5 books by completion rate" (product spec 3.2) over the same
-- 7 days as top_books_by_minutes. Only books with at least var('dashboard_min_plays')
-- plays in the window rank, so one lucky play cannot top the list. Ties go to more
-- plays, then the lower book id.
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
        and total_plays >= {{ var('dashboard_min_plays') }}

),

ranked as (

    select
        eligible.*,
        row_number() over (
            order by
                1.0 * eligible.completion_count / eligible.total_plays desc,
                eligible.total_plays desc,
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
