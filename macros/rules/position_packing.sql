{#- A last known position is found with one max(): event_sequence * base + position, where
    base = 2^32 exceeds any position in seconds (an integer >= 0 after cleaning) and the
    product stays far below 2^63 (a window holds far fewer than 2^31 events per child and
    book). unpack_position gives the position back. -#}
{% macro position_packing_base() -%}
    cast(4294967296 as {{ dbt.type_bigint() }})
{%- endmacro %}

{% macro unpack_position(packed) -%}
    cast(mod({{ packed }}, {{ storytime.position_packing_base() }}) as integer)
{%- endmacro %}
