{#- Children distinct over first_date..last_date, from child_activity_months (one row per
    scope, child and month, a bit per active day): true for the one month of a child on
    which it counts, the first of its months whose day mask meets the range (the month
    holding first_date, or a month whose previous active day is before first_date). A
    count of the rows it keeps, per scope, is the children distinct over the range with no
    aggregation by child. The JSON API's documents (analytics_document) and the dashboards'
    windows (book_activity_windows) count with it. Cross-database; month_start is a
    month's first day, so its last day is a month on, less a day (no truncation: this
    runs for every row of a scope's months in a JSON API request). -#}
{% macro counts_child_in_range(months, first_date, last_date) -%}
    {%- set last_day = dbt.dateadd('day', -1, dbt.dateadd('month', 1, months ~ '.month_start')) -%}
    {%- set month_end = 'least(' ~ last_date ~ ', cast(' ~ last_day ~ ' as date))' -%}
    {%- set range_start = 'greatest(' ~ first_date ~ ', ' ~ months ~ '.month_start)' -%}
    {{ months }}.month_start between cast({{ dbt.date_trunc('month', first_date) }} as date) and {{ last_date }}
    and {{ months }}.active_days_mask & (
        {{ storytime.power_of_two(dbt.datediff(months ~ '.month_start', month_end, 'day') ~ ' + 1') }}
        - {{ storytime.power_of_two(dbt.datediff(months ~ '.month_start', range_start, 'day')) }}
    ) <> 0
    -- the child's first month in the range: no active day from first_date to the month's start
    and (
        {{ months }}.month_start <= {{ first_date }}
        or {{ months }}.previous_active_date is null
        or {{ months }}.previous_active_date < {{ first_date }}
    )
{%- endmacro %}
