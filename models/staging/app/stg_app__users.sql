-- Parents' accounts: only their registration time is used (new_registrations).
with source as (

    select * from {{ source('app', 'users') }}

),

renamed as (

    select
        id as user_id,
        created_at
    from source

)

select * from renamed
