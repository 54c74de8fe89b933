{#- The mean of play percentages, rounded to 2 places half away from zero as an exact
    mean would be. Each percentage is a quotient PostgreSQL keeps to about 16 significant
    digits, so a mean that is exactly on a rounding boundary (83.125) can come out as
    83.12499999999999997 and round down. Snapping to 12 decimals first removes that
    error (far below 1e-12) before the final rounding; a true mean within 5e-13 of a
    boundary without being on it would be mis-rounded, which durations of whole seconds
    make practically impossible.

    mean_percentage('watch_percentage'): avg over the plays' rows.
    mean_percentage('percentage_sum', 'plays_with_percentage'): the same mean from
    additive parts (a sum of percentages and the count of plays that have one, e.g. summed
    over a range of child_book_activity_days); null when no play has one. -#}
{% macro mean_percentage(column, plays=none) -%}
    {%- if plays is none -%}
        cast(round(avg({{ column }}), 12) as numeric(5, 2))
    {%- else -%}
        cast(round({{ column }} / nullif({{ plays }}, 0), 12) as numeric(5, 2))
    {%- endif -%}
{%- endmacro %}
