{#- SQL functions in the marts' schema defined by the project's rule macros, so that the
    runner's range queries (report, JSON API: sums over any range of days) apply the same
    rule as the models instead of restating it: `completion_rate(completions,
    plays_with_duration)` is storytime.completion_rate. Replaced by every run (on-run-start),
    so a changed macro reaches the runner with the next run. PostgreSQL only: on other
    adapters the runner is not used and this is a no-op. -#}
{% macro create_rule_functions() %}
    {{ return(adapter.dispatch('create_rule_functions', 'storytime')()) }}
{% endmacro %}

{% macro default__create_rule_functions() -%}
    select 1
{%- endmacro %}

{% macro postgres__create_rule_functions() -%}
    create schema if not exists {{ adapter.quote(target.schema) }};
    create or replace function {{ adapter.quote(target.schema) }}.completion_rate(
        completions numeric, plays_with_duration numeric
    ) returns numeric(4, 3)
    language sql immutable parallel safe
    as $rule$ select {{ storytime.completion_rate('completions', 'plays_with_duration') }} $rule$
{%- endmacro %}
