{#- Retires the monthly partitions of usage_events that lie entirely before the month
    keep_months months before the current one (UTC; as_of, 'YYYY-MM-DD', stands for today
    and may not be later than it): each is detached (ALTER TABLE ... DETACH PARTITION),
    then moved into archive_schema when one is given (created if missing, the table keeps
    its name and indexes) or dropped. Run by `storytime-analytics retire-partitions`.

    - A partition is retired only when its upper bound is on or before the cut-off: the
      default partition (no bounds) and the current and future months are never touched,
      and keep_months must be at least 1 (on the 1st of a month the daily job still reads
      the day before).
    - With dry_run it only prints what it would do (and the row counts).
    - Refuses, before changing anything, when a table of the same name already exists in
      the archive schema, or when the archive schema is the source schema.
    - One transaction per partition. DETACH PARTITION takes an ACCESS EXCLUSIVE lock on
      usage_events for a moment (DETACH ... CONCURRENTLY is not allowed with a default
      partition); waiting for it gives up after var upkeep_lock_timeout (default 10s)
      rather than queueing the app's statements behind a long query. Run it again after a
      failure: the partitions already retired are gone from the list. -#}
{% macro retire_event_partitions(keep_months, archive_schema=none, dry_run=false, as_of=none) %}
    {{ return(adapter.dispatch('retire_event_partitions', 'storytime')(keep_months, archive_schema, dry_run, as_of)) }}
{% endmacro %}

{% macro default__retire_event_partitions(keep_months, archive_schema=none, dry_run=false, as_of=none) %}
    {% do print("retire_event_partitions: " ~ target.type ~ " has no declarative partitions; nothing to do") %}
{% endmacro %}

{% macro postgres__retire_event_partitions(keep_months, archive_schema=none, dry_run=false, as_of=none) %}
    {%- set say = 'retire_event_partitions: ' -%}
    {%- set schema = storytime.source_schema() -%}
    {%- set parent = adapter.quote(schema) ~ '.' ~ adapter.quote('usage_events') -%}
    {%- set parent_lit = "'" ~ (parent | replace("'", "''")) ~ "'" -%}
    {%- set lock_timeout = var('upkeep_lock_timeout', '10s') -%}
    {%- if not modules.re.fullmatch('[0-9]+', keep_months ~ '') or (keep_months | int) < 1 -%}
        {{ exceptions.raise_compiler_error("keep_months must be a whole number of months, at least 1, not " ~ keep_months) }}
    {%- endif -%}
    {%- set keep = keep_months | int -%}
    {%- set today = modules.datetime.datetime.utcnow().date() -%}
    {%- if as_of is none or as_of == '' -%}
        {%- set day = today -%}
    {%- elif not modules.re.fullmatch('[0-9]{4}-[0-9]{2}-[0-9]{2}', as_of ~ '') -%}
        {{ exceptions.raise_compiler_error("as_of must be a date (YYYY-MM-DD), not " ~ as_of) }}
    {%- else -%}
        {%- set day = modules.datetime.date.fromisoformat(as_of ~ '') -%}
    {%- endif -%}
    {%- if day > today -%}
        {{ exceptions.raise_compiler_error("as_of " ~ day ~ " is after today (" ~ today ~ ", UTC); the current month is never retired") }}
    {%- endif -%}
    {%- set month_number = day.year * 12 + day.month - 1 - keep -%}
    {%- set cutoff = modules.datetime.date(month_number // 12, month_number % 12 + 1, 1) -%}
    {%- if archive_schema and archive_schema == schema -%}
        {{ exceptions.raise_compiler_error("the archive schema must not be the source schema " ~ schema) }}
    {%- endif -%}

    {% call statement('retire_session') %}set timezone = 'UTC'{% endcall %}
    {% do adapter.commit() %}
    {%- set kind = run_query("select relkind::text from pg_class where oid = to_regclass(" ~ parent_lit ~ ")") -%}
    {%- if kind.rows | length == 0 -%}
        {{ exceptions.raise_compiler_error("there is no table " ~ schema ~ ".usage_events") }}
    {%- elif kind.rows[0][0] != 'p' -%}
        {{ exceptions.raise_compiler_error(schema ~ ".usage_events is not partitioned; nothing to retire (see migrate-partitions)") }}
    {%- endif -%}

    {%- set partitions_sql -%}
        select c.relname,
               format('%I.%I', n.nspname, c.relname) as name,
               coalesce(to_char((regexp_match(b.bound, 'FROM \(''([^'']*)''\)'))[1]::timestamptz, 'YYYY-MM-DD'), 'MINVALUE') as lower_bound,
               to_char(u.upper_bound, 'YYYY-MM-DD') as upper_bound,
               coalesce(u.upper_bound <= '{{ cutoff }} 00:00:00+00'::timestamptz, false) as retire
        from pg_inherits as h
        join pg_class as c on c.oid = h.inhrelid
        join pg_namespace as n on n.oid = c.relnamespace
        cross join lateral (select pg_get_expr(c.relpartbound, c.oid) as bound) as b
        cross join lateral (select (regexp_match(b.bound, 'TO \(''([^'']*)''\)'))[1]::timestamptz as upper_bound) as u
        where h.inhparent = {{ parent_lit }}::regclass
        order by u.upper_bound nulls last, c.relname
    {%- endset -%}
    {%- set retiring = [] -%}
    {%- set kept = namespace(n=0) -%}
    {%- for row in run_query(partitions_sql) -%}
        {%- if row[4] -%}
            {%- do retiring.append({'relname': row[0], 'name': row[1], 'span': '[' ~ row[2] ~ ', ' ~ row[3] ~ ')'}) -%}
        {%- else -%}
            {%- set kept.n = kept.n + 1 -%}
        {%- endif -%}
    {%- endfor -%}

    {%- if archive_schema and retiring -%}
        {%- set clashes = run_query("select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = '" ~ (archive_schema | replace("'", "''")) ~ "' and c.relname in ('" ~ (retiring | map(attribute='relname') | join("', '")) ~ "') order by 1").columns[0].values() -%}
        {%- if clashes -%}
            {{ exceptions.raise_compiler_error("the archive schema " ~ archive_schema ~ " already has " ~ clashes | join(', ') ~ "; nothing retired") }}
        {%- endif -%}
    {%- endif -%}
    {%- if retiring -%}
        {%- set count_sql = [] -%}
        {%- for part in retiring -%}
            {%- do count_sql.append("select " ~ loop.index0 ~ " as i, count(*) as n from " ~ part.name) -%}
        {%- endfor -%}
        {%- for row in run_query(count_sql | join(' union all ') ~ " order by 1") -%}
            {%- do retiring[row[0]].update({'rows': row[1]}) -%}
        {%- endfor -%}
    {%- endif -%}

    {%- set total = namespace(rows=0) -%}
    {%- if dry_run -%}
        {%- for part in retiring -%}
            {% do print(say ~ "dry run: would detach " ~ part.name ~ " " ~ part.span ~ ", " ~ part.rows ~ " rows, and " ~ (("move it to " ~ archive_schema ~ "." ~ part.relname) if archive_schema else "drop it")) %}
            {%- set total.rows = total.rows + part.rows -%}
        {%- endfor -%}
        {% do print(say ~ "dry run: " ~ retiring | length ~ " partitions (" ~ total.rows ~ " rows) end on or before " ~ cutoff ~ " (" ~ keep ~ " months before " ~ day.replace(day=1) ~ "); " ~ kept.n ~ " partitions kept; nothing changed") %}
        {{ return('') }}
    {%- endif -%}

    {%- if archive_schema and retiring -%}
        {% call statement('retire_schema') %}
            begin;
            create schema if not exists {{ adapter.quote(archive_schema) }}
        {% endcall %}
        {% do adapter.commit() %}
    {%- endif -%}
    {%- for part in retiring -%}
        {% call statement('retire_partition') %}
            begin;
            set local lock_timeout = '{{ lock_timeout }}';
            alter table {{ parent }} detach partition {{ part.name }};
            {% if archive_schema -%}
                alter table {{ part.name }} set schema {{ adapter.quote(archive_schema) }}
            {%- else -%}
                drop table {{ part.name }}
            {%- endif %}
        {% endcall %}
        {% do adapter.commit() %}
        {%- set total.rows = total.rows + part.rows -%}
        {% do print(say ~ "detached " ~ part.name ~ " " ~ part.span ~ " (" ~ part.rows ~ " rows) and " ~ (("moved it to " ~ archive_schema ~ "." ~ part.relname) if archive_schema else "dropped it")) %}
    {%- endfor -%}
    {% do print(say ~ "retired " ~ retiring | length ~ " partitions (" ~ total.rows ~ " rows) ending on or before " ~ cutoff ~ " (" ~ keep ~ " months before " ~ day.replace(day=1) ~ "); " ~ kept.n ~ " partitions kept") %}
{% endmacro %}
