{#- Whether a row received at `received_at` is not yet in the numbers of a processed date
    (`processed`: its processed_dates row, SPEC section 5): received after the date's
    received_through, or inside the safety margin before it without having been seen by
    the job that set it (its transaction committed after that job read the receive time).
    The one rule for the touched plays and the counts of received rows. -#}
{% macro received_after_coverage(processed, received_at, usage_event_id, seen_events) -%}
    (
        {{ received_at }} > {{ processed }}.received_through
        or (
            {{ received_at }} > {{ dbt.dateadd('minute', -var('received_margin_minutes'), processed ~ '.received_through') }}
            and not exists (
                select 1
                from {{ seen_events }} as seen
                where
                    seen.received_through = {{ processed }}.received_through
                    and seen.usage_event_id = {{ usage_event_id }}
            )
        )
    )
{%- endmacro %}
