"""Where the project's models live: one function resolving a model's published relation.

dbt names a model's schema with the project's generate_schema_name rule: the profile's
schema (STORYTIME_SCHEMA, default analytics, profiles.yml) alone, or followed by `_` and
the custom schema the model's folder sets in dbt_project.yml (`+schema: staging` ->
analytics_staging); the marts (`+schema: build`) are built in analytics_build and read
from their published copies in the profile's schema (macros/publish/publish.sql).
This module applies that rule to dbt_project.yml and the models
folder, so no Python module re-types a schema name; tests/test_reporting.py checks it
against dbt's own manifest.
"""

from __future__ import annotations

import functools
import os

import yaml
from psycopg import sql

from . import PROJECT_DIR, StorytimeError

SCHEMA_VAR = "STORYTIME_SCHEMA"
DEFAULT_SCHEMA = "analytics"
PROJECT_NAME = "storytime"


def base_schema() -> str:
    """The profile's schema (target.schema): where the marts and the rule functions live."""
    return os.environ.get(SCHEMA_VAR) or DEFAULT_SCHEMA


# The project's generate_schema_name (macros/publish/publish.sql): the marts are built in
# <schema>_build and readers read their published copies in the profile's schema.
PUBLISHED_CUSTOM_SCHEMAS = ("build", "published")


def schema_for(custom: str | None) -> str:
    """The schema readers find a model's rows in: target.schema for the marts (their
    published copies) and models without a custom schema, else target.schema_custom."""
    base = base_schema()
    if not custom or custom.strip() in PUBLISHED_CUSTOM_SCHEMAS:
        return base
    return f"{base}_{custom.strip()}"


@functools.cache
def _project() -> dict:
    return yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())


@functools.cache
def _model_folders() -> dict[str, tuple[str, ...]]:
    """Model name -> its folders under models/ (e.g. ('marts', 'dashboard'))."""
    root = PROJECT_DIR / "models"
    return {path.stem: path.relative_to(root).parent.parts for path in root.rglob("*.sql")}


def _custom_schema(config: dict, folders: tuple[str, ...], key: str) -> str | None:
    """The innermost `+schema` (or `+<key>`) dbt_project.yml sets along the folders."""
    found = config.get(f"+{key}")
    node = config
    for folder in folders:
        node = node.get(folder) if isinstance(node, dict) else None
        if not isinstance(node, dict):
            break
        found = node.get(f"+{key}", found)
    return found


def model_schema(model: str) -> str:
    """The schema dbt builds `model` in."""
    folders = _model_folders().get(model)
    if folders is None:
        raise StorytimeError(f"no model {model!r} in {PROJECT_DIR / 'models'}")
    models = _project().get("models", {}).get(PROJECT_NAME, {})
    return schema_for(_custom_schema(models, folders, "schema"))


def relation(model: str) -> sql.Identifier:
    """A model's published relation, quoted for psycopg.sql composition."""
    return sql.Identifier(model_schema(model), model)


def relation_name(model: str) -> str:
    """The same as text ("schema"."model"), for logs and f-string-free composition."""
    return f'"{model_schema(model)}"."{model}"'


def function(name: str) -> sql.Identifier:
    """A rule function of macros/operations/create_rule_functions.sql (the marts' schema)."""
    return sql.Identifier(base_schema(), name)


def ops_schema() -> str:
    """The runner's own schema (run log, locks): target.schema + _ops."""
    return schema_for("ops")
