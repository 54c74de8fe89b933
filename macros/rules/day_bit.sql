{#- A day's bit in its month's day mask (child_activity_months): bit d - 1 for day d of
    the month that begins on month_start, as a bigint. The masks are their days' bits
    combined by bit_or (PostgreSQL and Spark) and read with `&`. -#}
{% macro day_bit(month_start, day) -%}
    {{ storytime.power_of_two(dbt.datediff(month_start, day, 'day')) }}
{%- endmacro %}
