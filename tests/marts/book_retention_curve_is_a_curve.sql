-- Asserts: every book of book_retention_curve has all 21 marks, a share of 1 at mark 0,
-- and no mark with more plays than the mark before it (non-increasing). Returns the
-- offending books.
with curve as (

    select * from {{ ref('book_retention_curve') }}

),

steps as (

    select
        book_id,
        percent_mark,
        share,
        plays_reached,
        lag(plays_reached) over (partition by book_id order by percent_mark) as previous_reached
    from curve

),

books as (

    select
        book_id,
        count(*) as marks,
        sum(case when percent_mark = 0 and share = 1 then 1 else 0 end) as full_at_zero,
        sum(case when plays_reached > previous_reached then 1 else 0 end) as increases
    from steps
    group by book_id

)

select *
from books
where marks != 21 or full_at_zero != 1 or increases > 0
