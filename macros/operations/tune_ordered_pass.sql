{#- Pre-hook of the models that sort a day's events (int_play_segments_slice_<k>):
    enough work_mem for the sort to stay in memory (set for this statement only, not the
    server), and no index walk: reading a day through the (child, book, time) index with
    random heap reads is several times slower than a sequential scan of the day's
    partition plus one sort. Bitmap scans stay allowed: the partitions are monthly, and
    late in a month a seq scan reads every day before the run's window too, while a bitmap
    heap scan over an occurred_at range (the (event_type, occurred_at) index, skip scan on
    PostgreSQL 18) reads the window's pages in physical order (steady bench, 25 M events
    in May, a 30 h window of 9.5 M: 5.0-6.1 s instead of 6.8-7.2 s for one slice's scan,
    and the gap grows with the month). No nested loop: every join of the pass is with a
    small table (event types, durations, the touched pairs), and a just-filled day's
    partition is estimated at a row or two, which made the planner anti-join the day's
    events with the touched pairs by nested loop (20 s instead of 1 s on a 300 k-event
    day). -#}
{% macro tune_ordered_pass() %}
    {{ return(adapter.dispatch('tune_ordered_pass', 'storytime')()) }}
{% endmacro %}

{% macro default__tune_ordered_pass() %}
{% endmacro %}

{#- Spark sorts with spark.driver/executor memory and spills by itself; nothing to set per
    statement (spark.sql.shuffle.partitions is set in the profile). -#}
{% macro spark__tune_ordered_pass() %}
    {%- do log("tune_ordered_pass: skipped on Spark (no per-statement work_mem)", info=false) -%}
{% endmacro %}

{% macro postgres__tune_ordered_pass() -%}
    set local work_mem = '{{ var("ordered_pass_work_mem") }}';
    set local enable_indexscan = off;
    set local enable_nestloop = off
{%- endmacro %}
