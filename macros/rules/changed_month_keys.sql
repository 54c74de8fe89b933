{#- The keys a run changes in a table by month (child_activity_months: a day mask per key
    and month, config months_onward, key_columns, days_mask). A row changes when a day
    of its mask is recomputed: a whole date of the run, or an earlier date on which the
    daily run recomputed some of the row's child's plays (int_touched_plays). The strategy,
    the publish and the data tests' filter take the keys from these macros; the model
    computes the same rule. -#}

{#- The run's whole dates in `month_column`'s month as a day mask (bit d - 1 for day d): one
    literal per month of the range, 0 for any other month. A bigint. -#}
{% macro whole_days_mask(month_column) %}
    {%- set processing = storytime.processing_range() -%}
    {%- set masks = {} -%}
    {%- if processing is not none -%}
        {%- for offset in range((processing.end - processing.start).days + 1) -%}
            {%- set day = processing.start + modules.datetime.timedelta(days=offset) -%}
            {%- set month = day.replace(day=1) -%}
            {%- do masks.update({month: masks.get(month, 0) + 2 ** (day.day - 1)}) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- if not masks -%}
        cast(0 as bigint)
    {%- else -%}
        cast(case {{ month_column }}
        {%- for month in masks | sort %} when {{ storytime.date_literal(month) }} then {{ masks[month] }}{% endfor %}
        else 0 end as bigint)
    {%- endif -%}
{% endmacro %}

{#- A query of the earlier days on which a daily run recomputed some plays of a child, as
    (child_profile_id, month_start, touched_days_mask); no rows when there are none. -#}
{% macro touched_days_masks(in_test=false) %}
    {%- set touched = storytime.touched_dates(in_test) -%}
    {%- if touched -%}
        {%- set relation = storytime.existing_relation('int_touched_plays') if in_test else ref('int_touched_plays') -%}
        select
            child_profile_id,
            month_start,
            cast(sum(power(2, {{ dbt.datediff('month_start', 'touched_date', 'day') }})) as bigint) as touched_days_mask
        from (
            select distinct
                child_profile_id,
                touched_date,
                cast({{ dbt.date_trunc('month', 'touched_date') }} as date) as month_start
            from {{ relation }}
            where touch_kind = 'received'
        ) as touched_days
        group by child_profile_id, month_start
    {%- else -%}
        select
            cast(null as bigint) as child_profile_id,
            cast(null as date) as month_start,
            cast(0 as bigint) as touched_days_mask
        where false
    {%- endif -%}
{% endmacro %}

{#- The distinct keys (config key_columns) of `relation`'s rows from the first processed
    month on that have a recomputed day. -#}
{% macro changed_month_keys(relation, node_config, in_test=false) %}
    {%- set month = node_config.get('date_column') -%}
    {%- set mask = node_config.get('days_mask') -%}
    {%- set keys = node_config.get('key_columns') -%}
    select {{ keys | join(', ') }}
    from {{ relation }}
    where
        {{ storytime.in_processed_months(month, in_test) }}
        and ({{ mask }} & {{ storytime.whole_days_mask(month) }}) <> 0
    union
    select {% for key in keys %}changed.{{ key }}{{ ', ' if not loop.last }}{% endfor %}
    from {{ relation }} as changed
    inner join ({{ storytime.touched_days_masks(in_test) }}) as touched
        on
            changed.child_profile_id = touched.child_profile_id
            and changed.{{ month }} = touched.month_start
    where (changed.{{ mask }} & touched.touched_days_mask) <> 0
{% endmacro %}
