-- Books with their current publisher.
with source as (

    select * from {{ source('app', 'books') }}

),

renamed as (

    select
        id as book_id,
        publisher_id,
        title,
        created_at
    from source

)

select * from renamed
