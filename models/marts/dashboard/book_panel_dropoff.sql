-- The book panel's drop-off histogram (product spec 4.1): book_dropoff_buckets (all time)
-- with each bucket's share of the book's bucketed plays.
with dropoff_buckets as (

    select * from {{ ref('book_dropoff_buckets') }}

),

book_totals as (

    select
        book_id,
        sum(session_count) as bucketed_plays
    from dropoff_buckets
    group by book_id

),

final as (

    select
        -- ids
        dropoff_buckets.book_id,

        -- numerics
        dropoff_buckets.bucket_percent,
        dropoff_buckets.session_count as play_count,
        cast(
            case
                when book_totals.bucketed_plays > 0
                    then 100.0 * dropoff_buckets.session_count / book_totals.bucketed_plays
            end
            as numeric(5, 2)
        ) as play_percentage

    from dropoff_buckets
    inner join book_totals
        on dropoff_buckets.book_id = book_totals.book_id

)

select * from final
