{#- A select of the processed dates (column metric_date), one row each: the run's range and
    the earlier dates a daily run touched (with_touched), or on a full build every date from
    the first to the last with activity in `activity_relation`.`activity_column`. -#}
{% macro processed_dates(activity_relation, activity_column, with_touched=true) %}
    {%- set range = storytime.processing_range() -%}
    {#- The relation may not exist yet (first build, or sqlfluff compiling a fresh database). -#}
    {%- if range is none and execute and activity_relation is not none
            and load_relation(activity_relation) is not none -%}
        {%- set bounds = run_query(
            "select min(" ~ activity_column ~ "), max(" ~ activity_column ~ ") from " ~ activity_relation
        ).rows[0] -%}
        {%- if bounds[0] is not none -%}
            {%- set range = {'start': bounds[0], 'end': bounds[1]} -%}
        {%- endif -%}
    {%- endif -%}
    {%- set touched = storytime.touched_dates() if with_touched else [] -%}
    {%- if range is none -%}
        select cast(null as date) as metric_date where 1 = 0
    {%- else -%}
        select cast(date_day as date) as metric_date
        from (
            {{ dbt.date_spine(
                'day',
                storytime.date_literal(range.start),
                storytime.date_literal(range.end + modules.datetime.timedelta(days=1)),
            ) }}
        ) as spine
        {%- for day in touched %}
        union all
        select {{ storytime.date_literal(day) }} as metric_date
        {%- endfor %}
    {%- endif -%}
{% endmacro %}
