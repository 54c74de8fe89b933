{#- What the runner's job passes for a var (its dates, received_through,
    statement_timeout_seconds, manage_partitions): the environment the runner sets for its
    invocation, STORYTIME_RUN_<NAME>, read only when executing, else the var of that name
    (an analyst's --vars, dbt_project.yml's default). Every job of the runner then parses
    with the same (no) vars, so a daily run after a backfill, or a backfill after a daily
    run, reuses the parse (DECISIONLOG 111). -#}
{% macro job_setting(name) %}
    {%- set value = env_var('STORYTIME_RUN_' ~ name | upper, '') if execute else '' -%}
    {{ return(value if value != '' else var(name)) }}
{% endmacro %}
