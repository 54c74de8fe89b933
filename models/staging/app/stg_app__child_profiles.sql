-- Children and their parent (unique_parents).
with source as (

    select * from {{ source('app', 'child_profiles') }}

),

renamed as (

    select
        id as child_profile_id,
        user_id,
        created_at
    from source

)

select * from renamed
