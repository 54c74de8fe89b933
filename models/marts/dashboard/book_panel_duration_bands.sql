-- The book panel's session-length distribution (product spec 4.3), all time: plays per
-- band (under_2m, 2_5m, 5_10m, 10m_plus, full_video) summed over daily_book_duration_bands,
-- and their share of the book's plays.
with duration_bands as (

    select * from {{ ref('daily_book_duration_bands') }}

),

band_totals as (

    select
        book_id,
        duration_band,
        max(band_order) as band_order,
        sum(play_count) as play_count
    from duration_bands
    group by book_id, duration_band

),

book_totals as (

    select
        book_id,
        sum(play_count) as total_plays
    from band_totals
    group by book_id

),

final as (

    select
        -- ids
        band_totals.book_id,

        -- strings
        band_totals.duration_band,

        -- numerics
        cast(band_totals.band_order as integer) as band_order,
        cast(band_totals.play_count as integer) as play_count,
        cast(book_totals.total_plays as integer) as total_plays,
        cast(
            case
                when book_totals.total_plays > 0
                    then 100.0 * band_totals.play_count / book_totals.total_plays
            end
            as numeric(5, 2)
        ) as play_percentage

    from band_totals
    inner join book_totals
        on band_totals.book_id = book_totals.book_id

)

select * from final
