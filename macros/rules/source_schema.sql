{#- The schema of the app's tables: the environment variable STORYTIME_SOURCE_SCHEMA
    (default public), read by the source definition and by the runner alike. -#}
{% macro source_schema() -%}
    {{ return(env_var('STORYTIME_SOURCE_SCHEMA', 'public')) }}
{%- endmacro %}
