{#- Timestamps are timestamptz in the source; every date in SPEC.md is a UTC calendar date.
    These keep that independent of the session time zone. -#}
{% macro utc_date(column) %}
    {{ return(adapter.dispatch('utc_date', 'storytime')(column)) }}
{% endmacro %}

{% macro default__utc_date(column) -%}
    cast({{ column }} as date)
{%- endmacro %}

{% macro postgres__utc_date(column) -%}
    cast((({{ column }}) at time zone 'UTC') as date)
{%- endmacro %}

{#- A date (or datetime) as a UTC timestamp literal. -#}
{% macro utc_timestamp(value) %}
    {{ return(adapter.dispatch('utc_timestamp', 'storytime')(value)) }}
{% endmacro %}

{% macro default__utc_timestamp(value) -%}
    cast('{{ value }}' as timestamp)
{%- endmacro %}

{% macro postgres__utc_timestamp(value) -%}
    cast('{{ value }}+00' as timestamp with time zone)
{%- endmacro %}

{% macro date_literal(value) -%}
    cast('{{ value }}' as date)
{%- endmacro %}

{#- Exact elapsed seconds from a to b (fractional); dbt.datediff counts boundaries instead. -#}
{% macro seconds_between(a, b) %}
    {{ return(adapter.dispatch('seconds_between', 'storytime')(a, b)) }}
{% endmacro %}

{% macro default__seconds_between(a, b) -%}
    (cast(unix_micros({{ b }}) - unix_micros({{ a }}) as decimal(20, 6)) / 1000000)
{%- endmacro %}

{% macro postgres__seconds_between(a, b) -%}
    extract(epoch from ({{ b }} - {{ a }}))
{%- endmacro %}

{#- The UTC midnight that begins a date expression, as a timestamp comparable with the
    source's occurred_at (timestamptz on PostgreSQL, whatever the session time zone). -#}
{% macro utc_midnight(date_expression) %}
    {{ return(adapter.dispatch('utc_midnight', 'storytime')(date_expression)) }}
{% endmacro %}

{% macro default__utc_midnight(date_expression) -%}
    cast({{ date_expression }} as timestamp)
{%- endmacro %}

{% macro postgres__utc_midnight(date_expression) -%}
    (cast({{ date_expression }} as timestamp) at time zone 'UTC')
{%- endmacro %}
