{#- Join condition: the row of a validity table (valid_from_date <= day < valid_to_date,
    null bounds open) that applies on `day`. -#}
{% macro valid_on(relation_alias, day) -%}
    ({{ relation_alias }}.valid_from_date is null or {{ relation_alias }}.valid_from_date <= {{ day }})
    and ({{ relation_alias }}.valid_to_date is null or {{ day }} < {{ relation_alias }}.valid_to_date)
{%- endmacro %}
