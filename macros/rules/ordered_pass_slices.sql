{#- The ordered pass in parallel slices (issue 12): PostgreSQL runs a window function in
    one process, so the pass is split by child into `ordered_pass_slices` statements
    (int_play_segments_slice_0..7) that dbt runs at once, one per thread. A child's
    events are all in one slice (every window and group of the pass is per child), so the
    slices' union is the pass over the whole window for any number of slices.
    The number is fixed when dbt parses the project (it decides which slice models are
    enabled): var ordered_pass_slices, by default the threads of that parse; 1 to 8 (one
    model file per slice). While executing it is read back from the graph (the enabled
    slice models), so the slices' filters and their union always agree with the models
    that exist, whatever --threads a later command is given. -#}
{% macro ordered_pass_slices() %}
    {%- if execute -%}
        {%- set enabled = [] -%}
        {%- for node in graph.nodes.values() -%}
            {%- if node.resource_type == 'model' and node.name.startswith('int_play_segments_slice_') -%}
                {%- do enabled.append(node.name) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if enabled -%}
            {{ return(enabled | length) }}
        {%- endif -%}
    {%- endif -%}
    {%- set slices = var('ordered_pass_slices', none) -%}
    {%- if slices is none -%}
        {%- set slices = target.threads -%}
    {%- endif -%}
    {%- if slices is not number or slices != slices | int or slices < 1 or slices > 8 -%}
        {{ exceptions.raise_compiler_error(
            "ordered_pass_slices must be a whole number from 1 to 8 (one model per slice, "
            ~ "int_play_segments_slice_0..7), not " ~ slices) }}
    {%- endif -%}
    {{ return(slices | int) }}
{% endmacro %}

{#- Whether slice `slice` (from 0) runs: config(enabled=...) of the slice models. -#}
{% macro ordered_pass_slice_enabled(slice) %}
    {{ return(slice < storytime.ordered_pass_slices()) }}
{% endmacro %}

{#- The predicate keeping slice `slice`'s children (true when there is one slice): the
    child's id modulo the number of slices. Ids are assigned in sign-up order and viewing
    does not depend on an id's remainder, so the slices are even (a hash would add work
    per event and nothing else). -#}
{% macro in_ordered_pass_slice(slice, column='child_profile_id') %}
    {%- set slices = storytime.ordered_pass_slices() -%}
    {%- if slices == 1 -%}
        {{ column }} is not null
    {%- else -%}
        mod({{ column }}, {{ slices }}) = {{ slice }}
    {%- endif -%}
{% endmacro %}

{#- The body of slice `slice`'s model (int_play_segments_slice_<slice>): the segments of the
    ordered pass whose child is in the slice. One definition for the eight slice models,
    which differ only in their number. -#}
{% macro ordered_pass_slice(slice) %}
with segments as (

    select * from {{ ref('int_play_segments_unsliced') }}

),

final as (

    select * from segments
    where {{ storytime.in_ordered_pass_slice(slice) }}

)

select * from final
{% endmacro %}
