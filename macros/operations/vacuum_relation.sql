{#- Post-hook (outside the model's transaction) of a table a run rewrites in bulk and that
    later models of the same build read by index-only scans: child_activity_months, whose
    night rewrites ~1.2 M rows on the bench. Freshly written pages are not all-visible, so
    until autovacuum comes every index-only scan of them visits the heap:
    book_activity_windows, right after it in the same build, took 9.3-10.0 s with 5.4 M
    heap fetches on a just rewritten table against 1.8-2.4 s once vacuumed (~1 s). It
    vacuums the build copy; the published copy (the JSON API's) is left to autovacuum.
    dbt runs a `transaction: false` hook after the model's COMMIT, outside a transaction
    block (as it runs on-run-* hooks), where VACUUM is allowed. -#}
{% macro vacuum_relation() %}
    {{ return(adapter.dispatch('vacuum_relation', 'storytime')()) }}
{% endmacro %}

{% macro default__vacuum_relation() %}
{% endmacro %}

{% macro postgres__vacuum_relation() -%}
    vacuum {{ this }}
{%- endmacro %}
