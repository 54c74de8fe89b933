{#- dbt's hook for the `where` config of generic data tests, extended with a
    placeholder (documented dbt pattern: override get_where_subquery for custom logic;
    a test's YAML config cannot call project macros itself).
    - `__processed_dates__` (the project default, dbt_project.yml) filters the tested model
      to the dates the run processed when the model is replaced by date (its config
      `date_column`, see replace_dates_config), and does not filter otherwise: a build
      without date vars, a model without a date column, a source, a seed. So a daily run
      tests the dates it wrote instead of re-reading every play ever (and the rejects
      table by its reject_date instead of re-reading raw events). On the per-play and
      per-child-day tables (config touched_keys) a daily run's touched dates are tested
      for the touched pairs only: what it rewrote there; on a table by month (config
      months_onward, key_columns) the keys it rewrote, when this invocation did (else its
      months from the first processed one). When the run will publish every row (the
      build holds changes another job left unpublished: its tests failed, or it died),
      every row is tested, so that nothing is published untested. -#}
{% macro get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- if where == '__processed_dates__' and storytime.publishes_every_row() -%}
        {%- set where = none -%}
    {%- elif where == '__processed_dates__' -%}
        {%- set keyed_date_column = storytime.touched_keys_date_column(relation) -%}
        {%- if keyed_date_column and storytime.touched_dates(in_test=true) -%}
            {{ return(storytime.processed_plays_subquery(relation, keyed_date_column)) }}
        {%- endif -%}
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
    {#- (tests find int_touched_plays without ref: a test's dependencies are fixed at parse) -#}
    {%- if not execute or storytime.processing_range() is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model'
            and node.alias | lower == relation.identifier | lower
            and node.schema | lower == relation.schema | lower -%}
        {%- set date_column = node.config.get('date_column') -%}
        {%- set changed = storytime.changed_keys_of_this_run(relation) if node.config.get('months_onward') else none -%}
        {%- if date_column and changed is not none -%}
            {#- a table by month: the rows of the keys this invocation rewrote -#}
            {%- set months = storytime.in_replaced_dates(date_column, node.config, in_test=true) -%}
            {%- set keys = node.config.key_columns | join(', ') -%}
            {{ return(months ~ ' and (' ~ keys ~ ') in (select ' ~ keys ~ ' from ' ~ changed ~ ')') }}
        {%- elif date_column -%}
            {{ return(storytime.in_replaced_dates(date_column, node.config, in_test=true)) }}
        {%- endif -%}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{#- The date column of the model behind `relation` when it replaces touched plays by key
    (config touched_keys), else none. -#}
{% macro touched_keys_date_column(relation) %}
    {%- if not execute or storytime.processing_range() is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model'
            and node.alias | lower == relation.identifier | lower
            and node.schema | lower == relation.schema | lower
            and node.config.get('touched_keys') -%}
        {{ return(node.config.get('date_column')) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}

{#- The rows a daily run wrote to a touched_keys table: the whole dates (date index), plus
    the touched pairs' rows on the touched dates (pair index). -#}
{% macro processed_plays_subquery(relation, date_column) -%}
    (
        select * from {{ relation }}
        where {{ storytime.in_date_range(date_column) }}
        union all
        select tested.*
        from {{ relation }} as tested
        inner join ({{ storytime.touched_pairs(in_test=true) }}) as touched
            on
                tested.child_profile_id = touched.child_profile_id
                and tested.book_id = touched.book_id
                and tested.{{ date_column }} = touched.touched_date
    ) dbt_subquery
{%- endmacro %}
