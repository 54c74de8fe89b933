-- Which duration applies to a book on which days (SPEC section 1): the newest usable asset
-- (highest created_at, then id) created before the end of the day. One row per usable
-- asset with the UTC days it applies to: valid_from_date <= day < valid_to_date.
with assets as (

    select * from {{ ref('stg_app__video_assets') }}
    where duration_seconds is not null

),

ordered as (

    select
        book_id,
        video_asset_id,
        duration_seconds,
        created_at,
        lead(created_at) over (
            partition by book_id order by created_at, video_asset_id
        ) as superseded_at
    from assets

),

final as (

    select
        -- ids
        book_id,
        video_asset_id,

        -- numerics
        duration_seconds,

        -- dates
        {{ storytime.utc_date('created_at') }} as valid_from_date,
        {{ storytime.utc_date('superseded_at') }} as valid_to_date

    from ordered

)

select * from final
