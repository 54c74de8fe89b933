{#- The position (0-based) of the highest set bit of a positive integer below 2^31: for a
    day mask, the last day's offset from the month start. -#}
{% macro highest_set_bit(expression) %}
    {{ return(adapter.dispatch('highest_set_bit', 'storytime')(expression)) }}
{% endmacro %}

{#- (numeric logarithm: exact at powers of two and below them) -#}
{% macro default__highest_set_bit(expression) -%}
    cast(floor(log(2, cast({{ expression }} as numeric))) as integer)
{%- endmacro %}

{% macro spark__highest_set_bit(expression) -%}
    (length(bin({{ expression }})) - 1)
{%- endmacro %}
