{#- dbt-spark's insert_overwrite (this project's override of its get_insert_overwrite_sql;
    Spark only, PostgreSQL never calls it), given the two meanings our incremental models
    need (macros/rules/incremental_config.sql):

    - dated tables (config date_column, partitioned by it): the processed dates' partitions
      are overwritten with the new rows (dynamic partition overwrite). A processed date with
      no new row would keep its old partition, so those partitions are dropped first:
      every processed date ends up holding exactly the new rows, as replace_dates does on
      PostgreSQL.
    - all-time tables (config unique_key, key_model): the rows of keys the run did not
      recompute (key_model lists them; every key on a full build) are kept.
      The next state (kept rows plus new rows) is written to a scratch table, then copied
      over the table (Spark cannot overwrite a table it reads in the same statement); a
      post-hook drops the scratch table.

    Parquet on Spark has no transactions: a failure in between leaves the table partly
    replaced; rerunning the same dates repairs it (as on PostgreSQL after a killed run). -#}
{% macro get_insert_overwrite_sql(source_relation, target_relation, existing_relation) %}
    {%- set dest_cols_csv = adapter.get_columns_in_relation(target_relation) | map(attribute='quoted') | join(', ') -%}
    {%- set date_column = config.get('date_column') -%}
    {%- set unique_key = config.get('unique_key') -%}
    {%- if date_column and config.get('partition_by') -%}
        {%- do storytime.spark_drop_emptied_dates(source_relation, target_relation, date_column) -%}
        insert overwrite table {{ target_relation }}
        {{ partition_cols(label="partition") }}
        select {{ dest_cols_csv }} from {{ source_relation }}
    {%- elif unique_key -%}
        {%- set keys = config.get('key_columns') or unique_key -%}
        {%- set keys = [keys] if keys is string else keys -%}
        {%- set scratch = storytime.spark_scratch_relation(target_relation) -%}
        {% call statement('replace_keys_drop_scratch') -%}
            drop table if exists {{ scratch }}
        {%- endcall %}
        {% call statement('replace_keys_next_state') -%}
            create table {{ scratch }} using parquet as
            select {{ dest_cols_csv }}
            from {{ target_relation }} as kept
            left anti join (
                {%- if storytime.processing_range() is none %}
                select {{ keys | join(', ') }} from {{ target_relation }}
                {%- elif config.get('key_model') %}
                select distinct {{ keys | join(', ') }} from {{ ref(config.get('key_model')) }}
                {%- else %}
                select distinct {{ keys | join(', ') }} from {{ source_relation }}
                {%- endif %}
            ) as replaced
                on {% for key in keys %}kept.{{ key }} = replaced.{{ key }}{{ ' and ' if not loop.last }}{% endfor %}
            union all
            select {{ dest_cols_csv }} from {{ source_relation }}
        {%- endcall %}
        insert overwrite table {{ target_relation }}
        select {{ dest_cols_csv }} from {{ scratch }}
    {%- else -%}
        insert overwrite table {{ target_relation }}
        {{ partition_cols(label="partition") }}
        select {{ dest_cols_csv }} from {{ source_relation }}
    {%- endif -%}
{% endmacro %}

{#- Drops the partitions of processed dates for which the run produced no row. -#}
{% macro spark_drop_emptied_dates(source_relation, target_relation, date_column) %}
    {%- set query -%}
        select distinct cast(old.{{ date_column }} as string)
        from {{ target_relation }} as old
        left anti join (select distinct {{ date_column }} from {{ source_relation }}) as new
            on old.{{ date_column }} = new.{{ date_column }}
        {#- (the rejects and the reconciliation, replace_also, replace their whole dates by
            date: they do not depend on the touched plays) #}
        where {{ storytime.in_date_range('old.' ~ date_column) if config.get('replace_also')
                 else storytime.in_processing_range('old.' ~ date_column) }}
    {%- endset -%}
    {%- set emptied = run_query(query).columns[0].values() | list -%}
    {%- if emptied -%}
        {{ log("replace_dates on Spark: " ~ target_relation ~ " has no row left for " ~ emptied | join(', ') ~ "; dropping those partitions", info=true) }}
        {% call statement('drop_emptied_dates') -%}
            alter table {{ target_relation }} drop if exists
            {% for day in emptied %}partition ({{ date_column }} = date'{{ day }}'){{ ', ' if not loop.last }}{% endfor %}
        {%- endcall %}
    {%- endif -%}
{% endmacro %}

{% macro spark_scratch_relation(relation) %}
    {{ return(relation.incorporate(path={'identifier': relation.identifier ~ '__dbt_next'})) }}
{% endmacro %}

{#- Post-hook of the all-time tables on Spark (see incremental_config.sql). -#}
{% macro spark_drop_scratch() -%}
    drop table if exists {{ storytime.spark_scratch_relation(this) }}
{%- endmacro %}
