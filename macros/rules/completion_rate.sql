{#- The completion rate (SPEC section 4): completions / plays with a known duration,
    rounded once to 3 decimals (numeric(4,3)), null when no play had a known duration (a
    play of a book without a known duration is neither complete nor incomplete). Both
    arguments are SQL expressions of exact counts (sums over any window), never rates. -#}
{% macro completion_rate(completions, plays_with_duration) -%}
    cast(
        case
            when {{ plays_with_duration }} > 0
                then round(1.0 * {{ completions }} / {{ plays_with_duration }}, 3)
        end
        as numeric(4, 3)
    )
{%- endmacro %}
