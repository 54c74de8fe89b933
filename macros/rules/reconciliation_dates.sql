{#- The earlier dates whose reconciliation a daily run updates (SPEC section 2): the
    counting days of the rows it found received since they were processed
    (int_received_events, kind 'pending'), as two lists of ISO dates, read once that model
    is built ([] while parsing and outside a daily run):
    - carried: the day's raw count is carried forward, the previous count plus the rows
      received since, because the previous count covers exactly the rows received up to
      the date's coverage (its counted_through, set by a run that read the rows received
      up to its receive time, is at most the date's received_through);
    - recount: counted again whole, when that cannot be known: no previous row, a count
      from a run without a receive time (backfill, dbt build), or one ahead of the
      coverage (a run that failed after counting, before it recorded its dates).
    `previous`: the reconciliation table as it stands, or none. -#}
{% macro reconciliation_dates(previous) %}
    {%- set received = ref('int_received_events') -%}
    {%- set empty = {'carried': [], 'recount': []} -%}
    {%- if not execute or storytime.processing_range() is none
            or storytime.received_through() is none or received.schema is none
            or load_relation(received) is none -%}
        {{ return(empty) }}
    {%- endif -%}
    {#- (a table from before counted_through: every date is recounted once) -#}
    {%- if previous is not none and 'counted_through' not in (
            adapter.get_columns_in_relation(previous) | map(attribute='name') | list) -%}
        {%- set previous = none -%}
    {%- endif -%}
    {%- set ops = adapter.quote(target.schema ~ '_ops') -%}
    {%- set found = run_query(
        "select cast(received.count_date as " ~ dbt.type_string() ~ "), "
        ~ (
            "bool_or(previous.count_date is null or previous.counted_through is null"
            ~ " or previous.counted_through > processed.received_through)"
            if previous is not none else "true"
        )
        ~ " from " ~ received ~ " as received"
        ~ " inner join " ~ ops ~ ".processed_dates as processed"
        ~ " on processed.metric_date = received.count_date"
        ~ (
            " left join " ~ previous ~ " as previous on previous.count_date = received.count_date"
            if previous is not none else ""
        )
        ~ " where received.count_kind = 'pending' group by received.count_date order by 1"
    ) -%}
    {%- set out = {'carried': [], 'recount': []} -%}
    {%- for row in found.rows -%}
        {%- do out['recount' if row[1] else 'carried'].append(row[0] ~ '') -%}
    {%- endfor -%}
    {{ return(out) }}
{% endmacro %}
