{#- Incremental strategy `replace_dates`: a run replaces every row of the dates it processes
    (config `date_column`), and nothing else. Unlike delete+insert on a key, a date whose
    rows all disappeared is emptied too. Runs in the model's transaction, so a date is
    either fully old or fully new. On a full build (no date vars) every row is replaced.

    The per-play and per-child-day tables (config `touched_keys`) replace their rows by
    play instead on the dates before the whole dates that a daily run touched: only the
    touched child-book pairs' rows of those dates (int_touched_plays), through the table's
    (child_profile_id, book_id) index. With config `replace_also` (a column), a table
    replaces its whole dates and every row whose column holds a value of the new rows: the
    rejects add a daily run's received rejects by id, the reconciliation its recounted
    days. A table by month (config `months_onward`) replaces, from the first processed month
    on, the rows of the keys (config `key_columns`) the model returns: every month of each
    key it changed, a month with no day left as an empty mask (config `days_mask`), not
    inserted. The new rows (and so their keys) go into a table beside it for the publish
    and the data tests (macros/rules/changed_month_keys.sql); the keys' stored rows are
    deleted by a hash join (join_keys_by_hash) and the new ones inserted in key order.
    Every other table replaces the touched dates whole.

    PostgreSQL only: on Spark the same models use insert_overwrite of the date partitions
    (macros/rules/incremental_config.sql). -#}
{% macro get_incremental_replace_dates_sql(arg_dict) %}
    {%- set date_column = config.require('date_column') -%}
    {%- set target_relation = arg_dict['target_relation'] -%}
    {%- set columns = get_quoted_csv(arg_dict['dest_columns'] | map(attribute='name')) -%}
    {%- set kept = none -%}  {#- a predicate on the new rows to insert, else all of them -#}
    {%- set order = none -%}  {#- the order to insert them in, else as they come -#}
    {%- if config.get('touched_keys') -%}
        delete from {{ target_relation }}
        where {{ storytime.in_date_range(date_column) }};

        {%- if storytime.touched_dates() %}
        delete from {{ target_relation }} as replaced
        using ({{ storytime.touched_pairs() }}) as touched
        where
            replaced.child_profile_id = touched.child_profile_id
            and replaced.book_id = touched.book_id
            and replaced.{{ date_column }} = touched.touched_date;
        {%- endif %}
    {%- elif config.get('replace_also') -%}
        {%- set also = config.get('replace_also') -%}
        delete from {{ target_relation }}
        where {{ storytime.in_date_range(date_column) }};
        {%- if storytime.processing_range() is not none %}

        {#- (the new rows of the whole dates replaced them already, by date) #}
        delete from {{ target_relation }} as replaced
        using (
            select distinct {{ also }} from {{ arg_dict['temp_relation'] }}
            where not ({{ storytime.in_date_range(date_column) }})
        ) as recomputed
        where replaced.{{ also }} = recomputed.{{ also }};
        {%- endif %}
    {%- elif config.get('months_onward') and storytime.processing_range() is not none -%}
        {#- the model's rows are every month of the keys it changed, from the first
            processed month on: record the keys, replace their rows -#}
        {%- set keys = config.require('key_columns') -%}
        {%- set changed = storytime.changed_keys_relation(target_relation) -%}
        {%- set kept = config.require('days_mask') ~ ' <> 0' -%}
        {#- (in key order, the first key leading the table's key index: the index entries of
            one key land together; 7.0-7.8 s against 10.9-12.0 s for 1.24 M rows) -#}
        {%- set order = keys + [date_column] -%}
        drop table if exists {{ changed }};
        {#- (the new rows themselves, not only their keys: the publish copies them from here,
            a scan, instead of looking each key up in the table again) #}
        create unlogged table {{ changed }} as
        select {{ columns }} from {{ arg_dict['temp_relation'] }};
        comment on table {{ changed }} is '{{ invocation_id }}';
        analyze {{ changed }};
        {{ storytime.join_keys_by_hash() }};

        delete from {{ target_relation }} as replaced
        using {{ changed }} as changed
        where
            {{ storytime.in_replaced_dates('replaced.' ~ date_column, config) }}
            {%- for key in keys %}
            and replaced.{{ key }} = changed.{{ key }}
            {%- endfor %};
    {%- else -%}
        delete from {{ target_relation }}
        where {{ storytime.in_replaced_dates(date_column, config) }};
    {%- endif %}

    insert into {{ target_relation }} ({{ columns }})
    select {{ columns }}
    from {{ arg_dict['temp_relation'] }}
    {%- if kept %}
    {#- (an empty day mask only names a changed key whose month has no day left) #}
    where {{ kept }}
    {%- endif %}
    {%- if order %}
    order by {{ order | join(', ') }}
    {%- endif %}
{% endmacro %}
