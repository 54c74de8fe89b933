{#- Pre-hook of every model: its statements run under statement_timeout (var
    statement_timeout_seconds, default 30, or the runner's job_setting: it raises it for
    backfills), so a runaway query cannot hold the database. `set local`: it ends with the
    model's transaction. -#}
{% macro set_statement_timeout() %}
    {{ return(adapter.dispatch('set_statement_timeout', 'storytime')()) }}
{% endmacro %}

{% macro default__set_statement_timeout() %}
{% endmacro %}

{#- Spark has no per-statement timeout: nothing to set (a cluster bounds runs with its
    own job timeouts). -#}
{% macro spark__set_statement_timeout() %}
    {%- do log("set_statement_timeout: skipped on Spark (no statement_timeout)", info=false) -%}
{% endmacro %}

{% macro postgres__set_statement_timeout() -%}
    set local statement_timeout = '{{ (storytime.job_setting("statement_timeout_seconds") | float * 1000) | round | int }}ms'
{%- endmacro %}
