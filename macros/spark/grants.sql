{#- Grants (analytics_reader, publisher_reader) are PostgreSQL roles; a local Spark session
    has no grant statement ("Operation not allowed: grant"). On a cluster, grant through its
    own catalog (Unity Catalog, Ranger). Overrides dbt's spark__apply_grants. -#}
{% macro spark__apply_grants(relation, grant_config, should_revoke=True) %}
    {%- if grant_config -%}
        {%- do log('grants on ' ~ relation ~ ' skipped on Spark', info=false) -%}
    {%- endif -%}
{% endmacro %}
