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

{#- A predicate keeping the processed dates of a date column (true on a full build). -#}
{% macro in_processing_range(column) %}
    {%- set range = storytime.processing_range() -%}
    {%- if range is none -%}
        {{ column }} is not null
    {%- else -%}
        {{ column }} between {{ storytime.date_literal(range.start) }} and {{ storytime.date_literal(range.end) }}
    {%- endif -%}
{% endmacro %}
