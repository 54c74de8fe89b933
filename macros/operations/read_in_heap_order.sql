{#- Pre-hook of int_received_events, which reads every row received since the watermark
    through the created_at index: no index walk, so PostgreSQL reads the matching rows with a
    bitmap heap scan in page order. An index scan visits them in created_at order, which is
    page order only while rows are stored in the order they were received; when they are
    not (uploads committed out of order, a bulk load, rows moved by a restore), it revisits
    each page once per row (steady bench, night of 10 May, 7.7 M rows received and 3.1 M
    kept: 11.7 s by index scan, 3.8 s by bitmap heap scan; the planner chose the index scan
    because the month as a whole is stored in receive order). With rows in receive order
    the two read the same pages in the same order. -#}
{% macro read_in_heap_order() %}
    {{ return(adapter.dispatch('read_in_heap_order', 'storytime')()) }}
{% endmacro %}

{#- Other adapters (Spark) have no per-statement planner switches: nothing to set. -#}
{% macro default__read_in_heap_order() %}
{% endmacro %}

{% macro postgres__read_in_heap_order() -%}
    set local enable_indexscan = off
{%- endmacro %}
