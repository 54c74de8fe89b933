{#- A predicate keeping the dates of a date column from `days_before` days before the first
    processed date on, with no upper bound (true on a full build): for figures of a date
    that depend on earlier dates, which a run recomputes from its first date on. The first
    processed date is the start of the date vars: a run that also reprocesses earlier
    dates outside them must start from the earliest of those instead. -#}
{% macro from_processing_start(column, days_before=0) %}
    {%- set range = storytime.processing_range() -%}
    {%- if range is none -%}
        {{ column }} is not null
    {%- else -%}
        {{ column }} >= {{ storytime.date_literal(range.start - modules.datetime.timedelta(days=days_before)) }}
    {%- endif -%}
{% endmacro %}
