{#- The incremental configs of the dated and all-time models, per adapter. Models call
    config(..., **storytime.replace_dates_config('metric_date')) so that no model names an
    adapter's strategy.

    PostgreSQL: the project's `replace_dates` strategy (delete the processed dates, insert,
    one transaction; by play on the dates a daily run touched, with touched_keys; or, with
    replace_also, the whole dates and every row whose replace_also column has a value the
    new rows have: the rejects by id, the reconciliation by day) and its
    `replace_keys` strategy for the all-time tables (delete the keys listed by key_model,
    insert).
    Spark (Parquet, no Delta so no MERGE): insert_overwrite. Dated tables are partitioned
    by their date column and overwrite the processed dates' partitions (dynamic mode);
    macros/spark/insert_overwrite.sql also drops the processed dates that lost all their
    rows, which keeps replace_dates' meaning. All-time tables keep their untouched keys
    and overwrite the table (same file). -#}
{% macro replace_dates_config(date_column, touched_keys=false, replace_also=none) %}
    {{ return(adapter.dispatch('replace_dates_config', 'storytime')(date_column, touched_keys, replace_also)) }}
{% endmacro %}

{% macro default__replace_dates_config(date_column, touched_keys=false, replace_also=none) %}
    {{ return({
        'incremental_strategy': 'replace_dates',
        'date_column': date_column,
        'touched_keys': touched_keys,
        'replace_also': replace_also,
    }) }}
{% endmacro %}

{#- (The runner never passes touched plays or received rows to Spark: its runs replace
    whole dates.) -#}
{% macro spark__replace_dates_config(date_column, touched_keys=false, replace_also=none) %}
    {{ return({
        'incremental_strategy': 'insert_overwrite',
        'date_column': date_column,
        'partition_by': [date_column],
        'replace_also': replace_also,
    }) }}
{% endmacro %}

{#- A table by month whose rows also depend on the months before (child_activity_months:
    a day mask per key and month, and the previous active day). PostgreSQL: replace_dates
    with months_onward: a run replaces, from the first processed month on, the rows of the
    keys (key_columns) it recomputed and of the keys whose stored mask (days_mask) has a
    processed day. Spark, whose runs replace whole dates anyway, rebuilds the table.
    Such a run rewrites many rows that the next models read by index-only scans: a VACUUM
    after its commit marks them all-visible (vacuum_relation). -#}
{% macro replace_months_config(date_column, key_columns, days_mask) %}
    {{ return(adapter.dispatch('replace_months_config', 'storytime')(date_column, key_columns, days_mask)) }}
{% endmacro %}

{% macro default__replace_months_config(date_column, key_columns, days_mask) %}
    {{ return({
        'materialized': 'incremental',
        'incremental_strategy': 'replace_dates',
        'date_column': date_column,
        'months_onward': true,
        'key_columns': key_columns,
        'days_mask': days_mask,
        'on_schema_change': 'append_new_columns',
        'post_hook': [{'sql': '{{ storytime.vacuum_relation() }}', 'transaction': false}],
    }) }}
{% endmacro %}

{% macro spark__replace_months_config(date_column, key_columns, days_mask) %}
    {{ return({'materialized': 'table'}) }}
{% endmacro %}

{#- key_model: the model listing the keys a run recomputes (none: the keys of the new rows);
    key_columns: its columns that name them (default unique_key), e.g. book_id for a table
    keyed by book and bucket. -#}
{% macro replace_keys_config(unique_key, key_model=none, key_columns=none) %}
    {{ return(adapter.dispatch('replace_keys_config', 'storytime')(unique_key, key_model, key_columns or unique_key)) }}
{% endmacro %}

{% macro default__replace_keys_config(unique_key, key_model, key_columns) %}
    {{ return({
        'incremental_strategy': 'replace_keys',
        'unique_key': unique_key,
        'key_model': key_model,
        'key_columns': key_columns,
    }) }}
{% endmacro %}

{% macro spark__replace_keys_config(unique_key, key_model, key_columns) %}
    {{ return({
        'incremental_strategy': 'insert_overwrite',
        'unique_key': unique_key,
        'key_model': key_model,
        'key_columns': key_columns,
        'post_hook': ["{{ storytime.spark_drop_scratch() }}"],
    }) }}
{% endmacro %}
