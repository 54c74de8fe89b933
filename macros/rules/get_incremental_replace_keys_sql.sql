{#- Incremental strategy `replace_keys` of the all-time tables: a run replaces every row of
    the keys it recomputes, listed by the model named in config `key_model` (its columns
    `key_columns`), and nothing else. Unlike delete+insert, which deletes only the keys the
    new rows have, a recomputed key that has no row any more (its events disappeared) is
    deleted too. On a full build (no date vars) every row is replaced. One transaction.
    PostgreSQL only; Spark: macros/spark/insert_overwrite.sql. -#}
{% macro get_incremental_replace_keys_sql(arg_dict) %}
    {%- set keys = config.get('key_columns') or config.require('unique_key') -%}
    {%- set keys = [keys] if keys is string else keys -%}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- if storytime.processing_range() is none -%}
        delete from {{ target_relation }};
    {%- else -%}
        {#- without key_model: the keys the new rows have (dbt's delete+insert) -#}
        {%- set key_model = config.get('key_model') -%}
        delete from {{ target_relation }} as replaced
        using (
            select distinct {{ keys | join(', ') }}
            from {{ ref(key_model) if key_model else arg_dict['temp_relation'] }}
        ) as recomputed
        where
            {% for key in keys %}replaced.{{ key }} = recomputed.{{ key }}{{ ' and ' if not loop.last }}{% endfor %};
    {%- endif %}

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
{% endmacro %}
