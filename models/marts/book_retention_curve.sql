-- The audience retention curve (SPEC section 4), per book and 5 % mark of the duration, all
-- time: the plays that reached the mark and their share of the book's plays with a known
-- duration and position (1 at mark 0, non-increasing). All 21 marks for every book with
-- at least one such play. PUBLISHER-FACING: counts only, from the protected
-- int_book_retention_counts. Small (21 rows per book), so rebuilt whole on every run.
{{ config(materialized='table', indexes=[{'columns': ['book_id', 'percent_mark'], 'unique': true}]) }}

with retention_counts as (

    select * from {{ ref('int_book_retention_counts') }}

),

final as (

    select
        -- ids
        book_id,

        -- numerics
        percent_mark,
        plays_reached,
        plays_measured,
        -- SPEC section 4's name
        cast(1.0 * plays_reached / plays_measured as numeric(5, 4)) as share,  -- noqa: RF04

        -- timestamps
        {{ dbt.current_timestamp() }} as updated_at

    from retention_counts

)

select * from final
