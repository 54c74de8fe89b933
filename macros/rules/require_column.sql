{#- Stops an incremental run on a table built before `column` existed (its earlier rows would
    hold nulls there, which later runs read): one line saying how to rebuild it once. -#}
{% macro require_column(column) %}
    {%- if execute and is_incremental()
            and column not in (adapter.get_columns_in_relation(this) | map(attribute='name') | list) -%}
        {{ exceptions.raise_compiler_error(
            this ~ " was built before it had the column " ~ column ~ ": rebuild it once with"
            ~ " `dbt build --full-refresh --select " ~ this.identifier ~ "+` (README, Upgrading)") }}
    {%- endif -%}
{% endmacro %}
