{#- on-run-start hook: drop the relations of models this project no longer has, so that no
    table with per-child rows outlives its model (forget-child only cleans the relations
    of the current dbt graph). int_usage_events_sessionized was a per-event scratch table
    until it became ephemeral (it is now inlined into int_play_segments_unsliced). The
    slices of the ordered pass above var ordered_pass_slices are disabled models: a run
    with fewer slices than the last one drops the tables of the others. -#}
{% macro drop_retired_relations() %}
    {%- set retired = [('intermediate', 'int_usage_events_sessionized')] -%}
    {%- for slice in range(storytime.ordered_pass_slices(), 8) -%}
        {%- do retired.append(('intermediate', 'int_play_segments_slice_' ~ slice)) -%}
    {%- endfor -%}
    {%- if execute -%}
        {%- for folder_schema, name in retired -%}
            {%- set relation = adapter.get_relation(
                database=target.database,
                schema=generate_schema_name(folder_schema, none),
                identifier=name,
            ) -%}
            {%- if relation is not none -%}
                {%- do log('dropping retired relation ' ~ relation, info=true) -%}
                {%- do adapter.drop_relation(relation) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
