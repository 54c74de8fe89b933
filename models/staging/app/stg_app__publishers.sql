-- Publishers.
with source as (

    select * from {{ source('app', 'publishers') }}

),

renamed as (

    select
        id as publisher_id,
        name as publisher_name,
        created_at
    from source

)

select * from renamed
