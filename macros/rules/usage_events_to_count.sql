{#- The raw usage events whose counting day (usage_event_count_date) may be a processed
    date: a select of every column of `relation` (the staging view). Two disjoint parts
    so that PostgreSQL plans each with its own partitions and index:
    - occurred_at from the first processed date on: the run's dates, and rows whose clock
      ran ahead (counted on the day received), which sit in later months or the default
      partition;
    - occurred_at more than max_upload_delay_days before the end of the range (or null)
      and received on a processed date: found through the created_at index of each
      older partition (init_source creates it; the runner's watermark uses it too).
    `recount_dates`: earlier dates (ISO strings) read whole too (the reconciliation's dates
    whose count cannot be carried forward, int_usage_events_reconciled). The rows a daily
    run finds received on other earlier dates come from int_received_events instead: the
    work follows what was received, not the dates it belongs to.
    A daily run reads the rows received up to its receive time (received_by_run).
    On a full build (no date vars): every row. -#}
{% macro usage_events_to_count(relation, recount_dates=[]) %}
    {%- set range = storytime.processing_range() -%}
    {%- set touched_dates = recount_dates -%}
    {%- if range is none -%}
        select * from {{ relation }}
    {%- else -%}
        {%- set first = modules.datetime.datetime.combine(range.start, modules.datetime.time()) -%}
        {%- set after_last = modules.datetime.datetime.combine(range.end, modules.datetime.time())
              + modules.datetime.timedelta(days=1) -%}
        {%- set oldest_plausible = after_last - modules.datetime.timedelta(days=var('max_upload_delay_days') | int) -%}
        {#- the dates recounted whole (their own occurred_at days; the rows received on
            them are covered below) -#}
        {%- set touched = [] -%}
        {%- for day in touched_dates -%}
            {%- do touched.append(modules.datetime.datetime.combine(
                modules.datetime.date.fromisoformat(day ~ ''), modules.datetime.time())) -%}
        {%- endfor -%}
        {%- set before = ([first, oldest_plausible] + touched) | min -%}
        select * from {{ relation }}
        where
            occurred_at >= {{ storytime.utc_timestamp(first) }}
            and {{ storytime.received_by_run('received_at') }}
        {%- for day in touched %}
        union all
        select * from {{ relation }}
        where
            occurred_at >= {{ storytime.utc_timestamp(day) }}
            and occurred_at < {{ storytime.utc_timestamp(day + modules.datetime.timedelta(days=1)) }}
            and {{ storytime.received_by_run('received_at') }}
        {%- endfor %}
        union all
        select * from {{ relation }}
        where
            {{ storytime.received_by_run('received_at') }}
            and (occurred_at < {{ storytime.utc_timestamp(before) }} or occurred_at is null)
            and (
                (
                    received_at >= {{ storytime.utc_timestamp(first) }}
                    and received_at < {{ storytime.utc_timestamp(after_last) }}
                )
                {%- for day in touched %}
                or (
                    received_at >= {{ storytime.utc_timestamp(day) }}
                    and received_at < {{ storytime.utc_timestamp(day + modules.datetime.timedelta(days=1)) }}
                )
                {%- endfor %}
            )
    {%- endif -%}
{% endmacro %}
