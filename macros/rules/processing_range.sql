{#- The dates a run processes, from the vars `date` or `start_date`/`end_date` (inclusive).
    Returns none for a full build (no date vars): every date that has events. -#}
{% macro processing_range() %}
    {%- set single = var('date') -%}
    {%- set start = var('start_date') -%}
    {%- set end = var('end_date') -%}
    {%- if single and (start or end) -%}
        {{ exceptions.raise_compiler_error("set either the var date or start_date/end_date, not both") }}
    {%- endif -%}
    {%- if single -%}
        {%- set start = single -%}
        {%- set end = single -%}
    {%- endif -%}
    {%- if not start and not end -%}
        {{ return(none) }}
    {%- endif -%}
    {%- if not (start and end) -%}
        {{ exceptions.raise_compiler_error("start_date and end_date go together") }}
    {%- endif -%}
    {%- set parsed = [] -%}
    {%- for value in [start, end] -%}
        {%- set text = value ~ '' -%}
        {%- if not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', text) -%}
            {{ exceptions.raise_compiler_error("not a date (YYYY-MM-DD): " ~ text) }}
        {%- endif -%}
        {%- do parsed.append(modules.datetime.date.fromisoformat(text)) -%}
    {%- endfor -%}
    {%- if parsed[1] < parsed[0] -%}
        {{ exceptions.raise_compiler_error("end_date " ~ parsed[1] ~ " is before start_date " ~ parsed[0]) }}
    {%- endif -%}
    {{ return({'start': parsed[0], 'end': parsed[1]}) }}
{% endmacro %}
