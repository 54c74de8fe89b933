{#- A cleaned position (SPEC section 2), from a position already null when negative and
    the book's duration on the event's day: above a known duration by at most var
    position_overrun_share of it, clamped to the duration; further above, a corrupt value
    (a single 2147483647 must not complete a play), unknown. Compared as position -
    duration > share * duration: exact on both engines (no float). -#}
{% macro cleaned_position(position, duration) -%}
    case
        when {{ position }} - {{ duration }} > {{ var('position_overrun_share') }} * {{ duration }} then null
        when {{ position }} > {{ duration }} then {{ duration }}
        else {{ position }}
    end
{%- endmacro %}
