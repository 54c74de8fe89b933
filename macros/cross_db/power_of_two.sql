{#- 2^n as a bigint, for n from 0 to 62: a day's bit in a month's day mask. A shift where
    the database has one (PostgreSQL: the range functions count children over every row of
    a scope's months with it, so it is on the JSON API's path), else an exact power (a
    double holds 2^n exactly). -#}
{% macro power_of_two(exponent) %}
    {{ return(adapter.dispatch('power_of_two', 'storytime')(exponent)) }}
{% endmacro %}

{% macro default__power_of_two(exponent) -%}
    cast(power(2, {{ exponent }}) as bigint)
{%- endmacro %}

{% macro postgres__power_of_two(exponent) -%}
    (cast(1 as bigint) << ({{ exponent }}))
{%- endmacro %}
