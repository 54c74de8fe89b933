{#- The UTC day a raw usage event is counted on, whether it is cleaned, a duplicate or
    rejected: the day it occurred, or the day the server received it when occurred_at is
    unknown or implausible (a 1970 or 2100 clock says nothing about the day). The rejects
    are dated by it (reject_date) and the per-day reconciliation adds up by it. -#}
{% macro usage_event_count_date(events='events') -%}
    case
        when {{ events }}.occurred_at is null or {{ storytime.occurred_at_is_implausible(events) }}
            then {{ storytime.utc_date(events ~ '.received_at') }}
        else {{ storytime.utc_date(events ~ '.occurred_at') }}
    end
{%- endmacro %}
