{#- The two reader roles the marts' grants name (README "Metabase"): analytics_reader reads
    every mart, publisher_reader only the publisher-facing ones (SPEC section 6). Roles are
    cluster-wide: created when missing, never altered or dropped, and a concurrent creation
    by another database's run is not an error. Both get USAGE on the marts' schema only, so
    neither can reach the staging or intermediate schemas. NOLOGIN: grant a role to a
    login (e.g. metabase) to use it. Run by on-run-start. -#}
{% macro ensure_reader_roles(roles=['analytics_reader', 'publisher_reader'], grant_schema=true) %}
    {{ return(adapter.dispatch('ensure_reader_roles', 'storytime')(roles, grant_schema)) }}
{% endmacro %}

{% macro default__ensure_reader_roles(roles, grant_schema) -%}
    select 1
{%- endmacro %}

{% macro postgres__ensure_reader_roles(roles, grant_schema) -%}
    do $roles$
    declare
        reader text;
    begin
        foreach reader in array array[{% for role in roles %}'{{ role }}'{{ ', ' if not loop.last }}{% endfor %}] loop
            if not exists (select from pg_catalog.pg_roles where rolname = reader) then
                begin
                    execute format('create role %I nologin', reader);
                exception when duplicate_object or unique_violation then
                    null;  -- another database's run created it a moment ago
                end;
            end if;
        end loop;
    end
    $roles$
    {%- if grant_schema %};
    create schema if not exists {{ adapter.quote(target.schema) }};
    grant usage on schema {{ adapter.quote(target.schema) }} to {{ roles | join(', ') }}
    {%- endif %}
{%- endmacro %}
