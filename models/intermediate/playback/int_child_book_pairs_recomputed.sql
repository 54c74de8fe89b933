-- The child-book pairs whose all-time rows this run recomputes: every pair active on the
-- whole dates, the pairs a daily run touched on earlier dates, and the pairs that had rows
-- on the whole dates before this run (so a pair whose events disappeared is revisited and
-- its all-time row removed or corrected). child_viewing_histories replaces exactly these
-- pairs, book_dropoff_buckets their books. Every pair on a full build.
with child_book_days as (

    select * from {{ ref('int_child_book_days') }}
    where {{ storytime.in_date_range('activity_date') }}

),

touched_plays as (

    select * from {{ ref('int_touched_plays') }}
    where touch_kind in ('received', 'previous')

),

final as (

    select
        -- ids
        child_profile_id,
        book_id
    from child_book_days
    union
    select
        child_profile_id,
        book_id
    from touched_plays

)

select * from final
