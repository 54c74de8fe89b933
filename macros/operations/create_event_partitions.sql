{#- Creates the monthly partitions of usage_events covering [start_month, end_month]
    (both 'YYYY-MM' or any date inside the month). Idempotent: existing partitions are kept. -#}
{% macro create_event_partitions(start_month, end_month) %}
    {{ return(adapter.dispatch('create_event_partitions', 'storytime')(start_month, end_month)) }}
{% endmacro %}

{% macro default__create_event_partitions(start_month, end_month) %}
    {{ log("create_event_partitions: " ~ target.type ~ " has no declarative partitions; nothing to do", info=true) }}
{% endmacro %}

{% macro postgres__create_event_partitions(start_month, end_month) %}
    {%- set schema = adapter.quote(storytime.source_schema()) -%}
    {%- set first = modules.datetime.date.fromisoformat((start_month ~ '')[:7] ~ '-01') -%}
    {%- set last = modules.datetime.date.fromisoformat((end_month ~ '')[:7] ~ '-01') -%}
    {%- set created = [] -%}
    {%- set month = namespace(value=first) -%}
    {%- for _ in range(1200) if month.value <= last -%}
        {%- set lower = month.value -%}
        {%- set upper = (lower + modules.datetime.timedelta(days=32)).replace(day=1) -%}
        {%- set name = 'usage_events_y' ~ lower.strftime('%Y') ~ 'm' ~ lower.strftime('%m') -%}
        {%- if adapter.get_relation(database=target.database, schema=storytime.source_schema(), identifier=name) is none -%}
            {#- A plain create fails when the default partition already holds rows of
                this month: create the table, move those rows, then attach it. -#}
            {% call statement('partition_' ~ name) %}
                create table {{ schema }}.{{ name }}
                    (like {{ schema }}.usage_events including defaults including constraints);
                insert into {{ schema }}.{{ name }}
                    select * from {{ schema }}.usage_events_default
                    where occurred_at >= '{{ lower }} 00:00:00+00' and occurred_at < '{{ upper }} 00:00:00+00';
                delete from {{ schema }}.usage_events_default
                    where occurred_at >= '{{ lower }} 00:00:00+00' and occurred_at < '{{ upper }} 00:00:00+00';
                alter table {{ schema }}.usage_events attach partition {{ schema }}.{{ name }}
                    for values from ('{{ lower }} 00:00:00+00') to ('{{ upper }} 00:00:00+00')
            {% endcall %}
            {%- do created.append(name) -%}
        {%- endif -%}
        {%- set month.value = upper -%}
    {%- endfor -%}
    {% do adapter.commit() %}
    {{ log("create_event_partitions: created " ~ (created | join(', ') if created else 'none (all present)'), info=true) }}
{% endmacro %}
