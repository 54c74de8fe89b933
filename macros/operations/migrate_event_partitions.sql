{#- Migrates an UNPARTITIONED usage_events (the app's original table) into the layout
    init_source creates (SPEC section 5.1): range-partitioned by month on occurred_at, a
    default partition, the same indexes. Run by `storytime-analytics migrate-partitions`
    (under the runner's lock, recorded in the run log), or directly:
        dbt run-operation migrate_event_partitions --args '{batch_size: 50000, dry_run: true}'

    1. Checks. Refuses (one-line error, nothing changed) when usage_events is missing or
       already partitioned, when usage_events_unpartitioned exists, or when a partition
       name it needs belongs to another table.
    2. Creates usage_events_partitioned: `like usage_events including all excluding
       indexes` (same columns, defaults, not-null and check constraints, identity), one
       partition per month from the month of min(occurred_at) to the later of
       max(occurred_at) and the current month, named usage_events_yYYYYmMM as the
       partitions operation names them, plus usage_events_default (rows with a null
       occurred_at land there); the old table's grants (and owner, when we may set it).
    3. Copies the rows in batches of batch_size in id order (keyset on id: with the app's
       primary key each batch is an index range scan), one transaction per batch, then
       builds the indexes: the old table's own ones (a unique one becomes plain: the unique
       keys of a partitioned table must include occurred_at) and the four of init_source.
       An interrupted run leaves usage_events_partitioned behind; the next run resumes
       after its highest id.
    4. One transaction: locks usage_events in EXCLUSIVE mode (reads go on, writes wait),
       copies the rows that arrived since, compares row counts and a checksum (the sum of
       hashtext of each row's text) per month of occurred_at between old and new, copies
       again any month that differs (a row updated, deleted or committed late during the
       copy) and refuses, rolling everything back, if one still differs. Only then: renames
       usage_events to usage_events_unpartitioned and usage_events_partitioned to
       usage_events, hands the id sequence over, and re-creates the views that read the old
       table (the dbt staging views among them) so they read the new one.

    THE APP MUST BE PAUSED, OR ITS WRITES QUEUED, DURING STEP 4. The lock makes the app's
    inserts wait instead of failing, but step 4 reads both tables in full (twice) and the
    renames need an ACCESS EXCLUSIVE lock that also stops readers for a moment; waits for a
    lock give up after var upkeep_lock_timeout (default 10s), rolling step 4 back.

    The old table stays as usage_events_unpartitioned for the operator to drop once
    satisfied; its foreign keys and triggers are not carried over (listed as warnings). -#}
{% macro migrate_event_partitions(batch_size=50000, dry_run=false) %}
    {{ return(adapter.dispatch('migrate_event_partitions', 'storytime')(batch_size, dry_run)) }}
{% endmacro %}

{% macro default__migrate_event_partitions(batch_size=50000, dry_run=false) %}
    {% do print("migrate_event_partitions: " ~ target.type ~ " has no declarative partitions; nothing to do") %}
{% endmacro %}

{% macro postgres__migrate_event_partitions(batch_size=50000, dry_run=false) %}
    {%- set say = 'migrate_event_partitions: ' -%}
    {%- set batch = batch_size | int -%}
    {%- if batch < 1 -%}
        {{ exceptions.raise_compiler_error("batch_size must be a positive number of rows, not " ~ batch_size) }}
    {%- endif -%}
    {%- set schema = storytime.source_schema() -%}
    {%- set s = adapter.quote(schema) -%}
    {%- set old = s ~ '.' ~ adapter.quote('usage_events') -%}
    {%- set work_name = 'usage_events_partitioned' -%}
    {%- set keep_name = 'usage_events_unpartitioned' -%}
    {%- set new = s ~ '.' ~ adapter.quote(work_name) -%}
    {%- set old_lit = "'" ~ (old | replace("'", "''")) ~ "'" -%}
    {%- set new_lit = "'" ~ (new | replace("'", "''")) ~ "'" -%}
    {%- set schema_lit = "'" ~ (schema | replace("'", "''")) ~ "'" -%}
    {%- set lock_timeout = var('upkeep_lock_timeout', '10s') -%}

    {#- Months and checksums in UTC, whatever the server's time zone. Every unit of work
        below opens its transaction with an explicit `begin`: once dbt has sent a COMMIT,
        psycopg2 no longer starts one by itself (the connection stays in its "in
        transaction" state while the server is idle), so without it each statement would
        commit on its own. -#}
    {% call statement('migrate_session') %}set timezone = 'UTC'{% endcall %}
    {% do adapter.commit() %}

    {#- 1. checks -#}
    {%- set kinds = {} -%}
    {%- for row in run_query("select c.relname, c.relkind::text from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = " ~ schema_lit ~ " and c.relname in ('usage_events', '" ~ work_name ~ "', '" ~ keep_name ~ "')") -%}
        {%- do kinds.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- if 'usage_events' not in kinds -%}
        {{ exceptions.raise_compiler_error("there is no table " ~ schema ~ ".usage_events to migrate") }}
    {%- elif kinds['usage_events'] == 'p' -%}
        {{ exceptions.raise_compiler_error(schema ~ ".usage_events is already partitioned; nothing to migrate") }}
    {%- elif kinds['usage_events'] != 'r' -%}
        {{ exceptions.raise_compiler_error(schema ~ ".usage_events is not a table (relkind " ~ kinds['usage_events'] ~ "); nothing to migrate") }}
    {%- endif -%}
    {%- if keep_name in kinds -%}
        {{ exceptions.raise_compiler_error(schema ~ "." ~ keep_name ~ " already exists (the old table of an earlier migration?); drop or rename it first") }}
    {%- endif -%}
    {%- set resuming = work_name in kinds -%}
    {%- if resuming and kinds[work_name] != 'p' -%}
        {{ exceptions.raise_compiler_error(schema ~ "." ~ work_name ~ " exists and is not a partitioned table; drop or rename it first") }}
    {%- endif -%}

    {%- set column_sql -%}
        select string_agg(quote_ident(attname), ', ' order by attnum) filter (where attgenerated = '') as copied,
               string_agg(quote_ident(attname) || ' ' || format_type(atttypid, atttypmod), ', ' order by attnum) as signature,
               bool_or(attname = 'id') as has_id,
               bool_or(attname = 'occurred_at') as has_occurred_at
        from pg_attribute
        where attrelid = {{ old_lit }}::regclass and attnum > 0 and not attisdropped
    {%- endset -%}
    {%- set columns = run_query(column_sql).rows[0] -%}
    {%- if not columns[2] or not columns[3] -%}
        {{ exceptions.raise_compiler_error(schema ~ ".usage_events has no id or no occurred_at column; cannot migrate") }}
    {%- endif -%}
    {%- set copied = columns[0] -%}
    {%- if resuming -%}
        {%- set work_signature = run_query(column_sql | replace(old_lit, new_lit)).rows[0][1] -%}
        {%- if work_signature != columns[1] -%}
            {{ exceptions.raise_compiler_error(schema ~ "." ~ work_name ~ " (left by an interrupted run) does not have the columns of usage_events; drop it to start over") }}
        {%- endif -%}
    {%- endif -%}

    {%- set stats_sql -%}
        select count(*) as n, min(id) as min_id, max(id) as max_id,
               to_char(date_trunc('month', min(occurred_at)), 'YYYY-MM-DD') as first_month,
               to_char(date_trunc('month', max(occurred_at)), 'YYYY-MM-DD') as last_month,
               count(*) filter (where occurred_at is null) as null_occurred_at,
               count(*) filter (where id is null) as null_id
        from {{ old }}
    {%- endset -%}
    {%- set stats = run_query(stats_sql).rows[0] -%}
    {%- set total = stats[0] | int -%}

    {#- The months: first..max(last, this month). -#}
    {%- set this_month = modules.datetime.datetime.utcnow().date().replace(day=1) -%}
    {%- set first = modules.datetime.date.fromisoformat(stats[3]) if stats[3] else this_month -%}
    {%- set last = modules.datetime.date.fromisoformat(stats[4]) if stats[4] else this_month -%}
    {%- set first = [first, this_month] | min -%}
    {%- set last = [last, this_month] | max -%}
    {%- set months = [] -%}
    {%- set cursor = namespace(month=first) -%}
    {%- for _ in range(1201) if cursor.month <= last -%}
        {%- set upper = (cursor.month + modules.datetime.timedelta(days=32)).replace(day=1) -%}
        {%- do months.append({'name': 'usage_events_y' ~ cursor.month.strftime('%Y') ~ 'm' ~ cursor.month.strftime('%m'), 'lower': cursor.month, 'upper': upper}) -%}
        {%- set cursor.month = upper -%}
    {%- endfor -%}
    {%- if cursor.month <= last -%}
        {{ exceptions.raise_compiler_error("occurred_at spans more than 100 years (" ~ first ~ " .. " ~ last ~ "); fix the outlying rows first") }}
    {%- endif -%}

    {#- Partition names must be free, or partitions of an interrupted run's table. -#}
    {%- set owners_sql -%}
        select c.relname, coalesce((select p.relname from pg_inherits h join pg_class p on p.oid = h.inhparent
                                    where h.inhrelid = c.oid), '') as parent
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = {{ schema_lit }} and c.relname ~ '^usage_events_(y[0-9]{4}m[0-9]{2}|default)$'
    {%- endset -%}
    {%- set taken = {} -%}
    {%- for row in run_query(owners_sql) -%}
        {%- do taken.update({row[0]: row[1]}) -%}
    {%- endfor -%}
    {%- for name in (months | map(attribute='name') | list) + ['usage_events_default'] -%}
        {%- if name in taken and taken[name] != work_name -%}
            {{ exceptions.raise_compiler_error(schema ~ "." ~ name ~ " already exists" ~ ((" (a partition of " ~ taken[name] ~ ")") if taken[name] else "") ~ "; the migration needs the name") }}
        {%- endif -%}
    {%- endfor -%}

    {#- Indexes: the old table's (as plain indexes) and the four of init_source. -#}
    {%- set index_sql -%}
        select substring(pg_get_indexdef(i.indexrelid) from ' USING .*$') as body, i.indisunique, ic.relname
        from pg_index i join pg_class ic on ic.oid = i.indexrelid
        where i.indrelid = {{ old_lit }}::regclass
        order by ic.relname
    {%- endset -%}
    {%- set bodies = [] -%}
    {%- set notes = [] -%}
    {%- for row in run_query(index_sql) -%}
        {%- if row[0] not in bodies -%}{%- do bodies.append(row[0]) -%}{%- endif -%}
        {%- if row[1] -%}
            {%- do notes.append("unique index " ~ row[2] ~ " becomes a plain index (the unique keys of a partitioned table must include occurred_at)") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- for cols in ['child_profile_id, book_id, occurred_at', 'book_id, occurred_at', 'event_type, occurred_at', 'created_at'] -%}
        {%- if ' USING btree (' ~ cols ~ ')' not in bodies -%}{%- do bodies.append(' USING btree (' ~ cols ~ ')') -%}{%- endif -%}
    {%- endfor -%}

    {#- What the new table does not get. -#}
    {%- set foreign_sql -%}
        select format('%s %s', case when c.conrelid = {{ old_lit }}::regclass then 'foreign key' else 'foreign key of ' || c.conrelid::regclass::text || ' referencing it:' end, c.conname)
        from pg_constraint c
        where c.contype = 'f' and (c.conrelid = {{ old_lit }}::regclass or c.confrelid = {{ old_lit }}::regclass)
        union all
        select 'trigger ' || tgname from pg_trigger where tgrelid = {{ old_lit }}::regclass and not tgisinternal
    {%- endset -%}
    {%- for row in run_query(foreign_sql) -%}
        {%- do notes.append(row[0] ~ " is not carried over to the partitioned table") -%}
    {%- endfor -%}
    {%- set views_sql -%}
        select distinct format('%I.%I', vn.nspname, v.relname) as name, v.relkind::text as kind,
               case when v.relkind = 'v' then pg_get_viewdef(v.oid) end as definition
        from pg_depend d
        join pg_rewrite r on r.oid = d.objid
        join pg_class v on v.oid = r.ev_class
        join pg_namespace vn on vn.oid = v.relnamespace
        where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
          and d.refobjid = {{ old_lit }}::regclass and v.oid <> d.refobjid
        order by 1
    {%- endset -%}
    {%- set views = [] -%}
    {%- for view in run_query(views_sql) -%}
        {%- if view[1] == 'v' -%}
            {%- do views.append({'name': view[0], 'definition': view[2]}) -%}
        {%- else -%}
            {%- do notes.append("materialized view " ~ view[0] ~ " keeps reading the old table: rebuild it before dropping " ~ keep_name) -%}
        {%- endif -%}
    {%- endfor -%}

    {%- set month_span = months[0].lower.strftime('%Y-%m') ~ ".." ~ months[-1].lower.strftime('%Y-%m') -%}
    {% do print(say ~ schema ~ ".usage_events: " ~ total ~ " rows, ids " ~ stats[1] ~ ".." ~ stats[2] ~ ", occurred_at months " ~ (stats[3][:7] if stats[3] else 'none') ~ ".." ~ (stats[4][:7] if stats[4] else 'none') ~ ((", " ~ stats[5] ~ " with a null occurred_at") if stats[5] else "")) %}
    {%- if stats[6] -%}
        {%- do notes.append(stats[6] ~ " rows have a null id: the batches skip them, the final step copies their months again") -%}
    {%- endif -%}
    {%- for note in notes -%}
        {% do print(say ~ "warning: " ~ note) %}
    {%- endfor -%}

    {%- if dry_run -%}
        {% do print(say ~ "dry run: would " ~ ("resume filling " if resuming else "create ") ~ schema ~ "." ~ work_name ~ " with " ~ months | length ~ " monthly partitions (" ~ month_span ~ ") and a default partition") %}
        {% do print(say ~ "dry run: would copy the rows in about " ~ ((total + batch - 1) // batch) ~ " batches of " ~ batch ~ ", then build " ~ bodies | length ~ " indexes (" ~ bodies | map('trim') | join('; ') ~ ")") %}
        {% do print(say ~ "dry run: would then, in one transaction with the app paused, copy the rows that arrived, compare counts and checksums per month, rename usage_events to " ~ keep_name ~ " and " ~ work_name ~ " to usage_events, and re-create " ~ views | length ~ " dependent views") %}
        {{ return('') }}
    {%- endif -%}

    {#- 2. the partitioned table -#}
    {% call statement('migrate_begin') %}begin{% endcall %}
    {%- if not resuming -%}
        {% call statement('migrate_create') %}
            create table {{ new }} (like {{ old }} including all excluding indexes) partition by range (occurred_at)
        {% endcall %}
        {% call statement('migrate_default') %}
            create table {{ s }}.{{ adapter.quote('usage_events_default') }} partition of {{ new }} default
        {% endcall %}
        {%- for row in run_query("select a.privilege_type, case when a.grantee = 0 then 'public' else quote_ident(r.rolname) end, a.is_grantable from pg_class c cross join lateral aclexplode(c.relacl) a left join pg_roles r on r.oid = a.grantee where c.oid = " ~ old_lit ~ "::regclass and a.grantee <> c.relowner") -%}
            {% call statement('migrate_grant') %}
                grant {{ row[0] }} on {{ new }} to {{ row[1] }}{{ ' with grant option' if row[2] else '' }}
            {% endcall %}
        {%- endfor -%}
    {%- endif -%}
    {%- set created = [] -%}
    {%- for month in months if month.name not in taken -%}
        {#- A month missing from a resumed table whose rows already sit in the default
            partition is left there (the partitions operation moves them later). -#}
        {%- set bounds = "occurred_at >= '" ~ month.lower ~ " 00:00:00+00' and occurred_at < '" ~ month.upper ~ " 00:00:00+00'" -%}
        {%- if not resuming or not run_query("select exists (select 1 from " ~ s ~ ".usage_events_default where " ~ bounds ~ ")").rows[0][0] -%}
            {% call statement('migrate_partition') %}
                create table {{ s }}.{{ adapter.quote(month.name) }} partition of {{ new }}
                    for values from ('{{ month.lower }} 00:00:00+00') to ('{{ month.upper }} 00:00:00+00')
            {% endcall %}
            {%- do created.append(month.name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- set owner = run_query("select pg_get_userbyid(relowner), pg_get_userbyid(relowner) = current_user, pg_has_role(relowner, 'MEMBER') from pg_class where oid = " ~ old_lit ~ "::regclass").rows[0] -%}
    {%- if not owner[1] -%}
        {%- if owner[2] -%}
            {%- for name in [work_name, 'usage_events_default'] + created -%}
                {% call statement('migrate_owner') %}alter table {{ s }}.{{ adapter.quote(name) }} owner to {{ adapter.quote(owner[0]) }}{% endcall %}
            {%- endfor -%}
        {%- else -%}
            {% do print(say ~ "warning: usage_events is owned by " ~ owner[0] ~ ", the new table by the current user: change its owner after the migration") %}
        {%- endif -%}
    {%- endif -%}
    {% do adapter.commit() %}
    {% do print(say ~ ("resuming " if resuming else "created ") ~ schema ~ "." ~ work_name ~ ": " ~ months | length ~ " monthly partitions (" ~ month_span ~ ") and a default partition") %}

    {#- 3. the copy, in batches -#}
    {%- set insert_head = "insert into " ~ new ~ " (" ~ copied ~ ") overriding system value select " ~ copied ~ " from " ~ old -%}
    {%- set progress = namespace(lo=none, rows=0, batches=0) -%}
    {%- if resuming -%}
        {%- set progress.lo = run_query("select max(id) from " ~ new).rows[0][0] -%}
        {%- set progress.rows = run_query("select count(*) from " ~ new).rows[0][0] | int -%}
    {%- endif -%}
    {%- if progress.lo is none and stats[1] is not none -%}
        {%- set progress.lo = (stats[1] | int) - 1 -%}
    {%- endif -%}
    {%- set expected = ((total - progress.rows + batch - 1) // batch) -%}
    {%- set every = [1, expected // 20] | max -%}
    {%- if progress.lo is not none -%}
        {%- for _ in range(expected + 100) -%}
            {%- set hi = run_query("select max(id) from (select id from " ~ old ~ " where id > " ~ progress.lo ~ " order by id limit " ~ batch ~ ") as b").rows[0][0] -%}
            {%- if hi is none -%}{%- break -%}{%- endif -%}
            {% call statement('migrate_batch') %}
                begin;
                {{ insert_head }} where id > {{ progress.lo }} and id <= {{ hi }}
            {% endcall %}
            {% do adapter.commit() %}
            {%- set progress.rows = progress.rows + load_result('migrate_batch')['response'].rows_affected -%}
            {%- set progress.batches = progress.batches + 1 -%}
            {%- set progress.lo = hi -%}
            {%- if progress.batches % every == 0 -%}
                {% do print(say ~ "copied " ~ progress.rows ~ " of about " ~ total ~ " rows (" ~ progress.batches ~ " batches, ids up to " ~ hi ~ ")") %}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set existing_bodies = run_query(index_sql | replace(old_lit, new_lit)).columns[0].values() -%}
    {%- for body in bodies if body not in existing_bodies -%}
        {% call statement('migrate_index') %}begin; create index on {{ new }}{{ body }}{% endcall %}
        {% do adapter.commit() %}
    {%- endfor -%}
    {% do print(say ~ "copied " ~ progress.rows ~ " rows in " ~ progress.batches ~ " batches; " ~ bodies | length ~ " indexes in place") %}

    {#- 4. one transaction: catch up, verify, swap -#}
    {% call statement('migrate_lock') %}
        begin;
        set local lock_timeout = '{{ lock_timeout }}';
        lock table {{ old }} in exclusive mode
    {% endcall %}
    {%- if progress.lo is none -%}
        {% call statement('migrate_tail') %}{{ insert_head }} where id is not null{% endcall %}
    {%- else -%}
        {% call statement('migrate_tail') %}{{ insert_head }} where id > {{ progress.lo }}{% endcall %}
    {%- endif -%}
    {%- set compare_sql -%}
        with old_months as (
            select coalesce(to_char(date_trunc('month', t.occurred_at), 'YYYY-MM-DD'), 'none') as month,
                   count(*) as n, sum(hashtext(t::text)::bigint) as checksum
            from {{ old }} as t group by 1
        ),
        new_months as (
            select coalesce(to_char(date_trunc('month', t.occurred_at), 'YYYY-MM-DD'), 'none') as month,
                   count(*) as n, sum(hashtext(t::text)::bigint) as checksum
            from {{ new }} as t group by 1
        )
        select coalesce(o.month, p.month) as month,
               coalesce(o.n, 0) as old_rows, coalesce(p.n, 0) as new_rows,
               coalesce(o.n = p.n and o.checksum = p.checksum, false) as same
        from old_months as o full join new_months as p on o.month = p.month
        order by 1
    {%- endset -%}
    {%- set differing = [] -%}
    {%- for row in run_query(compare_sql) if not row[3] -%}
        {%- do differing.append(row[0]) -%}
    {%- endfor -%}
    {%- for month in differing -%}
        {%- if month == 'none' -%}
            {%- set where = "occurred_at is null" -%}
        {%- else -%}
            {%- set lower = modules.datetime.date.fromisoformat(month) -%}
            {%- set upper = (lower + modules.datetime.timedelta(days=32)).replace(day=1) -%}
            {%- set where = "occurred_at >= '" ~ lower ~ " 00:00:00+00' and occurred_at < '" ~ upper ~ " 00:00:00+00'" -%}
        {%- endif -%}
        {% call statement('migrate_repair') %}
            delete from {{ new }} where {{ where }};
            {{ insert_head }} where {{ where }}
        {% endcall %}
    {%- endfor -%}
    {%- set recopied = [] -%}
    {%- for month in differing -%}{%- do recopied.append(month[:7]) -%}{%- endfor -%}
    {%- set verified = namespace(rows=0, months=0, bad=[]) -%}
    {%- for row in run_query(compare_sql) -%}
        {%- set verified.rows = verified.rows + row[1] -%}
        {%- set verified.months = verified.months + 1 -%}
        {%- if not row[3] -%}
            {%- do verified.bad.append(row[0][:7] ~ " (old " ~ row[1] ~ " rows, new " ~ row[2] ~ ")") -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if verified.bad -%}
        {{ exceptions.raise_compiler_error("row counts or checksums still differ after copying again: " ~ verified.bad | join(', ') ~ "; nothing swapped (is the app still writing? pause it and run again)") }}
    {%- endif -%}
    {#- The dependent views again, now that nobody can change them. -#}
    {%- set views = [] -%}
    {%- for view in run_query(views_sql) if view[1] == 'v' -%}
        {%- do views.append({'name': view[0], 'definition': view[2]}) -%}
    {%- endfor -%}
    {%- set sequences = run_query("select quote_ident(attname), pg_get_serial_sequence(" ~ old_lit ~ ", attname), attidentity::text, pg_get_serial_sequence(" ~ new_lit ~ ", attname) from pg_attribute where attrelid = " ~ old_lit ~ "::regclass and attnum > 0 and not attisdropped and pg_get_serial_sequence(" ~ old_lit ~ ", attname) is not null") -%}
    {% call statement('migrate_swap') %}
        alter table {{ old }} rename to {{ adapter.quote(keep_name) }};
        alter table {{ new }} rename to {{ adapter.quote('usage_events') }}
    {% endcall %}
    {%- set swapped = old -%}  {#- the same name, now the partitioned table -#}
    {%- for seq in sequences -%}
        {%- if seq[2] == '' -%}
            {% call statement('migrate_sequence') %}alter sequence {{ seq[1] }} owned by {{ swapped }}.{{ seq[0] }}{% endcall %}
        {%- elif seq[3] -%}
            {% call statement('migrate_sequence') %}select setval('{{ seq[3] }}', s.last_value, s.is_called) from {{ seq[1] }} as s{% endcall %}
        {%- endif -%}
    {%- endfor -%}
    {%- set rebound = [] -%}
    {%- for view in views -%}
        {% call statement('migrate_view') %}create or replace view {{ view.name }} as {{ view.definition }}{% endcall %}
        {%- do rebound.append(view.name) -%}
    {%- endfor -%}
    {% do adapter.commit() %}
    {% do print(say ~ "verified " ~ verified.rows ~ " rows in " ~ verified.months ~ " months (counts and checksums equal" ~ ((", copied again: " ~ recopied | join(', ')) if differing else "") ~ ")") %}
    {% do print(say ~ "swapped: " ~ schema ~ ".usage_events is partitioned; the old table is " ~ schema ~ "." ~ keep_name ~ " (drop it when satisfied)" ~ ("; views re-created: " ~ rebound | join(', ') if rebound else "")) %}
{% endmacro %}
