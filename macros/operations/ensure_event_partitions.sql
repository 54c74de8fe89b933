{#- on-run-start hook: when the var manage_partitions is true (the runner's daily job sets
    it), make sure usage_events has its monthly partitions from this month to
    partition_months_ahead months ahead. Rows already sitting in the default partition for
    a month being created are moved into the new partition in the same transaction. -#}
{% macro ensure_event_partitions() %}
    {%- if execute and var('manage_partitions') and target.type != 'postgres' -%}
        {{ log("ensure_event_partitions: skipped on " ~ target.type ~ " (usage_events is partitioned by day when loaded)", info=true) }}
    {%- elif execute and var('manage_partitions') -%}
        {%- set today = modules.datetime.datetime.utcnow().date() -%}
        {%- set month = namespace(last=today.replace(day=1)) -%}
        {%- for _ in range(var('partition_months_ahead') | int) -%}
            {%- set month.last = (month.last + modules.datetime.timedelta(days=32)).replace(day=1) -%}
        {%- endfor -%}
        {%- do storytime.create_event_partitions(today, month.last) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
