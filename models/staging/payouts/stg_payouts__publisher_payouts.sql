-- The payout system's publisher payouts, renamed. Exists only when var('payouts_enabled').
{{ config(enabled=var('payouts_enabled')) }}

with source as (

    select * from {{ source('payouts', 'publisher_payouts') }}

),

renamed as (

    select
        id as payout_id,
        publisher_id,
        cast(period_start as date) as period_start_date,
        cast(period_end as date) as period_end_date,
        cast(amount as numeric(14, 2)) as payout_amount,
        currency
    from source

)

select * from renamed
