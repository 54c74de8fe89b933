{#- True when an event's occurred_at cannot be the time it happened (SPEC section 2): more
    than var max_clock_skew_minutes after the server received it (received_at), or more
    than var max_upload_delay_days before (a tablet whose clock was reset, e.g. to 1970).
    Null (not implausible) when either time is unknown. -#}
{% macro occurred_at_is_implausible(events='events') -%}
    ({{ events }}.occurred_at > {{ dbt.dateadd('minute', var('max_clock_skew_minutes'), events ~ '.received_at') }}
    or {{ events }}.occurred_at < {{ dbt.dateadd('day', -(var('max_upload_delay_days') | int), events ~ '.received_at') }})
{%- endmacro %}
