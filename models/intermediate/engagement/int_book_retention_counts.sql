-- Per book and 5 % mark of the duration, all time: how many plays reached the mark
-- (max_position_seconds >= mark / 100 * the duration on the play's day) out of the plays
-- with a known duration and a known position (SPEC section 4, book_retention_curve).
-- Counts only: the protected road from per-play facts to the publisher-facing curve.
-- Rebuilt whole from every play on each run: nearly every book has plays on any day, so
-- recomputing the touched books would read about as much, and a table needs no rule for
-- which books a run touched (it always equals a full build).
{{ config(materialized='table', indexes=[{'columns': ['book_id', 'percent_mark'], 'unique': true}]) }}

with plays as (

    select * from {{ ref('int_plays') }}

),

marks as (

    select cast(5 * (generated_number - 1) as integer) as percent_mark
    from ({{ dbt.generate_series(21) }}) as series

),

measured_plays as (

    -- the highest mark each play reached: 5 * floor(20 * least(max / duration, 1)), so a
    -- play reached mark m exactly when its highest mark is at least m
    select
        plays.book_id,
        case
            when plays.max_position_seconds >= plays.duration_seconds then 100
            else 5 * floor(20 * cast(plays.max_position_seconds as {{ dbt.type_numeric() }}) / plays.duration_seconds)
        end as highest_mark
    from plays
    where plays.duration_seconds is not null and plays.max_position_seconds is not null

),

plays_by_highest_mark as (

    select
        book_id,
        highest_mark,
        count(*) as play_count
    from measured_plays
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
