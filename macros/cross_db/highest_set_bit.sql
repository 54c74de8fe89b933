{#- The position (0-based) of the highest set bit of a positive integer below 2^31: for a
    day mask, the last day's offset from the month start. In double precision: half a unit
    above the integer keeps powers of two from rounding below their exponent, and stays
    below the next power (the margin, > 2e-10 at 2^31, is far above the rounding error). -#}
{% macro highest_set_bit(expression) -%}
    cast(floor(ln({{ expression }} + 0.5) / ln(2)) as integer)
{%- endmacro %}
