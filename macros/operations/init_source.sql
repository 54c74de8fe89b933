{#- Creates the app's source tables (SPEC section 1) for local, demo and test use.
    In production the Rails app owns these tables: this never alters or drops one.
    With add_missing=false it refuses to touch a schema that already holds any of them. -#}
{% macro init_source(add_missing=false) %}
    {{ return(adapter.dispatch('init_source', 'storytime')(add_missing)) }}
{% endmacro %}

{% macro default__init_source(add_missing=false) %}
    {{ exceptions.raise_compiler_error("init_source is implemented for PostgreSQL only; on " ~ target.type ~ " load the source tables with the loader described in the README") }}
{% endmacro %}

{% macro postgres__init_source(add_missing=false) %}
    {%- set schema = storytime.source_schema() -%}
    {%- set ddl = storytime.source_table_ddl(schema) -%}
    {%- set existing = [] -%}
    {%- for name in ddl -%}
        {%- if adapter.get_relation(database=target.database, schema=schema, identifier=name) is not none -%}
            {%- do existing.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {%- if existing and not add_missing -%}
        {{ exceptions.raise_compiler_error("source schema '" ~ schema ~ "' already has " ~ existing | join(', ') ~ "; nothing changed (pass add_missing to create only the missing tables)") }}
    {%- endif -%}
    {%- set created = [] -%}
    {% call statement('create_schema') %}create schema if not exists {{ adapter.quote(schema) }}{% endcall %}
    {%- for name, statements in ddl.items() if name not in existing -%}
        {%- for sql in statements -%}
            {% call statement('create_' ~ name ~ '_' ~ loop.index) %}{{ sql }}{% endcall %}
        {%- endfor -%}
        {%- do created.append(name) -%}
    {%- endfor -%}
    {% do adapter.commit() %}
    {{ log("init_source: schema " ~ schema ~ ": created " ~ (created | join(', ') or 'nothing') ~ (("; already there: " ~ existing | join(', ')) if existing else ''), info=true) }}
{% endmacro %}

{#- The DDL per table, in creation order. usage_events is range-partitioned by month on
    occurred_at with a default partition (rows with a null or far-off occurred_at land there);
    monthly partitions are added by the partitions operation. -#}
{% macro source_table_ddl(schema) %}
    {%- set s = adapter.quote(schema) -%}
    {%- do return({
        'publishers': [
            "create table " ~ s ~ ".publishers (id bigint primary key, name text not null, created_at timestamptz not null default now())",
        ],
        'books': [
            "create table " ~ s ~ ".books (id bigint primary key, publisher_id bigint, title text not null, created_at timestamptz not null default now())",
        ],
        'video_assets': [
            "create table " ~ s ~ ".video_assets (id bigint primary key, book_id bigint not null, duration_seconds integer, created_at timestamptz not null default now())",
            "create index on " ~ s ~ ".video_assets (book_id, created_at)",
        ],
        'users': [
            "create table " ~ s ~ ".users (id bigint primary key, created_at timestamptz not null default now())",
        ],
        'child_profiles': [
            "create table " ~ s ~ ".child_profiles (id bigint primary key, user_id bigint, created_at timestamptz not null default now())",
        ],
        'usage_events': [
            "create table " ~ s ~ ".usage_events (id bigint not null, child_profile_id bigint, book_id bigint, event_type text, position_seconds integer, occurred_at timestamptz, created_at timestamptz not null default now(), metadata jsonb) partition by range (occurred_at)",
            "create table " ~ s ~ ".usage_events_default partition of " ~ s ~ ".usage_events default",
            "create index on " ~ s ~ ".usage_events (child_profile_id, book_id, occurred_at)",
            "create index on " ~ s ~ ".usage_events (book_id, occurred_at)",
            "create index on " ~ s ~ ".usage_events (event_type, occurred_at)",
            "create index on " ~ s ~ ".usage_events (created_at)",
        ],
    }) -%}
{% endmacro %}
