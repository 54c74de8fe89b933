{#- The dashboards' calendar: one row per day of the `days` days up to and including the
    as_of_date of `dates` (a relation or CTE with one row, e.g. dashboard_dates), newest
    first: days_before_today (0 = today) and metric_date. No rows before any processed
    date. Used by the charts that show zeros on days without activity. -#}
{% macro days_up_to(dates, days) %}
    select
        cast(day_offsets.generated_number as integer) - 1 as days_before_today,
        cast({{ dbt.dateadd('day', '1 - cast(day_offsets.generated_number as integer)', dates ~ '.as_of_date') }} as date)
            as metric_date
    from ({{ dbt.generate_series(days) }}) as day_offsets
    cross join {{ dates }}
    where {{ dates }}.as_of_date is not null
{% endmacro %}
