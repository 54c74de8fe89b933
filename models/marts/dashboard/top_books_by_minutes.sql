-- The admin dashboard's "top 5 books by minutes watched (last 7 days)" (product spec
-- 3.2): title, minutes, completions and distinct children over the 7 days up to "today".
-- Ties go to more plays, then the lower book id.
with windows as (

    select * from {{ ref('book_activity_windows') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

last_7_days as (

    select *
    from windows
    where window_days = 7

),

ranked as (

    select
        last_7_days.*,
        row_number() over (
            order by
                last_7_days.total_minutes_watched desc,
                last_7_days.total_plays desc,
                last_7_days.book_id asc
        ) as book_rank
    from last_7_days

),

final as (

    select
        -- ids
        ranked.book_id,

        -- strings
        books.title,

        -- numerics
        cast(ranked.book_rank as integer) as book_rank,
        ranked.total_minutes_watched,
        ranked.completion_count,
        ranked.unique_children,
        ranked.total_plays,
        ranked.completion_rate,

        -- dates
        ranked.window_start_date,
        ranked.window_end_date

    from ranked
    left join books
        on ranked.book_id = books.book_id
    where ranked.book_rank <= 5

)

select * from final
