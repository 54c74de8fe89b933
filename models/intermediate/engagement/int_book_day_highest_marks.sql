-- Per book, play day and highest 5 % mark reached: how many plays that began that day with
-- a known duration and a known max position reached that mark and no higher (SPEC
-- section 4, book_retention_curve). The all-time retention counts sum these rows instead
-- of re-reading every play ever. A run replaces the dates it processes (its range and the
-- earlier dates whose plays it recomputed), re-aggregated from int_plays of those dates.
{{
    config(
        materialized='incremental',
        indexes=[{'columns': ['play_date']}],
        on_schema_change='append_new_columns',
        **storytime.replace_dates_config('play_date'),
    )
}}

with plays as (

    select * from {{ ref('int_plays') }}
    where {{ storytime.in_processing_range('play_date') }}

),

measured_plays as (

    -- the highest mark each play reached: 5 * floor(20 * least(max / duration, 1)), so a
    -- play reached mark m exactly when its highest mark is at least m
    select
        book_id,
        play_date,
        case
            when max_position_seconds >= duration_seconds then 100
            else 5 * floor(20 * cast(max_position_seconds as {{ dbt.type_numeric() }}) / duration_seconds)
        end as highest_mark
    from plays
    where duration_seconds is not null and max_position_seconds is not null

),

final as (

    select
        -- ids
        book_id,

        -- dates
        play_date,

        -- numerics
        cast(highest_mark as integer) as highest_mark,
        cast(count(*) as integer) as play_count

    from measured_plays
    group by book_id, play_date, highest_mark

)

select * from final
