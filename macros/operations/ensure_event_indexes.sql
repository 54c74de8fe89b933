{#- Makes sure usage_events has the three indexes of SPEC section 5.2 —
    (child_profile_id, book_id, occurred_at), (book_id, occurred_at), (event_type, occurred_at)
    — without blocking the app's writes. Run by `storytime-analytics indexes`.

    An index is recognised by what it is, not by its name: a btree index, without
    predicate or expression, whose key columns are those, in that order (a unique one or one
    with INCLUDE columns counts too).

    On a partitioned usage_events (the layout of init_source) a plain CREATE INDEX on the
    parent would lock every partition against writes while it builds, so:
    1. a missing parent index is created with CREATE INDEX ... ON ONLY (catalog only,
       instant; invalid until every partition has attached its own);
    2. a partition lacking it gets CREATE INDEX CONCURRENTLY on the partition itself;
    3. ALTER INDEX parent_idx ATTACH PARTITION part_idx attaches an equivalent index of
       the partition (built by 2 or already there under any name); after the last one the
       parent index is valid.
    On a plain table the missing indexes are built CONCURRENTLY on it directly. An invalid
    equivalent index (what an interrupted CONCURRENTLY build leaves) is dropped
    CONCURRENTLY and built again.

    Why the runner, not this macro, runs the CONCURRENTLY statements: they cannot run
    inside a transaction block, and dbt-postgres runs an operation's statements in one
    (psycopg2 with autocommit off: this project's profile does not set `autocommit: true`,
    and every other operation relies on transactions). The dbt-side workarounds depend on
    driver internals (once dbt has sent COMMIT, psycopg2 leaves the connection idle, which
    is also why `transaction: false` hooks "work"), so they are not used. Instead this macro
    does the transactional steps 1 and 3 and prints each statement of step 2 on a line
        ensure_event_indexes: run outside a transaction: <statement>
    The runner executes those lines on an autocommit psycopg connection, then calls this
    macro again, which attaches what they built; by hand: run them in psql, then this
    operation again. Idempotent: with everything in place it changes and prints nothing
    but a summary. -#}
{% macro ensure_event_indexes() %}
    {{ return(adapter.dispatch('ensure_event_indexes', 'storytime')()) }}
{% endmacro %}

{% macro default__ensure_event_indexes() %}
    {% do print("ensure_event_indexes: " ~ target.type ~ " has no secondary indexes to manage; nothing to do") %}
{% endmacro %}

{% macro postgres__ensure_event_indexes() %}
    {%- set say = 'ensure_event_indexes: ' -%}
    {%- set outside = 'run outside a transaction: ' -%}
    {%- set schema = storytime.source_schema() -%}
    {%- set parent = adapter.quote(schema) ~ '.' ~ adapter.quote('usage_events') -%}
    {%- set parent_lit = "'" ~ (parent | replace("'", "''")) ~ "'" -%}
    {%- set wanted = ['child_profile_id,book_id,occurred_at', 'book_id,occurred_at', 'event_type,occurred_at'] -%}
    {%- set lock_timeout = var('upkeep_lock_timeout', '10s') -%}

    {%- set kind = run_query("select relkind::text from pg_class where oid = to_regclass(" ~ parent_lit ~ ")") -%}
    {%- if kind.rows | length == 0 -%}
        {{ exceptions.raise_compiler_error("there is no table " ~ schema ~ ".usage_events") }}
    {%- endif -%}
    {%- set partitioned = kind.rows[0][0] == 'p' -%}

    {%- set index_sql -%}
        with rels as (
            select c.oid, c.relkind::text as kind, c.oid = p.oid as is_parent,
                   format('%I.%I', n.nspname, c.relname) as name
            from pg_class as p
            join pg_class as c
              on c.oid = p.oid or c.oid in (select inhrelid from pg_inherits where inhparent = p.oid)
            join pg_namespace as n on n.oid = c.relnamespace
            where p.oid = {{ parent_lit }}::regclass
        )
        select r.name, r.is_parent, r.kind,
               case when xc.oid is not null then format('%I.%I', xn.nspname, xc.relname) end as index_name,
               i.indisvalid,
               (select string_agg(a.attname, ',' order by k.ord)
                from unnest(i.indkey::int2[]) with ordinality as k (attnum, ord)
                join pg_attribute as a on a.attrelid = i.indrelid and a.attnum = k.attnum
                where k.ord <= i.indnkeyatts) as cols,
               i.indpred is null and i.indexprs is null and am.amname = 'btree' as plain,
               (select format('%I.%I', hn.nspname, hc.relname)
                from pg_inherits as h
                join pg_class as hc on hc.oid = h.inhparent
                join pg_namespace as hn on hn.oid = hc.relnamespace
                where h.inhrelid = i.indexrelid) as attached_to
        from rels as r
        left join pg_index as i on i.indrelid = r.oid
        left join pg_class as xc on xc.oid = i.indexrelid
        left join pg_namespace as xn on xn.oid = xc.relnamespace
        left join pg_am as am on am.oid = xc.relam
        order by r.is_parent desc, r.name, index_name
    {%- endset -%}
    {%- set rels = {} -%}
    {%- set partitions = [] -%}
    {%- set top = namespace(name=none) -%}
    {%- for row in run_query(index_sql) -%}
        {%- if row[0] not in rels -%}
            {%- do rels.update({row[0]: []}) -%}
            {%- if row[1] -%}
                {%- set top.name = row[0] -%}
            {%- else -%}
                {%- if row[2] != 'r' -%}
                    {{ exceptions.raise_compiler_error("partition " ~ row[0] ~ " is not a plain table (relkind " ~ row[2] ~ "); only one level of ordinary partitions is supported") }}
                {%- endif -%}
                {%- do partitions.append(row[0]) -%}
            {%- endif -%}
        {%- endif -%}
        {%- if row[3] is not none and row[6] -%}
            {%- do rels[row[0]].append({'name': row[3], 'valid': row[4], 'cols': row[5], 'attached_to': row[7]}) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set plan = [] -%}
    {%- if not partitioned -%}
        {%- for cols in wanted -%}
            {%- set same = rels[top.name] | selectattr('cols', 'equalto', cols) | list -%}
            {%- if not (same | selectattr('valid') | list) -%}
                {%- for index in same -%}
                    {%- do plan.append('drop index concurrently if exists ' ~ index.name) -%}
                {%- endfor -%}
                {%- do plan.append('create index concurrently on ' ~ parent ~ ' (' ~ cols ~ ')') -%}
            {%- endif -%}
        {%- endfor -%}
    {%- else -%}
        {% call statement('indexes_begin') %}
            begin;
            set local lock_timeout = '{{ lock_timeout }}'
        {% endcall %}
        {%- for cols in wanted -%}
            {%- set same = rels[top.name] | selectattr('cols', 'equalto', cols) | list -%}
            {%- set valid = same | selectattr('valid') | list -%}
            {%- if valid or same -%}
                {%- set parent_index = (valid or same)[0].name -%}
            {%- else -%}
                {%- set base = 'usage_events_' ~ cols | replace(',', '_') ~ '_idx' -%}
                {#- The name PostgreSQL would give it, or the first free one after it. -#}
                {%- set free_name = run_query("select format('%I', name), format('%I.%I', '" ~ (schema | replace("'", "''")) ~ "', name) from (select '" ~ base ~ "' || case when n = 0 then '' else '_' || n end as name, n from generate_series(0, 99) as n) as candidates where to_regclass(format('%I.%I', '" ~ (schema | replace("'", "''")) ~ "', name)) is null order by n limit 1").rows[0] -%}
                {% call statement('indexes_parent') %}
                    create index {{ free_name[0] }} on only {{ parent }} ({{ cols }})
                {% endcall %}
                {%- set parent_index = free_name[1] -%}
                {% do print(say ~ "created " ~ parent_index ~ " on only " ~ top.name ~ " (" ~ cols ~ "); valid once every partition has attached its own") %}
            {%- endif -%}
            {%- set attached = [] -%}
            {%- for part in partitions -%}
                {%- set own = rels[part] | selectattr('cols', 'equalto', cols) | list -%}
                {%- if not (own | selectattr('attached_to', 'equalto', parent_index) | list) -%}
                    {%- set free = own | selectattr('attached_to', 'none') | list -%}
                    {%- set ready = free | selectattr('valid') | list -%}
                    {%- if ready -%}
                        {% call statement('indexes_attach') %}
                            alter index {{ parent_index }} attach partition {{ ready[0].name }}
                        {% endcall %}
                        {%- do attached.append(ready[0].name) -%}
                    {%- else -%}
                        {%- for index in free -%}
                            {%- do plan.append('drop index concurrently if exists ' ~ index.name) -%}
                        {%- endfor -%}
                        {%- do plan.append('create index concurrently on ' ~ part ~ ' (' ~ cols ~ ')') -%}
                    {%- endif -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if attached -%}
                {% do print(say ~ parent_index ~ ": attached " ~ attached | length ~ " partition indexes") %}
            {%- endif -%}
        {%- endfor -%}
        {% do adapter.commit() %}
    {%- endif -%}

    {%- for statement_sql in plan -%}
        {% do print(say ~ outside ~ statement_sql) %}
    {%- endfor -%}
    {%- set where = top.name ~ ((" and its " ~ partitions | length ~ " partitions") if partitioned else "") -%}
    {%- if plan -%}
        {% do print(say ~ plan | length ~ " statements to run outside a transaction on " ~ where ~ ", then this operation again") %}
    {%- else -%}
        {% do print(say ~ "the " ~ wanted | length ~ " indexes are complete on " ~ where) %}
    {%- endif -%}
{% endmacro %}
