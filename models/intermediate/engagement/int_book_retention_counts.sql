-- Per book and 5 % mark of the duration, all time: how many plays reached the mark
-- (max_position_seconds >= mark / 100 * the duration on the play's day) out of the plays
-- with a known duration and a known position (SPEC section 4, book_retention_curve).
-- Counts only: the protected road from per-play facts to the publisher-facing curve.
-- Rebuilt whole on each run from the per-day counts of each highest mark
-- (int_book_day_highest_marks: books times days times marks, not every play ever), so a
-- table needs no rule for which books a run touched (it always equals a full build).
{{ config(materialized='table', indexes=[{'columns': ['book_id', 'percent_mark'], 'unique': true}]) }}

with highest_mark_days as (

    select * from {{ ref('int_book_day_highest_marks') }}

),

marks as (

    select cast(5 * (generated_number - 1) as integer) as percent_mark
    from ({{ dbt.generate_series(21) }}) as series

),

plays_by_highest_mark as (

    select
        book_id,
        highest_mark,
        sum(play_count) as play_count
    from highest_mark_days
    group by book_id, highest_mark

),

final as (

    select
        -- ids
        plays_by_highest_mark.book_id,

        -- numerics
        marks.percent_mark,
        cast(sum(
            case
                when plays_by_highest_mark.highest_mark >= marks.percent_mark
                    then plays_by_highest_mark.play_count
                else 0
            end
        ) as integer) as plays_reached,
        cast(sum(plays_by_highest_mark.play_count) as integer) as plays_measured,

        -- timestamps
        {{ dbt.current_timestamp() }} as updated_at

    from plays_by_highest_mark
    cross join marks
    group by plays_by_highest_mark.book_id, marks.percent_mark

)

select * from final
