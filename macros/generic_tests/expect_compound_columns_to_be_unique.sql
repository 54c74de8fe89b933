{#- Named after dbt-expectations' test: no two rows share the values of column_list. -#}
{% test expect_compound_columns_to_be_unique(model, column_list) %}
select
    {{ column_list | join(', ') }},
    count(*) as occurrences
from {{ model }}
group by {{ column_list | join(', ') }}
having count(*) > 1
{% endtest %}
