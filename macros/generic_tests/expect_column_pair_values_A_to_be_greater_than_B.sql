{#- Named after dbt-expectations' test: column_A > column_B (>= with or_equal) on every row
    where both are known. -#}
{% test expect_column_pair_values_A_to_be_greater_than_B(model, column_A, column_B, or_equal=false, row_condition=none) %}
select *
from {{ model }}
where
    {{ column_A }} is not null
    and {{ column_B }} is not null
    {% if row_condition %}and ({{ row_condition }}){% endif %}
    and not ({{ column_A }} {{ '>=' if or_equal else '>' }} {{ column_B }})
{% endtest %}
