{#- Minutes watched (SPEC section 4; DECISIONLOG 5): exact seconds divided by 60 and
    rounded once to 2 decimals, never a sum of rounded minutes. `seconds` is an SQL
    expression of exact seconds (a sum over any window); `precision` the numeric's total
    digits (10 for a day's figure, 16 for a range). -#}
{% macro minutes_from_seconds(seconds, precision=10) -%}
    cast({{ seconds }} / 60 as numeric({{ precision }}, 2))
{%- endmacro %}
