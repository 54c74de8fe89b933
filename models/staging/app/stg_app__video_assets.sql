-- Video assets; a duration that is null or not positive is unusable (unknown).
with source as (

    select * from {{ source('app', 'video_assets') }}

),

renamed as (

    select
        id as video_asset_id,
        book_id,
        case when duration_seconds > 0 then duration_seconds end as duration_seconds,
        created_at
    from source

)

select * from renamed
