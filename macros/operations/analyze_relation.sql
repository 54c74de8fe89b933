{#- Post-hook of the tables other models join: refresh the planner's statistics right after
    a run replaced rows. Without it the next model plans against stale estimates (a just
    emptied-and-refilled date looks empty) and can pick a nested loop that runs for
    minutes; autovacuum's analyze comes too late for the same dbt run. -#}
{% macro analyze_relation() %}
    {{ return(adapter.dispatch('analyze_relation', 'storytime')()) }}
{% endmacro %}

{% macro default__analyze_relation() %}
{% endmacro %}

{#- Spark plans without table statistics unless the cost-based optimizer is switched on
    (off by default): computing them would cost a scan for nothing. -#}
{% macro spark__analyze_relation() %}
    {%- do log("analyze_relation: skipped on Spark (no cost-based optimizer) for " ~ this, info=false) -%}
{% endmacro %}

{% macro postgres__analyze_relation() -%}
    analyze {{ this }}
{%- endmacro %}
