{#- Write, audit, publish (README "Publishing", DECISIONLOG "Write, audit, publish").

    On PostgreSQL dbt builds the marts in a private schema, <schema>_build (dbt_project.yml:
    marts +schema build), which no reader role can enter; the data tests read them there.
    The schema readers use (target.schema: the API, the report, Metabase) holds a published
    copy of each mart. Once a `dbt build` has passed (every model, test and unit test), its
    on-run-end hook copies what the run recomputed into the published copies in ONE
    transaction: a reader sees the state before the run or after it, never a mix, and a run
    whose tests fail publishes nothing. The runner's backfill (dbt run per chunk, then dbt
    test) publishes with `run-operation publish` after its tests pass.

    What a run recomputed, per mart: the processed dates of a dated mart (replace_dates:
    the run's range and the earlier dates it touched; for a table by month, the keys it
    changed from the first processed month on), the keys listed by key_model of an
    all-time mart (replace_keys), every row of anything else (the small per-book tables).
    When the build schema holds changes that an earlier invocation did not publish (its
    tests failed, it was killed, it was a `dbt run`), the publish copies every row instead:
    analytics_ops.publication remembers who left the build unpublished.

    Spark has no multi-statement transactions: there the marts are built in the readers'
    schema directly (generate_schema_name) and publishing does nothing. -#}

{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name == 'published'
            or (custom_schema_name == 'build' and target.type != 'postgres') -%}
        {{ target.schema }}
    {%- else -%}
        {{ default__generate_schema_name(custom_schema_name, node) }}
    {%- endif -%}
{%- endmacro %}

