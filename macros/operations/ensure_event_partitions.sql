{#- on-run-start hook: when manage_partitions is true (a var; the runner's daily job sets it
    as a job_setting), make sure usage_events has its monthly partitions from this month to
    partition_months_ahead months ahead. Rows already sitting in the default partition for
    a month being created are moved into the new partition in the same transaction. -#}
{% macro ensure_event_partitions() %}
    {%- set manage = execute and storytime.job_setting('manage_partitions') | string | lower in ('true', '1') -%}
    {%- if manage and target.type != 'postgres' -%}
        {{ log("ensure_event_partitions: skipped on " ~ target.type ~ " (usage_events is partitioned by day when loaded)", info=true) }}
    {%- elif manage -%}
        {%- set today = modules.datetime.datetime.utcnow().date() -%}
        {%- set month = namespace(last=today.replace(day=1)) -%}
        {%- for _ in range(var('partition_months_ahead') | int) -%}
            {%- set month.last = (month.last + modules.datetime.timedelta(days=32)).replace(day=1) -%}
        {%- endfor -%}
        {%- do storytime.create_event_partitions(today, month.last) -%}
    {%- endif -%}
    {{ return('') }}
{% endmacro %}
