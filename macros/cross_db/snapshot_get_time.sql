{#- Snapshot validity timestamps in UTC whatever the session time zone, so that a
    snapshot row's UTC day is simply cast(dbt_valid_from as date). -#}
{% macro postgres__snapshot_get_time() -%}
    (now() at time zone 'UTC')
{%- endmacro %}
