{#- dbt.dateadd on Spark, exact and null-safe. dbt-spark's version goes through
    to_unix_timestamp (whole seconds) and asserts its argument is not null; the models shift
    event times with sub-second precision (session gaps, the 45 s cap, the 06:00 cut-off)
    and shift nullable ones (the next event's time). Hours, minutes and seconds are added
    as microseconds; days and weeks too (the session time zone is UTC, no daylight saving);
    months, quarters and years with add_months on the date. -#}
{% macro spark__dateadd(datepart, interval, from_date_or_timestamp) %}
    {%- set seconds = {'second': 1, 'minute': 60, 'hour': 3600, 'day': 86400, 'week': 604800} -%}
    {%- set months = {'month': 1, 'quarter': 3, 'year': 12} -%}
    {%- if datepart in seconds -%}
        timestamp_micros(
            unix_micros(cast({{ from_date_or_timestamp }} as timestamp))
            + cast({{ interval }} as bigint) * {{ seconds[datepart] * 1000000 }}
        )
    {%- elif datepart in months -%}
        cast(add_months(cast({{ from_date_or_timestamp }} as date), cast({{ interval }} * {{ months[datepart] }} as int)) as timestamp)
    {%- else -%}
        {{ exceptions.raise_compiler_error("dateadd: datepart " ~ datepart ~ " is not implemented on Spark") }}
    {%- endif -%}
{% endmacro %}
