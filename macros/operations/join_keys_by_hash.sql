{#- Before the months strategy's delete of the changed keys' rows (child_activity_months):
    no nested loop, so PostgreSQL joins the recorded keys to the month's rows by hash over
    one scan of the month instead of one index lookup per key. The planner picks the lookups
    because it underestimates the keys (0.3 M estimated for 1.2 M on the steady bench's last
    night) and costs cached index pages low: 10-14 s against 2.7-3.0 s for the same delete
    (1.24 M rows of 3.8 M). A night's keys are every child active on its day, so a scan of
    the month is never much more than the lookups. Set for the rest of the model's
    transaction, whose only later statement is the insert from the model's rows. -#}
{% macro join_keys_by_hash() %}
    {{ return(adapter.dispatch('join_keys_by_hash', 'storytime')()) }}
{% endmacro %}

{#- Other adapters (Spark) have no per-statement planner switches: nothing to set. -#}
{% macro default__join_keys_by_hash() %}
{% endmacro %}

{% macro postgres__join_keys_by_hash() -%}
    set local enable_nestloop = off
{%- endmacro %}
