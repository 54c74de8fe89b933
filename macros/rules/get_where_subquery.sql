{#- dbt's hook for the `where` config of generic data tests, extended with a
    placeholder (documented dbt pattern: override get_where_subquery for custom logic;
    a test's YAML config cannot call project macros itself).
    - `__processed_dates__` (the project default, dbt_project.yml) filters the tested model
      to the dates the run processed when the model is replaced by date (its config
      `date_column`, see replace_dates_config), and does not filter otherwise: a build
      without date vars, a model without a date column, a source, a seed. So a daily run
      tests the dates it wrote instead of re-reading every play ever (and the rejects
      table by its reject_date instead of re-reading raw events). -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where == '__processed_dates__' -%}
        {%- set where = storytime.processed_dates_filter(relation) -%}
    {%- endif -%}
    {%- if where -%}
        {%- set filtered -%}
            (select * from {{ relation }} where {{ where }}) dbt_subquery
        {%- endset -%}
        {{ return(filtered) }}
    {%- else -%}
        {{ return(relation) }}
    {%- endif -%}
{%- endmacro %}

{#- The processed-dates predicate on the date column of the model behind `relation`, or
    none (no date vars, no such model, no date column; also while parsing). -#}
{% macro processed_dates_filter(relation) %}
    {%- if not execute or storytime.processing_range() is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model'
            and node.alias | lower == relation.identifier | lower
            and node.schema | lower == relation.schema | lower -%}
        {%- set date_column = node.config.get('date_column') -%}
        {%- if date_column -%}
            {{ return(storytime.in_processing_range(date_column)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}
