-- Revenue attribution (product spec 3.4): each payout split over the publisher's books in
-- proportion to their minutes watched in the payout's period (days the book was the
-- publisher's). Exists only when var('payouts_enabled'). Attributed amounts are rounded to
-- the cent, so a payout's rows can differ from its amount by a cent or two. A payout whose
-- period has no minutes has no row. PUBLISHER-FACING: aggregates only.
{{ config(enabled=var('payouts_enabled')) }}

with payouts as (

    select * from {{ ref('stg_payouts__publisher_payouts') }}

),

book_days as (

    select * from {{ ref('daily_book_metrics') }}

),

books as (

    select * from {{ ref('stg_app__books') }}

),

payout_books as (

    select
        payouts.payout_id,
        book_days.book_id,
        sum(book_days.total_minutes_watched) as total_minutes_watched
    from payouts
    inner join book_days
        on
            payouts.publisher_id = book_days.publisher_id
            and book_days.metric_date between payouts.period_start_date and payouts.period_end_date
    group by payouts.payout_id, book_days.book_id

),

payout_totals as (

    select
        payout_id,
        sum(total_minutes_watched) as publisher_minutes
    from payout_books
    group by payout_id

),

final as (

    select
        -- ids
        payouts.payout_id,
        payouts.publisher_id,
        payout_books.book_id,

        -- strings
        books.title,
        payouts.currency,

        -- numerics
        payouts.payout_amount,
        cast(payout_books.total_minutes_watched as numeric(14, 2)) as total_minutes_watched,
        cast(payout_totals.publisher_minutes as numeric(14, 2)) as publisher_minutes_watched,
        cast(payout_books.total_minutes_watched / payout_totals.publisher_minutes as numeric(7, 6))
            as minutes_share,
        cast(
            round(payouts.payout_amount * payout_books.total_minutes_watched / payout_totals.publisher_minutes, 2)
            as numeric(14, 2)
        ) as attributed_amount,

        -- dates
        payouts.period_start_date,
        payouts.period_end_date

    from payout_books
    inner join payout_totals
        on payout_books.payout_id = payout_totals.payout_id
    inner join payouts
        on payout_books.payout_id = payouts.payout_id
    left join books
        on payout_books.book_id = books.book_id
    where payout_totals.publisher_minutes > 0

)

select * from final
