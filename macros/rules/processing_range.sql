{#- The dates a run processes, from the vars `date` or `start_date`/`end_date` (inclusive).
    Returns none for a full build (no date vars): every date that has events.

    The runner's jobs pass their dates in the environment instead (STORYTIME_RUN_START_DATE,
    STORYTIME_RUN_END_DATE), read only when executing: dbt reparses the whole project when
    --vars change, so dates in vars cost every daily run a full parse, while an env_var
    read at execution time is not part of the parse. (While parsing, a job's run has the
    shape of a full build: nothing the parse records, refs or configs, depends on it.) -#}
{% macro processing_range() %}
    {%- set single = var('date') -%}
    {%- set start = var('start_date') -%}
    {%- set end = var('end_date') -%}
    {%- if not (single or start or end) -%}
        {%- set start = storytime.job_setting('start_date') -%}
        {%- set end = storytime.job_setting('end_date') -%}
    {%- endif -%}
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

{#- The receive time a daily run read up to (var received_through, or the runner's
    STORYTIME_RUN_RECEIVED_THROUGH at execution time, as the dates), or none. -#}
{% macro received_through() %}
    {{ return(var('received_through') or storytime.job_setting('received_through')) }}
{% endmacro %}

{#- A predicate keeping the rows a job may read: those received up to the receive time the
    daily run started from (received_through), so that every model of one run sees the
    same rows however many arrive while it runs; the next run finds the later ones as
    received since its watermark. True when no receive time was passed (a backfill, a
    dated or full `dbt build`: every row there is). -#}
{% macro received_by_run(column='received_at') %}
    {%- set through = storytime.received_through() -%}
    {%- if through is none -%}
        true
    {%- else -%}
        {{ column }} <= {{ storytime.utc_timestamp(through) }}
    {%- endif -%}
{% endmacro %}
