-- Per book and play day: how many plays fell in each session-length band (product spec
-- 4.3) and their share of the day's plays. Every band for every book-day with plays.
{{
    config(
        indexes=[{'columns': ['book_id', 'metric_date', 'duration_band'], 'unique': true}],
        **storytime.replace_dates_config('metric_date'),
    )
}}

with plays as (

    select * from {{ ref('int_plays') }}
    where {{ storytime.in_processing_range('play_date') }}

),

duration_bands as (

    select * from {{ ref('duration_bands') }}

),

book_days as (

    select
        book_id,
        play_date as metric_date,
        count(*) as total_plays
    from plays
    group by book_id, play_date

),

band_counts as (

    select
        book_id,
        play_date as metric_date,
        duration_band,
        count(*) as play_count
    from plays
    group by book_id, play_date, duration_band

),

final as (

    select
        -- ids
        book_days.book_id,

        -- strings
        duration_bands.duration_band,

        -- numerics
        cast(duration_bands.band_order as integer) as band_order,
        cast(coalesce(band_counts.play_count, 0) as integer) as play_count,
        cast(book_days.total_plays as integer) as total_plays,
        cast(100.0 * coalesce(band_counts.play_count, 0) / book_days.total_plays as numeric(5, 2))
            as play_percentage,

        -- dates
        book_days.metric_date

    from book_days
    cross join duration_bands
    left join band_counts
        on
            book_days.book_id = band_counts.book_id
            and book_days.metric_date = band_counts.metric_date
            and duration_bands.duration_band = band_counts.duration_band

)

select * from final
