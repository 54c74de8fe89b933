-- Per book, all time (SPEC section 4): how many plays ended in each 10 % bucket of the
-- duration (session_count keeps the product spec's name; it counts plays). All eleven
-- buckets for every book with at least one bucketed play. A run recomputes the books of the
-- pairs it recomputed (int_child_book_pairs_recomputed) from their per-day counts
-- (int_book_day_dropoff_buckets), never from every play ever.
{{
    config(
        indexes=[{'columns': ['book_id', 'bucket_percent'], 'unique': true}],
        **storytime.replace_keys_config(['book_id', 'bucket_percent'], 'int_child_book_pairs_recomputed', ['book_id']),
    )
}}

with dropoff_days as (

    select * from {{ ref('int_book_day_dropoff_buckets') }}

),

recomputed_pairs as (

    select * from {{ ref('int_child_book_pairs_recomputed') }}

),

recomputed_books as (

    select distinct book_id
    from recomputed_pairs

),

book_dropoff_days as (

    -- the recomputed books' per-day counts, every day (books times days, not every play)
    select dropoff_days.*
    from dropoff_days
    inner join recomputed_books
        on dropoff_days.book_id = recomputed_books.book_id

),

touched_books as (

    -- the recomputed books that still have a bucketed play
    select distinct book_id
    from book_dropoff_days

),

dropoff_buckets as (

    select * from {{ ref('dropoff_buckets') }}

),

bucket_counts as (

    select
        book_id,
        bucket_percent,
        sum(play_count) as play_count
    from book_dropoff_days
    group by book_id, bucket_percent

),

final as (

    select
        -- ids
        touched_books.book_id,

        -- numerics
        cast(dropoff_buckets.bucket_percent as integer) as bucket_percent,
        cast(coalesce(bucket_counts.play_count, 0) as integer) as session_count,

        -- timestamps
        {{ dbt.current_timestamp() }} as updated_at

    from touched_books
    cross join dropoff_buckets
    left join bucket_counts
        on
            touched_books.book_id = bucket_counts.book_id
            and dropoff_buckets.bucket_percent = bucket_counts.bucket_percent

)

select * from final
