{#- The join of the touched pairs' spans (child_profile_id, book_id, span_start, span_end)
    with the events in them, for int_touched_events: `join ... on` the pair and the span.
    PostgreSQL: a lateral subquery per span. Joined plainly, the planner found no
    parameterised path into the staging view (its CTEs) over the partitioned table, and
    sorted or hashed every event of the months instead of one index lookup per span: on
    the steady bench (25 M events in May, 9,700 touched pairs), EXPLAIN gave a merge join
    over a sort of all 25 M rows (cost 5.0 M), while the lateral form is a nested loop of
    index scans on (child_profile_id, book_id, occurred_at) (cost 0.5 M). `offset 0`
    keeps the subquery from being pulled up into the plain join again. -#}
{% macro join_events_in_spans(spans, events) %}
    {{ return(adapter.dispatch('join_events_in_spans', 'storytime')(spans, events)) }}
{% endmacro %}

{% macro default__join_events_in_spans(spans, events) -%}
    inner join {{ events }}
        on
            {{ spans }}.child_profile_id = {{ events }}.child_profile_id
            and {{ spans }}.book_id = {{ events }}.book_id
            and {{ spans }}.span_start <= {{ events }}.occurred_at
            and {{ spans }}.span_end > {{ events }}.occurred_at
{%- endmacro %}

{% macro postgres__join_events_in_spans(spans, events) -%}
    cross join lateral (
        select *
        from {{ events }} as span_events
        where
            span_events.child_profile_id = {{ spans }}.child_profile_id
            and span_events.book_id = {{ spans }}.book_id
            and span_events.occurred_at >= {{ spans }}.span_start
            and span_events.occurred_at < {{ spans }}.span_end
        offset 0
    ) as {{ events }}
{%- endmacro %}
