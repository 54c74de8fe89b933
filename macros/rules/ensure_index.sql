{#- An incremental run of a model whose incremental SQL needs an index (config indexes) on a
    table built before the model had it: builds the index once, with dbt's own index DDL
    (dbt creates a model's indexes only when it creates the table). PostgreSQL only. -#}
{% macro ensure_index(columns) %}
    {{ return(adapter.dispatch('ensure_index', 'storytime')(columns)) }}
{% endmacro %}

{% macro default__ensure_index(columns) %}
{% endmacro %}

{% macro postgres__ensure_index(columns) %}
    {%- if execute and is_incremental() -%}
        {%- set found = run_query(
            "select count(*) from pg_indexes where schemaname = '" ~ this.schema
            ~ "' and tablename = '" ~ this.identifier
            ~ "' and indexdef like '%USING btree (" ~ columns | join(', ') ~ ")'"
        ) -%}
        {%- if found.columns[0].values()[0] == 0 -%}
            {%- do log('creating the index on (' ~ columns | join(', ') ~ ') of ' ~ this, info=true) -%}
            {%- do run_query(get_create_index_sql(this, {'columns': columns})) -%}
        {%- endif -%}
    {%- endif -%}
{% endmacro %}
