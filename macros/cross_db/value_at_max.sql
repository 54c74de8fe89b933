{#- Aggregate: the value of `value` on the row with the highest `key` among the rows where
    `value` is known and `condition` holds (null when there is none). -#}
{% macro value_at_max(value, key, condition='true') %}
    {{ return(adapter.dispatch('value_at_max', 'storytime')(value, key, condition)) }}
{% endmacro %}

{% macro default__value_at_max(value, key, condition='true') -%}
    max_by({{ value }}, case when {{ value }} is not null and {{ condition }} then {{ key }} end)
{%- endmacro %}

{% macro postgres__value_at_max(value, key, condition='true') -%}
    (array_agg({{ value }} order by {{ key }} desc) filter (where {{ value }} is not null and {{ condition }}))[1]
{%- endmacro %}
