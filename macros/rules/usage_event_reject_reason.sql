{#- Why a raw usage event cannot be used (SPEC section 2): the first reason that applies,
    null for a usable row. One rule for the cleaned events (which keep the rows without a
    reason) and the rejects (which keep the others). `events` has the staging columns;
    `event_types` and `books` are left-joined on event_type and book_id, so their key is
    null when the app sent a type or a book we do not know. -#}
{% macro usage_event_reject_reason(events='events', event_types='event_types', books='books') -%}
    case
        when {{ event_types }}.event_type is null then 'unknown_event_type'
        when {{ events }}.child_profile_id is null then 'null_child_profile_id'
        when {{ events }}.book_id is null then 'null_book_id'
        when {{ events }}.occurred_at is null then 'null_occurred_at'
        when {{ books }}.book_id is null then 'unknown_book_id'
        when {{ storytime.occurred_at_is_implausible(events) }} then 'implausible_occurred_at'
    end
{%- endmacro %}
