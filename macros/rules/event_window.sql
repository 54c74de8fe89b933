{#- The predicate on occurred_at that reads what a run needs (SPEC section 5): from one
    session timeout before the first processed date up to the play cut-off hour on the day
    after the last. A literal range, so PostgreSQL prunes the monthly partitions. -#}
{% macro event_window(column='occurred_at') %}
    {%- set range = storytime.processing_range() -%}
    {%- if range is none -%}
        {{ column }} is not null
    {%- else -%}
        {%- set lower = modules.datetime.datetime.combine(range.start, modules.datetime.time())
              - modules.datetime.timedelta(minutes=var('session_timeout_minutes')) -%}
        {%- set upper = modules.datetime.datetime.combine(range.end, modules.datetime.time())
              + modules.datetime.timedelta(days=1, hours=var('play_cutoff_hours_next_day')) -%}
        {{ column }} >= {{ storytime.utc_timestamp(lower) }}
        and {{ column }} < {{ storytime.utc_timestamp(upper) }}
    {%- endif -%}
{% endmacro %}

{#- A predicate keeping the whole dates of the run's date vars (true on a full build). -#}
{% macro in_date_range(column) %}
    {%- set range = storytime.processing_range() -%}
    {%- if range is none -%}
        {{ column }} is not null
    {%- else -%}
        {{ column }} between {{ storytime.date_literal(range.start) }} and {{ storytime.date_literal(range.end) }}
    {%- endif -%}
{% endmacro %}

{#- A predicate keeping the processed dates of a date column: the whole dates and the
    earlier dates a daily run touched (int_touched_plays, kind 'received'), as literals so
    that an index on the column serves it. True on a full build. -#}
{% macro in_processing_range(column, in_test=false) %}
    {{- storytime.in_counted_dates(column, storytime.touched_dates(in_test)) -}}
{% endmacro %}

{#- The first day of the earliest month a run changes: the month of its first processed
    date (the whole dates' start, or an earlier date a daily run touched); none on a full
    build. A table by month (child_activity_months) replaces the changed keys' rows of that
    month and every later one: a month's rows depend on its days and on the months before. -#}
{% macro first_processed_month(in_test=false) %}
    {#- (touched_dates first: its ref is what makes a model calling this depend on
        int_touched_plays, also while parsing) -#}
    {%- set touched = storytime.touched_dates(in_test) -%}
    {%- set range = storytime.processing_range() -%}
    {%- if range is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set days = [range.start] -%}
    {%- for day in touched -%}
        {%- do days.append(modules.datetime.date.fromisoformat(day)) -%}
    {%- endfor -%}
    {{ return((days | min).replace(day=1)) }}
{% endmacro %}

{#- A predicate keeping the rows from the first processed month on (true on a full build). -#}
{% macro in_processed_months(column, in_test=false) %}
    {%- set first = storytime.first_processed_month(in_test) -%}
    {%- if first is none -%}
        {{ column }} is not null
    {%- else -%}
        {{ column }} >= {{ storytime.date_literal(first) }}
    {%- endif -%}
{% endmacro %}

{#- The rows a run may replace in a table replaced by date (config date_column): from the first
    processed month on for a table by month (config months_onward), else the processed
    dates. One predicate for the strategy, the publish and the data tests. -#}
{% macro in_replaced_dates(column, node_config, in_test=false) %}
    {%- if node_config.get('months_onward') -%}
        {{- storytime.in_processed_months(column, in_test) -}}
    {%- else -%}
        {{- storytime.in_processing_range(column, in_test) -}}
    {%- endif -%}
{% endmacro %}

{#- A predicate keeping the whole dates of a date column and the earlier `dates` (ISO
    strings) as literals. True on a full build. -#}
{% macro in_counted_dates(column, dates) %}
    {%- if dates -%}
        ({{ storytime.in_date_range(column) }} or {{ storytime.in_dates(column, dates) }})
    {%- else -%}
        {{ storytime.in_date_range(column) }}
    {%- endif -%}
{% endmacro %}

{#- A predicate keeping the `dates` (ISO strings, not empty) of a date column. -#}
{% macro in_dates(column, dates) -%}
    {{ column }} in (
        {%- for day in dates %}{{ storytime.date_literal(day) }}{{ ', ' if not loop.last }}{% endfor -%}
    )
{%- endmacro %}

{#- The dates before the whole dates whose plays this daily run recomputes for some pairs
    (distinct touched_date of int_touched_plays, kind 'received'), read once the table is
    built; [] while parsing, on a full build, or when nothing was touched. Every model
    calling it depends on int_touched_plays through the ref here. -#}
{% macro touched_dates(in_test=false) %}
    {#- A test cannot ref a model it was not parsed with: it finds the table by name. -#}
    {%- set relation = storytime.existing_relation('int_touched_plays') if in_test else ref('int_touched_plays') -%}
    {#- (a unit test's ref is a fixture with no schema: nothing touched there) -#}
    {%- if not execute or storytime.processing_range() is none or relation is none
            or relation.schema is none or load_relation(relation) is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set found = run_query(
        "select distinct cast(touched_date as " ~ dbt.type_string() ~ ") from " ~ relation
        ~ " where touch_kind = 'received' order by 1"
    ) -%}
    {{ return(found.columns[0].values() | list) }}
{% endmacro %}

{#- The (child_profile_id, book_id, touched_date) pairs whose plays a daily run recomputed
    on dates before its whole dates (int_touched_plays, kind received), as a query: what
    the per-play and per-child-day tables replace, publish and test there. in_test: found
    by name (tests and the publish cannot ref a model they were not parsed with). -#}
{% macro touched_pairs(in_test=false) %}
    select distinct child_profile_id, book_id, touched_date
    from {{ storytime.existing_relation('int_touched_plays') if in_test else ref('int_touched_plays') }}
    where touch_kind = 'received'
{% endmacro %}

{#- A predicate keeping the rows of the processed plays, for the per-play and per-child-day
    tables: every pair on the whole dates, and each touched pair on its touched dates.
    `alias` names the row's relation (child_profile_id, book_id). -#}
{% macro in_processed_plays(date_column, alias) %}
    {%- set touched = ref('int_touched_plays') -%}
    ({{ storytime.in_date_range(date_column) }}
    {%- if storytime.touched_dates() %}
        or exists (
            select 1
            from {{ touched }} as touched
            where
                touched.touch_kind = 'received'
                and touched.child_profile_id = {{ alias }}.child_profile_id
                and touched.book_id = {{ alias }}.book_id
                and touched.touched_date = {{ date_column }}
        )
    {%- endif -%})
{% endmacro %}
