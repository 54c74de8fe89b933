-- The play segments of the run's window: the union of the ordered pass's slices
-- (int_play_segments_slice_<k>, one per var ordered_pass_slices, each written by its own
-- statement at the same time; no child is in two). A view: int_plays and
-- int_child_book_days read the slices' rows once each, nothing is copied.
{{ config(materialized='view') }}

with final as (

    {% for slice in range(storytime.ordered_pass_slices()) -%}
    select * from {{ ref('int_play_segments_slice_' ~ slice) }}
    {% if not loop.last %}union all
    {% endif -%}
    {%- endfor %}

)

select * from final  -- noqa: AM04
