-- Per book, play day and 10 % drop-off bucket: how many plays that began that day ended in
-- the bucket (SPEC section 4, book_dropoff_buckets). The all-time histogram sums these
-- rows instead of re-reading every play of its books. A run replaces the dates it
-- processes (its range and the earlier dates whose plays it recomputed), re-aggregated
-- from int_plays of those dates.
{{
    config(
        materialized='incremental',
        indexes=[{'columns': ['play_date']}],
        on_schema_change='append_new_columns',
        **storytime.replace_dates_config('play_date'),
    )
}}

with plays as (

    select * from {{ ref('int_plays') }}
    where
        {{ storytime.in_processing_range('play_date') }}
        and dropoff_bucket_percent is not null

),

final as (

    select
        -- ids
        book_id,

        -- dates
        play_date,

        -- numerics
        cast(dropoff_bucket_percent as integer) as bucket_percent,
        cast(count(*) as integer) as play_count

    from plays
    group by book_id, play_date, dropoff_bucket_percent

)

select * from final
