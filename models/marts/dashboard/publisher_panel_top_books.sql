-- The publisher panel's "top 5 books by engagement" (product spec 3.4): per publisher, its
-- books ranked by all-time minutes watched on the days they were the publisher's, ties to
-- more completions, more plays, then the lower book id. PUBLISHER-FACING: aggregates only.
with book_days as (

    select * from {{ ref('daily_book_metrics') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

publisher_books as (

    select
        publisher_id,
        book_id,
        sum(total_minutes_watched) as total_minutes_watched,
        sum(total_plays) as total_plays,
        sum(completion_count) as completion_count,
        sum(plays_with_duration) as plays_with_duration
    from book_days
    where publisher_id is not null
    group by publisher_id, book_id

),

ranked as (

    select
        publisher_books.*,
        row_number() over (
            partition by publisher_books.publisher_id
            order by
                publisher_books.total_minutes_watched desc,
                publisher_books.completion_count desc,
                publisher_books.total_plays desc,
                publisher_books.book_id asc
        ) as book_rank
    from publisher_books

),

final as (

    select
        -- ids
        ranked.publisher_id,
        ranked.book_id,

        -- strings
        books.title,

        -- numerics
        cast(ranked.book_rank as integer) as book_rank,
        cast(ranked.total_minutes_watched as numeric(14, 2)) as total_minutes_watched,
        cast(ranked.total_plays as integer) as total_plays,
        cast(ranked.completion_count as integer) as completion_count,
        cast(ranked.plays_with_duration as integer) as plays_with_duration,
        {{ storytime.completion_rate('ranked.completion_count', 'ranked.plays_with_duration') }}
            as completion_rate

    from ranked
    left join books
        on ranked.book_id = books.book_id
    where ranked.book_rank <= 5

)

select * from final
