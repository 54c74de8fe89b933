{#- The incremental configs of the dated and all-time models, per adapter. Models call
    config(..., **storytime.replace_dates_config('metric_date')) so that no model names an
    adapter's strategy.

    PostgreSQL: the project's `replace_dates` strategy (delete the processed dates, insert,
    one transaction) and delete+insert on the key for the all-time tables.
    Spark (Parquet, no Delta so no MERGE): insert_overwrite. Dated tables are partitioned
    by their date column and overwrite the processed dates' partitions (dynamic mode);
    macros/spark/insert_overwrite.sql also drops the processed dates that lost all their
    rows, which keeps replace_dates' meaning. All-time tables keep their untouched keys
    and overwrite the table (same file). -#}
{% macro replace_dates_config(date_column) %}
    {{ return(adapter.dispatch('replace_dates_config', 'storytime')(date_column)) }}
{% endmacro %}

{% macro default__replace_dates_config(date_column) %}
    {{ return({'incremental_strategy': 'replace_dates', 'date_column': date_column}) }}
{% endmacro %}

{% macro spark__replace_dates_config(date_column) %}
    {{ return({
        'incremental_strategy': 'insert_overwrite',
        'date_column': date_column,
        'partition_by': [date_column],
    }) }}
{% endmacro %}

{% macro replace_keys_config(unique_key) %}
    {{ return(adapter.dispatch('replace_keys_config', 'storytime')(unique_key)) }}
{% endmacro %}

{% macro default__replace_keys_config(unique_key) %}
    {{ return({'incremental_strategy': 'delete+insert', 'unique_key': unique_key}) }}
{% endmacro %}

{% macro spark__replace_keys_config(unique_key) %}
    {{ return({
        'incremental_strategy': 'insert_overwrite',
        'unique_key': unique_key,
        'post_hook': ["{{ storytime.spark_drop_scratch() }}"],
    }) }}
{% endmacro %}
