{#- A predicate keeping the dates of a date column from `days_before` days before the first
    processed date on, with no upper bound (true on a full build): for figures of a date
    that depend on earlier dates, which a run recomputes from its first date on. The first
    processed date is the earliest of the date range's start and the earlier dates a daily
    run touched (touched_dates). -#}
{% macro from_processing_start(column, days_before=0) %}
    {%- set range = storytime.processing_range() -%}
    {#- (called before any branch: the caller's dependency on int_touched_plays is
        recorded while parsing, when a job's dates are not known yet) -#}
    {%- set touched_dates = storytime.touched_dates() -%}
    {%- if range is none -%}
        {{ column }} is not null
    {%- else -%}
        {%- set starts = [range.start] -%}
        {%- for day in touched_dates -%}
            {%- do starts.append(modules.datetime.date.fromisoformat(day ~ '')) -%}
        {%- endfor -%}
        {{ column }} >= {{ storytime.date_literal(starts | min - modules.datetime.timedelta(days=days_before)) }}
    {%- endif -%}
{% endmacro %}
