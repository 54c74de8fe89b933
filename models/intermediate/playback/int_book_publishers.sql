-- Which publisher a book had on which days: the books snapshot's versions (the version in
-- force at the end of a day applies to that day), and the current publisher for the days
-- before the snapshot's first record of the book. valid_from_date <= day < valid_to_date,
-- a null bound being open.
with books as (

    select * from {{ ref('stg_app__books') }}

),

versions as (

    select
        id as book_id,
        publisher_id,
        cast(dbt_valid_from as date) as valid_from_date,
        cast(dbt_valid_to as date) as valid_to_date
    from {{ ref('books_snapshot') }}

),

first_recorded as (

    select
        book_id,
        min(valid_from_date) as first_recorded_date
    from versions
    group by book_id

),

before_snapshot as (

    select
        books.book_id,
        books.publisher_id,
        cast(null as date) as valid_from_date,
        first_recorded.first_recorded_date as valid_to_date
    from books
    left join first_recorded
        on books.book_id = first_recorded.book_id

),

final as (

    select * from versions
    union all
    select * from before_snapshot

)

select * from final
