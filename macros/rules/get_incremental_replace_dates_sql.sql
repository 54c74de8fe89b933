{#- Incremental strategy `replace_dates`: a run replaces every row of the dates it processes
    (config `date_column`), and nothing else. Unlike delete+insert on a key, a date whose
    rows all disappeared is emptied too. Runs in the model's transaction, so a date is
    either fully old or fully new. On a full build (no date vars) every row is replaced.
    PostgreSQL only: on Spark the same models use insert_overwrite of the date partitions
    (macros/rules/incremental_config.sql). -#}
{% macro get_incremental_replace_dates_sql(arg_dict) %}
    {%- set date_column = config.require('date_column') -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    delete from {{ arg_dict['target_relation'] }}
    where {{ storytime.in_processing_range(date_column) }};

    insert into {{ arg_dict['target_relation'] }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
{% endmacro %}
