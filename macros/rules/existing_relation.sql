{#- The relation a model of this project builds, if it exists in the database now, else
    none (also while parsing). For the one model that must read another's previous state
    before that model replaces it (int_touched_plays); everything else uses ref(). -#}
{% macro existing_relation(model_name) %}
    {%- if not execute -%}
        {{ return(none) }}
    {%- endif -%}
    {%- for node in graph.nodes.values()
            if node.resource_type == 'model' and node.name == model_name -%}
        {{ return(adapter.get_relation(database=node.database, schema=node.schema, identifier=node.alias)) }}
    {%- endfor -%}
    {{ return(none) }}
{% endmacro %}
