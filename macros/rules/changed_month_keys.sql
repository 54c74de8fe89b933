{#- The keys a run changes in a table by month (child_activity_months: a day mask per key
    and month; config months_onward, key_columns, days_mask). A row changes when a day of
    its mask is recomputed: a whole date of the run, or an earlier date on which the daily
    run recomputed some of the row's child's plays (int_touched_plays). The model finds
    those keys (its one definition) and returns every month of theirs from the first
    processed month on, a month whose days are all gone with an empty mask; the strategy
    records the keys it replaced, with their new rows, in a table beside the model's
    (changed_keys_relation), which the publish (it copies the rows from there) and the data
    tests (they read the keys' rows in the table) of the same invocation read. -#}

{#- The run's whole dates in `month_column`'s month as a day mask (bit d - 1 for day d): one
    literal per month of the range, 0 for any other month. A bigint. -#}
{% macro whole_days_mask(month_column) %}
    {%- set processing = storytime.processing_range() -%}
    {%- set masks = {} -%}
    {%- if processing is not none -%}
        {%- for offset in range((processing.end - processing.start).days + 1) -%}
            {%- set day = processing.start + modules.datetime.timedelta(days=offset) -%}
            {%- set month = day.replace(day=1) -%}
            {%- do masks.update({month: masks.get(month, 0) + 2 ** (day.day - 1)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not masks -%}
        cast(0 as bigint)
    {%- else -%}
        cast(case {{ month_column }}
        {%- for month in masks | sort %} when {{ storytime.date_literal(month) }} then {{ masks[month] }}{% endfor %}
        else 0 end as bigint)
    {%- endif -%}
{% endmacro %}

{#- A query of the earlier days on which a daily run recomputed some plays of a child, as
    (child_profile_id, month_start, touched_days_mask); no rows when there are none. -#}
{% macro touched_days_masks() %}
    {%- set touched = storytime.touched_dates() -%}
    {%- if touched -%}
        {%- set relation = ref('int_touched_plays') -%}
        select
            child_profile_id,
            month_start,
            bit_or({{ storytime.day_bit('month_start', 'touched_date') }}) as touched_days_mask
        -- (a child's day repeats once per touched book: bit_or ignores repeats)
        from (
            select
                child_profile_id,
                touched_date,
                cast({{ dbt.date_trunc('month', 'touched_date') }} as date) as month_start
            from {{ relation }}
            where touch_kind = 'received'
        ) as touched_days
        group by child_profile_id, month_start
    {%- else -%}
        select
            cast(null as bigint) as child_profile_id,
            cast(null as date) as month_start,
            cast(0 as bigint) as touched_days_mask
        where false
    {%- endif -%}
{% endmacro %}

{#- Whether a run of the table by month (child_activity_months) changes one month only: every
    recomputed day lies in `first_month` (the first processed month) and no stored row is
    of a later month. Then each changed key has that one month to update, and its previous
    active day is its stored row's, or the months before's when it has none. The platform
    scope has a row for every child and month of any scope, so its latest month is the
    table's: one lookup at the end of the (scope_kind, scope_id, month_start) index. False
    while parsing, on a full build and when a month follows. -#}
{% macro changes_one_month(relation, first_month) %}
    {%- set processing = storytime.processing_range() -%}
    {%- if not execute or first_month is none or processing.end.replace(day=1) != first_month -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set latest = run_query(
        "select max(month_start) from " ~ relation ~ " where scope_kind = 'platform' and scope_id = 0"
    ).rows[0][0] -%}
    {{ return(latest is none or latest <= first_month) }}
{% endmacro %}

{#- The latest active day of a key (the scope_kind, scope_id and child_profile_id columns of
    `key_alias`) in `relation`'s months before `first_month`, as a scalar subquery through
    the (child_profile_id, scope_kind, scope_id, month_start) index: what a key with no
    stored month from the first processed month on carries into it. -#}
{% macro previous_active_before(relation, key_alias, first_month) %}
    (
        select max(earlier_months.last_active_date)
        from {{ relation }} as earlier_months
        where
            earlier_months.child_profile_id = {{ key_alias }}.child_profile_id
            and earlier_months.scope_kind = {{ key_alias }}.scope_kind
            and earlier_months.scope_id = {{ key_alias }}.scope_id
            and earlier_months.month_start < {{ storytime.date_literal(first_month) }}
    )
{%- endmacro %}

{#- Where a run by key records the keys it replaced in `relation`, as their new rows (every
    month from the first processed month on; a month with no day left has an empty mask):
    `<table>__changed_keys` in the same schema, commented with the invocation that wrote
    it. Written in the model's transaction by the strategy, dropped by the publish (it
    names children). -#}
{% macro changed_keys_relation(relation) %}
    {{ return(relation.incorporate(path={'identifier': relation.identifier ~ '__changed_keys'})) }}
{% endmacro %}

{#- The changed keys' table of `relation` when this invocation's strategy wrote it, else
    none (the model was not replaced by key in this invocation: a rebuild, a backfill's
    earlier chunk, a publish or test run of its own). PostgreSQL only. -#}
{% macro changed_keys_of_this_run(relation) %}
    {%- if not execute or target.type != 'postgres' -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set changed = storytime.changed_keys_relation(relation) -%}
    {%- set found = run_query("select obj_description(to_regclass('" ~ changed ~ "'), 'pg_class')") -%}
    {%- if found.rows | length > 0 and found.rows[0][0] == invocation_id -%}
        {{ return(changed) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}
