{#- Model contracts name PostgreSQL types (the production target) in the YAML. dbt checks a
    contract by casting nulls to the YAML types and comparing the resulting column types
    with the model's; on Spark the PostgreSQL-only names are translated first, so the same
    YAML serves both targets. Numeric, integer, bigint, date and boolean are valid Spark
    type names already. -#}
{% macro spark__get_empty_schema_sql(columns) %}
    {%- set translated = {} -%}
    {%- for name in columns -%}
        {%- set column = dict(columns[name]) -%}
        {%- if column.get('data_type') -%}
            {%- do column.update({'data_type': storytime.spark_type(column['data_type'])}) -%}
        {%- endif -%}
        {%- do translated.update({name: column}) -%}
    {%- endfor -%}
    {{ return(dbt.default__get_empty_schema_sql(translated)) }}
{% endmacro %}

{% macro spark_type(data_type) %}
    {%- set names = {
        'timestamp with time zone': 'timestamp',
        'timestamptz': 'timestamp',
        'text': 'string',
        'character varying': 'string',
    } -%}
    {{ return(names.get(data_type.strip().lower(), data_type)) }}
{% endmacro %}
