-- Raw playback events, typed and renamed one to one. No filter: the models that read it
-- put their date window on occurred_at, which PostgreSQL pushes through this view so
-- only the needed monthly partitions are scanned.
with source as (

    select * from {{ source('app', 'usage_events') }}

),

renamed as (

    select
        -- ids
        id as usage_event_id,
        child_profile_id,
        book_id,

        -- strings
        event_type,

        -- numerics
        position_seconds as reported_position_seconds,
        case when position_seconds >= 0 then position_seconds end as position_seconds,

        -- timestamps
        occurred_at,
        created_at as received_at

    from source

)

select * from renamed
