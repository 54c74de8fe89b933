{#- Snapshots on Spark without Delta: dbt-spark's snapshot materialization needs MERGE
    (Delta, Iceberg or Hudi). With plain Parquet tables this one applies the same change
    set dbt computes for every adapter (snapshot_staging_table: inserts, and the
    dbt_valid_to of superseded versions) by rewriting the table: the next state is written
    to a scratch table, then copied over the snapshot with INSERT OVERWRITE (Spark cannot
    overwrite a table it is reading in the same statement). Snapshots are small (one row
    per book / asset version), so a rewrite costs little. With Delta on a cluster set
    file_format: delta for snapshots and dbt-spark's own materialization applies. -#}
{% materialization snapshot, adapter='spark' %}
    {%- set file_format = config.get('file_format') or 'parquet' -%}
    {%- if file_format in ['delta', 'iceberg', 'hudi'] -%}
        {{ exceptions.raise_compiler_error("snapshots on " ~ file_format ~ ": remove macros/spark/snapshot_parquet.sql to use dbt-spark's MERGE-based snapshots") }}
    {%- endif -%}
    {%- set grant_config = config.get('grants') -%}
    {%- set target_exists, target_relation = get_or_create_relation(
        database=none, schema=model.schema, identifier=model.get('alias', model.get('name')), type='table') -%}
    {%- if not adapter.check_schema_exists(model.database, model.schema) -%}
        {% do create_schema(target_relation) %}
    {%- endif -%}

    {{ run_hooks(pre_hooks) }}

    {%- set strategy_macro = strategy_dispatch(config.get('strategy')) -%}
    {%- set strategy = strategy_macro(model, "snapshotted_data", "source_data", model['config'], target_exists) -%}

    {%- if not target_exists -%}
        {% call statement('main') -%}
            {{ create_table_as(False, target_relation, build_snapshot_table(strategy, model['compiled_code'])) }}
        {%- endcall %}
    {%- else -%}
        {%- set names = config.get('snapshot_table_column_names') or get_snapshot_table_column_names() -%}
        {%- set changes = target_relation.incorporate(path={'identifier': target_relation.identifier ~ '__dbt_changes'}) -%}
        {%- set next_state = target_relation.incorporate(path={'identifier': target_relation.identifier ~ '__dbt_next'}) -%}
        {% do adapter.drop_relation(changes) %}
        {% do adapter.drop_relation(next_state) %}
        {% call statement('snapshot_changes') -%}
            create table {{ changes }} using parquet as
            {{ snapshot_staging_table(strategy, model['compiled_code'], target_relation) }}
        {%- endcall %}
        {%- set columns = adapter.get_columns_in_relation(target_relation) | map(attribute='name') | list -%}
        {% call statement('snapshot_next_state') -%}
            create table {{ next_state }} using parquet as
            select
                {%- for column in columns %}
                {% if column == names.dbt_valid_to -%}
                    case when current.{{ column }} is null then closed.{{ column }} else current.{{ column }} end as {{ column }}
                {%- else -%}
                    current.{{ column }}
                {%- endif %}{{ ',' if not loop.last }}
                {%- endfor %}
            from {{ target_relation }} as current
            left join (
                select {{ names.dbt_scd_id }}, {{ names.dbt_valid_to }}
                from {{ changes }}
                where dbt_change_type in ('update', 'delete')
            ) as closed
                on current.{{ names.dbt_scd_id }} = closed.{{ names.dbt_scd_id }}
            union all
            select {{ columns | join(', ') }}
            from {{ changes }}
            where dbt_change_type = 'insert'
        {%- endcall %}
        {% call statement('main') -%}
            insert overwrite table {{ target_relation }}
            select {{ columns | join(', ') }} from {{ next_state }}
        {%- endcall %}
        {% do adapter.drop_relation(changes) %}
        {% do adapter.drop_relation(next_state) %}
    {%- endif -%}

    {% do apply_grants(target_relation, grant_config, should_revoke(target_exists, full_refresh_mode)) %}
    {% do persist_docs(target_relation, model) %}
    {{ run_hooks(post_hooks) }}
    {{ return({'relations': [target_relation]}) }}
{% endmaterialization %}
