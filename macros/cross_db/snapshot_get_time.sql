{#- Snapshot validity timestamps in UTC whatever the session time zone, so that a
    snapshot row's UTC day is simply cast(dbt_valid_from as date). -#}
{% macro postgres__snapshot_get_time() -%}
    (now() at time zone 'UTC')
{%- endmacro %}

{#- Spark timestamps are instants shown in the session time zone, which the profile sets to
    UTC: current_timestamp() is already the UTC time. -#}
{% macro spark__snapshot_get_time() -%}
    current_timestamp()
{%- endmacro %}