{#- The published copy of a mart (same name, the readers' schema); the relation itself where
    marts are built in place (Spark). For the views over marts (usage_report), which read
    the published copies so that they change only when a run publishes. -#}
{% macro published_relation(relation) %}
    {{ return(relation.incorporate(path={'schema': target.schema})) }}
{% endmacro %}

{#- Who runs: the runner's job (STORYTIME_RUN_JOB: a backfill is several invocations) or
    this dbt invocation. -#}
{% macro publication_job() %}
    {{ return(env_var('STORYTIME_RUN_JOB', '') or invocation_id) }}
{% endmacro %}

{% macro publication_table() %}
    {{ return(adapter.quote(target.schema ~ '_ops') ~ '.publication') }}
{% endmacro %}

{% macro create_publication_table() -%}
    create schema if not exists {{ adapter.quote(target.schema ~ '_ops') }};
    create table if not exists {{ storytime.publication_table() }} (
        singleton boolean primary key default true check (singleton),
        unpublished_by text,
        unpublished_since timestamptz,
        published_at timestamptz,
        -- the last publish: every row or what its run recomputed, and how long it took
        published_every_row boolean,
        publish_seconds numeric
    );
    alter table {{ storytime.publication_table() }}
        add column if not exists published_every_row boolean,
        add column if not exists publish_seconds numeric
{%- endmacro %}

{#- on-run-start: a run or build of models is about to change the build schema; remember
    the first job that did so since the last publish. -#}
{% macro mark_unpublished() %}
    {{ return(adapter.dispatch('mark_unpublished', 'storytime')()) }}
{% endmacro %}

{% macro default__mark_unpublished() -%}
    select 1
{%- endmacro %}

{% macro postgres__mark_unpublished() -%}
    {%- if flags.WHICH not in ('run', 'build') or not storytime.selects_models(selected_resources) -%}
        select 1
    {%- else -%}
        {{ storytime.create_publication_table() }};
        insert into {{ storytime.publication_table() }} (unpublished_by, unpublished_since)
        values ('{{ storytime.publication_job() }}', now())
        on conflict (singleton) do update set
            unpublished_by = coalesce(publication.unpublished_by, excluded.unpublished_by),
            unpublished_since = coalesce(publication.unpublished_since, excluded.unpublished_since)
    {%- endif -%}
{%- endmacro %}

{#- post-hook of the marts: make sure the published copy exists (empty at first, with the
    mart's indexes and grants) and has every column the mart has, so that the views over
    published copies can be created and a publish only copies rows. A new copy makes the
    next publish copy every row. -#}
{% macro ensure_published_relation() %}
    {{ return(adapter.dispatch('ensure_published_relation', 'storytime')()) }}
{% endmacro %}

{% macro default__ensure_published_relation() %}
{% endmacro %}

{% macro postgres__ensure_published_relation() -%}
    {%- if execute and model.config.materialized in ('table', 'incremental')
            and this.schema != target.schema -%}
        {%- set published = storytime.published_relation(this) -%}
        {%- set have = adapter.get_columns_in_relation(published) | map(attribute='name') | list -%}
        {%- if not have -%}
            create table if not exists {{ published }}
                (like {{ this }} including defaults including constraints including indexes);
            {%- for role in (config.get('grants') or {}).get('select', []) %}
            grant select on {{ published }} to {{ adapter.quote(role) }};
            {%- endfor %}
            update {{ storytime.publication_table() }} set unpublished_by = 'new published {{ this.identifier }}';
        {%- else -%}
            {#- the readers' grants as the config says now (a diff: no statement when in place) -#}
            {%- do apply_grants(published, config.get('grants'), should_revoke=true) -%}
            {%- for column in adapter.get_columns_in_relation(this) if column.name not in have %}
            alter table {{ published }} add column {{ adapter.quote(column.name) }} {{ column.data_type }};
            {%- endfor %}
        {%- endif -%}
    {%- endif -%}
{%- endmacro %}

{#- Whether the build holds changes that another job left unpublished (its tests failed, it
    died, it was a `dbt run`): this run's publish then copies, and its tests read, every row. -#}
{% macro publishes_every_row() %}
    {{ return(adapter.dispatch('publishes_every_row', 'storytime')()) }}
{% endmacro %}

{% macro default__publishes_every_row() %}
    {{ return(false) }}
{% endmacro %}

{% macro postgres__publishes_every_row() %}
    {%- if not execute -%}
        {{ return(false) }}
    {%- endif -%}
    {%- set table = api.Relation.create(database=target.database, schema=target.schema ~ '_ops', identifier='publication') -%}
    {%- set state = run_query("select unpublished_by from " ~ table) if load_relation(table) is not none else none -%}
    {%- set pending = state.rows[0][0] if state is not none and state.rows | length > 0 else none -%}
    {{ return(pending is not none and pending != storytime.publication_job()) }}
{% endmacro %}

{#- The SQL (one transaction) that publishes what this run recomputed, or every row
    (full=true, or whenever the build holds changes of another job). keyed_scope=false: the
    all-time marts are copied whole (a backfill's chunks each recompute their own keys). -#}
{% macro publish_sql(full=false, keyed_scope=true) %}
    {%- set full = full or storytime.publishes_every_row() -%}
    {%- set statements = [] -%}
    {%- set copied = [] -%}
    {%- for node in graph.nodes.values() | sort(attribute='name')
            if node.resource_type == 'model' and node.config.materialized in ('table', 'incremental')
            and (node.config.meta or {}).get('published_schema') -%}
        {%- set built = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
        {%- set published = built.incorporate(path={'schema': node.config.meta.published_schema}) -%}
        {%- set columns = adapter.get_columns_in_relation(built) | map(attribute='name') | map('replace', '"', '') | list -%}
        {%- if built.schema != published.schema and columns -%}
            {%- set scope = storytime.publish_scope(node, full, keyed_scope) -%}
            {%- set changed = storytime.changed_keys_of_this_run(built) if node.config.get('months_onward') else none -%}
            {%- set source = built -%}
            {%- set source_rows = none -%}
            {%- if changed is not none and storytime.publishes_changed_keys(node, full, keyed_scope) -%}
                {#- a table by month: the keys this invocation replaced, and their new rows,
                    recorded by the strategy (copied from there: no lookup of each key) -#}
                {%- set keys = node.config.key_columns | join(', ') -%}
                {%- set scope = scope ~ ' and (' ~ keys ~ ') in (select ' ~ keys ~ ' from ' ~ changed ~ ')' -%}
                {%- set source = changed -%}
                {%- set source_rows = node.config.days_mask ~ ' <> 0' -%}
            {%- endif -%}
            {%- set scopes = [scope] -%}
            {%- if node.config.get('touched_keys') and keyed_scope and not full
                    and storytime.touched_dates(in_test=true) -%}
                {#- a per-child-day mart: its whole dates, and on the earlier dates the
                    touched pairs only, as its strategy replaced them -#}
                {%- set date_column = node.config.date_column -%}
                {%- set scopes = [
                    storytime.in_date_range(date_column),
                    '(child_profile_id, book_id, ' ~ date_column ~ ') in ('
                        ~ storytime.touched_pairs(in_test=true) ~ ')',
                ] -%}
            {%- endif -%}
            {%- set column_list = columns | map('tojson') | join(', ') -%}
            {%- do copied.append(node.name) -%}
            {%- for rows in scopes -%}
                {%- do statements.append('delete from ' ~ published ~ ' where ' ~ rows) -%}
                {%- do statements.append('insert into ' ~ published ~ ' (' ~ column_list ~ ') select '
                    ~ column_list ~ ' from ' ~ source ~ ' where ' ~ (source_rows or rows)) -%}
            {%- endfor -%}
            {%- if node.config.get('months_onward') and node.config.get('key_columns') -%}
                {#- (the recorded keys name children: nothing keeps them once published) -#}
                {%- do statements.append('drop table if exists ' ~ storytime.changed_keys_relation(built)) -%}
            {%- endif -%}
        {%- endif -%}
    {%- endfor -%}
    {%- do log('publishing ' ~ (copied | length) ~ ' marts' ~ (' (every row)' if full else ''), info=false) -%}
    begin;
    {% for statement in statements -%}
    {{ statement }};
    {% endfor -%}
    {{ storytime.create_publication_table() }};
    insert into {{ storytime.publication_table() }} (published_at) values (now())
    on conflict (singleton) do update
    set unpublished_by = null, unpublished_since = null, published_at = now(),
        published_every_row = {{ 'true' if full else 'false' }},
        publish_seconds = round(extract(epoch from clock_timestamp() - now()), 3);
    commit
{% endmacro %}

{#- The rows of one mart a run recomputed, as a predicate on its columns. -#}
{% macro publish_scope(node, full, keyed_scope) %}
    {%- set strategy = node.config.get('incremental_strategy') -%}
    {%- if full or node.config.materialized != 'incremental' or storytime.processing_range() is none -%}
        {{ return('true') }}
    {%- elif strategy == 'replace_dates' -%}
        {{ return(storytime.in_replaced_dates(node.config.date_column, node.config, in_test=true)) }}
    {%- elif strategy == 'replace_keys' and keyed_scope and node.config.get('key_model') -%}
        {%- set keys = node.config.key_columns or node.config.unique_key -%}
        {%- set keys = [keys] if keys is string else keys -%}
        {%- set key_relation = storytime.existing_relation(node.config.key_model) -%}
        {%- if key_relation is none -%}
            {{ return('true') }}
        {%- endif -%}
        {{ return('(' ~ keys | join(', ') ~ ') in (select ' ~ keys | join(', ') ~ ' from ' ~ key_relation ~ ')') }}
    {%- else -%}
        {{ return('true') }}
    {%- endif -%}
{% endmacro %}

{#- Whether a mart's publish may copy only the keys its run changed: a table by month
    (months_onward, key_columns) after a dated run that published its own changes. It does
    when this invocation's strategy recorded them (changed_keys_of_this_run), else it
    copies the months from the first processed month on. -#}
{% macro publishes_changed_keys(node, full, keyed_scope) %}
    {{ return(not full and keyed_scope and node.config.materialized == 'incremental'
        and node.config.get('months_onward') and node.config.get('key_columns')
        and storytime.processing_range() is not none) }}
{% endmacro %}

{% macro selects_models(resources) %}
    {%- for resource in resources if resource.startswith('model.') -%}
        {{ return(true) }}
    {%- endfor -%}
    {{ return(false) }}
{% endmacro %}

{#- on-run-end: a `dbt build` whose every node passed publishes; otherwise nothing changes
    for readers, and the log says why. -#}
{% macro publish_on_run_end(results) %}
    {%- if target.type != 'postgres' or flags.WHICH != 'build' or not execute
            or not storytime.selects_models(selected_resources) -%}
        {{ return('select 1') }}
    {%- endif -%}
    {%- set failed = [] -%}
    {%- for result in results if result.status in ('error', 'fail', 'skipped', 'runtime error') -%}
        {%- do failed.append(result.node.name) -%}
    {%- endfor -%}
    {%- if failed -%}
        {%- do log('nothing published: ' ~ failed | length ~ ' node(s) did not pass ('
            ~ failed[:5] | join(', ') ~ (', ...' if failed | length > 5) ~ ')', info=true) -%}
        {{ return('select 1') }}
    {%- endif -%}
    {{ return(storytime.publish_sql()) }}
{% endmacro %}

{#- `dbt run-operation publish`: what the runner's backfill calls after its tests pass, and
    an operator's resync (full=true copies every row). -#}
{% macro publish(full=false, keyed_scope=true) %}
    {%- if target.type == 'postgres' -%}
        {%- do run_query(storytime.publish_sql(full, keyed_scope)) -%}
        {%- do log('published', info=true) -%}
    {%- endif -%}
{% endmacro %}

{#- The marts' build copies grant nothing: the readers' grants (config grants) go to the
    published copies (ensure_published_relation). Overrides dbt's postgres__apply_grants for
    relations outside the readers' schema of models that have a published copy. -#}
{% macro postgres__apply_grants(relation, grant_config, should_revoke=True) %}
    {%- if model is defined and (model.config.meta or {}).get('published_schema')
            and relation.schema != target.schema -%}
        {%- set grant_config = {} -%}
    {%- endif -%}
    {{ return(default__apply_grants(relation, grant_config, should_revoke)) }}
{% endmacro %}
